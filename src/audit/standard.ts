import { readFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Finding, InputRef } from "../core/finding.js";
import { TOOL_VERSION } from "../core/version.js";
import { defaultDataDir, getTable, loadPackage, packageRoot, selectSeries, seriesKeys, type LoadedPackage } from "../data/package.js";
import { sha256Hex } from "../core/hash.js";
import { runAudit } from "../forensics/audit.js";
import { consistencyFinding } from "../forensics/consistency.js";
import { counterFinding, partsWholeFinding, type CounterPoint, type QualifiedValue } from "../forensics/aggregation.js";
import { fitFinding } from "../forensics/fit.js";
import type { ModelSpec } from "../forensics/models.js";
import { buildPeerSet } from "../forensics/peers.js";
import { ratioFindings, type RatioSeries } from "../forensics/ratios.js";
import type { PeerSet, Series } from "../forensics/series.js";
import { loadScenarioFile } from "../data/scenario-file.js";
import { readShippedHospitalUnits } from "../data/hospital-table.js";
import { CHINA_ORGANS_PER_DONOR, countryContext, readWaitData } from "../data/wait-claims.js";
import { accountingFinding, runAccounting } from "../models/accounting.js";
import { runSensitivity, sensitivityFinding } from "../models/sensitivity.js";
import { capacityFinding, latestUnitPerHospital } from "../models/capacity.js";
import { changepointFinding, decimalYear } from "../models/changepoint.js";
import { emergencyPoolFinding, emergencyShareFinding } from "../models/ondemand.js";
import { officialFlowForPeriod, waitClaimFinding, yearsOfPeriod } from "../models/waittime.js";
import { hashValues } from "../core/finding.js";

/**
 * The standard audit: the forensic battery, aggregation checks and models run on the shipped data
 * package (or another package with the same tables) with recorded parameters and seeds. Used by
 * `organ-audit audit` (the README's main job) and by `organ-audit report`.
 */
export interface StandardAuditOptions {
  dataDir?: string;
  scenarios?: string[];
  seed?: number;
  draws?: number;
  sims?: number;
}

export interface StandardAudit {
  toolVersion: string;
  parameters: Record<string, unknown>;
  inputs: InputRef[];
  findings: Finding[];
  sections: {
    forensics: { target: Series; peers: PeerSet; findings: Finding[] };
    ratios: { findings: Finding[] };
    aggregation: { findings: Finding[] };
    accounting: { scenarioName: string; scenarioFile: string; accounting: Finding; sensitivity: Finding | null }[];
    waittime: { findings: Finding[] };
    changepoint: { findings: Finding[] };
    capacity: { findings: Finding[] };
  };
}

export const STANDARD_DEFAULTS = {
  seed: 20191114,
  sims: 999,
  draws: 20_000,
  /** the years Robertson, Hinde & Lavee (2019) analysed */
  from: 2010,
  to: 2018,
  /** the general quadratic that the paper first fitted to 2010-2016 */
  model: { kind: "poly", degree: 2 } as ModelSpec,
  /** a peer needs at least this many years in the window */
  peerMinPoints: 7,
  /**
   * peers are fitted over their most recent points in the window, as many as the target has: China has
   * no official figure for 2012, and only 4 peers report every one of China's 8 years
   */
  peerMatch: "length" as const,
} as const;

/** The official national deceased-donor series (default figures, full years). */
export function chinaDonorSeries(pkg: LoadedPackage, from: number, to: number): Series {
  const s = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", from, to });
  return { name: "China, deceased donors (official, default figures)", x: s.x, y: s.y, input: s.input };
}

/** GODT comparator countries: deceased donors per year, one series per country with enough years. */
export function godtPeers(pkg: LoadedPackage, from: number, to: number, minPoints: number): { peers: PeerSet; caveats: Finding["caveats"] } {
  const rows: { key: string; x: number; y: number }[] = [];
  const ids = new Set<string>();
  let sha = "";
  for (const k of seriesKeys(pkg, "international_deceased_donors", "deceased_donors_actual")) {
    const s = selectSeries(pkg, { table: "international_deceased_donors", measure: "deceased_donors_actual", key: k, from, to });
    sha = s.input.sha256;
    for (const id of s.input.sourceIds ?? []) ids.add(id);
    s.points.forEach((p) => rows.push({ key: k, x: p.x, y: p.y }));
  }
  const built = buildPeerSet(rows, {
    name: "GODT comparator countries: deceased donors per year",
    from,
    to,
    minPoints,
    exclude: ["China"],
    source: { name: "data/international_deceased_donors.csv", sha256: sha, sourceIds: [...ids].sort() },
  });
  return { peers: built.peerSet, caveats: built.caveats };
}

/** Map the package's normalised qualifier_class to the qualifiers the aggregation checks read. */
export function qualifierOf(cls: unknown): string {
  switch (cls) {
    case "lower_bound":
      return "more than";
    case "upper_bound":
      return "less than";
    case "approximate":
      return "about";
    default:
      return "exact";
  }
}

function qualified(v: unknown, cls: unknown, label: string): QualifiedValue {
  return { label, value: Number(v), qualifier: qualifierOf(cls) };
}

/** Transplants (kidney, liver, heart, lung) per deceased donor for each comparator country, from GODT columns. */
function peerRatioSeries(pkg: LoadedPackage, from: number, to: number): RatioSeries[] {
  const t = getTable(pkg, "organs_per_donor_derived");
  const byKey = new Map<string, { x: number; num: number; den: number }[]>();
  for (const r of t.rows) {
    const v = r.values;
    if (v.status !== "default") continue;
    const year = Number(v.year);
    if (year < from || year > to) continue;
    const parts = [v.dd_kidney_tx, v.dd_liver_tx, v.heart_tx, v.lung_tx_used];
    if (parts.some((p) => typeof p !== "number") || typeof v.deceased_donors_actual !== "number") continue;
    const list = byKey.get(String(v.country)) ?? [];
    list.push({ x: year, num: (parts as number[]).reduce((a, b) => a + b, 0), den: v.deceased_donors_actual });
    byKey.set(String(v.country), list);
  }
  const out: RatioSeries[] = [];
  for (const [k, list] of [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (list.length < 3) continue;
    list.sort((a, b) => a.x - b.x);
    out.push({
      name: k,
      x: list.map((p) => p.x),
      numerator: list.map((p) => p.num),
      denominator: list.map((p) => p.den),
      ratio: list.map((p) => p.num / p.den),
      droppedZeroDenominator: [],
      inputs: [{ name: `data/organs_per_donor_derived.csv#country=${k}`, sha256: t.sha256, n: list.length }],
    });
  }
  return out;
}

/** Run the standard audit. Deterministic for the same package, scenarios, parameters and seed. */
export function runStandardAudit(opts: StandardAuditOptions = {}): StandardAudit {
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  const seed = opts.seed ?? STANDARD_DEFAULTS.seed;
  const sims = opts.sims ?? STANDARD_DEFAULTS.sims;
  const draws = opts.draws ?? STANDARD_DEFAULTS.draws;
  const { from, to, model, peerMinPoints, peerMatch } = STANDARD_DEFAULTS;
  const pkg = loadPackage(dataDir);

  // --- forensic battery on the national donor series, judged against GODT peers ---
  const target = chinaDonorSeries(pkg, from, to);
  const { peers } = godtPeers(pkg, from, to, peerMinPoints);
  const organs = selectSeries(pkg, { table: "china_deceased_donors", measure: "organs_donated", geography: "China", from, to });
  const organSeries: Series = { name: "China, organs donated (official, default figures)", x: organs.x, y: organs.y, input: organs.input };
  const godt = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China", status: "any", where: { reporting_body: "GODT (China submission)" } });
  const battery = runAudit(target, { spec: model, peers, seed, sims, from, to, peerMatch });
  // Robustness: the same battery with the one-parameter quadratic y = a(x - x0)^2 that the paper settled
  // on (x0 fitted), Holm-corrected as its own family; digit tests are not repeated (they do not use a model).
  const robustness = runAudit(target, {
    spec: { kind: "quadratic1" },
    peers,
    seed,
    sims,
    from,
    to,
    peerMatch,
    candidates: [{ kind: "quadratic1" }],
    digits: false,
  });
  const oneParam2017 = fitFinding(target, { kind: "quadratic1" }, { from, to: 2017 });
  const forensicFindings = [...battery.findings, ...robustness.findings, oneParam2017];

  // --- internal ratios: organs per donor, against GODT transplants per donor ---
  const ratioF = ratioFindings(organSeries, target, peerRatioSeries(pkg, 2000, 2022), { alpha: 0.05 });

  // --- cross-consistency: China's GODT submission vs its national statements ---
  const official = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China" });
  const godtSeries: Series = { name: "China, deceased donors (GODT submission)", x: godt.x, y: godt.y, input: godt.input };
  const officialSeries: Series = { name: "China, deceased donors (national statements, default)", x: official.x, y: official.y, input: official.input };
  const consistency = consistencyFinding(godtSeries, officialSeries, { expect: "equal" });

  // --- aggregation: annual sums vs cumulative counters; counters that fall or jump ---
  const aggregation: Finding[] = [consistency];
  const counters = getTable(pkg, "china_cumulative_counters");
  const countersInput: InputRef = { name: "data/china_cumulative_counters.csv", sha256: counters.sha256 };
  const donorsInput = target.input;
  const annualAll = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "China" });
  const counterRows = (date: string, geography: string) =>
    counters.rows.filter((r) => r.values.as_of_date === date && r.values.geography === geography && r.values.measure === "cumulative_deceased_donors" && r.values.status !== "excluded");
  const counterRow = (date: string, geography: string) => counterRows(date, geography).find((r) => r.values.status === "default");
  // every published counter at these dates (default and alternative statements), each against the annual sums
  for (const [date, year] of [["2013-12-31", 2013], ["2018-12-31", 2018]] as const) {
    for (const c of counterRows(date, "China")) {
      const parts = annualAll.points.filter((p) => p.x <= year).map((p) => ({ label: String(p.x), value: p.y, qualifier: "exact" }));
      const missing = [];
      for (let y = 2010; y <= year; y++) if (!parts.some((p) => p.label === String(y))) missing.push(y);
      aggregation.push(
        partsWholeFinding(parts, qualified(c.values.value, c.values.qualifier_class, `cumulative to ${date} (${String(c.values.source_id)}, ${String(c.values.counter_body)})`), {
          input: { ...countersInput, name: `${donorsInput.name} + data/china_cumulative_counters.csv#${String(c.values.row_id)}` },
          name: `Annual national donors 2010-${year}${missing.length ? ` (no official figure for ${missing.join(", ")})` : ""} vs the cumulative counter at ${date} stated by ${String(c.values.counter_body)} (${String(c.values.source_id)})`,
          complete: missing.length === 0,
        }),
      );
    }
  }
  const gd = selectSeries(pkg, { table: "china_deceased_donors", measure: "deceased_donors", geography: "Guangdong", from: 2010, to: 2014 });
  const gdCounter = counterRow("2014-12-31", "Guangdong");
  if (gdCounter && gd.points.length === 5) {
    aggregation.push(
      partsWholeFinding(gd.points.map((p) => ({ label: String(p.x), value: p.y, qualifier: "exact" })), qualified(gdCounter.values.value, gdCounter.values.qualifier_class, "Guangdong cumulative to 2014-12-31"), {
        input: { ...gd.input, name: `${gd.input.name} + data/china_cumulative_counters.csv#${String(gdCounter.values.row_id)}` },
        name: "Guangdong annual donors 2010-2014 vs the provincial cumulative counter",
        complete: true,
      }),
    );
  }
  for (const measure of ["cumulative_deceased_donors", "cumulative_registered_volunteers"]) {
    const pts: CounterPoint[] = counters.rows
      .filter((r) => r.values.measure === measure && r.values.geography === "China" && r.values.status === "default")
      .map((r) => ({ date: String(r.values.as_of_date), value: Number(r.values.value), qualifier: qualifierOf(r.values.qualifier_class) }));
    const seen = new Set<string>();
    const unique = pts.filter((p) => (seen.has(p.date) ? false : (seen.add(p.date), true)));
    aggregation.push(counterFinding(unique, { input: { ...countersInput, name: `${countersInput.name}#measure=${measure}&geography=China&status=default` }, name: `National counter: ${measure.replace(/_/g, " ")} (all reporting bodies)` }));
  }

  // --- organ-source accounting under the shipped scenarios, with sensitivity ---
  const root = packageRoot();
  const scenarioFiles = opts.scenarios ?? ["scenarios/official.json", "scenarios/independent.json"];
  const accounting: StandardAudit["sections"]["accounting"] = [];
  const scenarioInputs: InputRef[] = [];
  for (const file of scenarioFiles) {
    const loaded = loadScenarioFile(resolve(root, file));
    const rel = relativeName(root, resolve(root, file));
    const input = { ...loaded.input, name: rel };
    scenarioInputs.push({ name: rel, sha256: loaded.sha256 });
    const { result } = runAccounting(loaded.scenario, { draws, seed });
    const acc = accountingFinding(loaded.scenario, result, input);
    const sensDraws = Math.min(draws, 5_000);
    const sens = sensitivityFinding(loaded.scenario, runSensitivity(loaded.scenario, { draws: sensDraws, seed }), input, { draws: sensDraws, seed });
    accounting.push({ scenarioName: loaded.scenario.name, scenarioFile: rel, accounting: acc, sensitivity: sens });
  }

  // --- wait-time claims and the on-demand indicator ---
  const wait = readWaitData(dataDir);
  const waitFindings: Finding[] = wait.claims.map((c) => {
    const cc = countryContext(wait, c, yearsOfPeriod(c.period));
    const official = officialFlowForPeriod(c.period, cc.donorsByYear, { voluntaryStartYear: cc.voluntaryStartYear, label: cc.label });
    return waitClaimFinding(c, {
      ...cc,
      official,
      inputs: [wait.inputs.claims, wait.inputs.abo, wait.inputs.donors, ...(c.country === "China" ? [] : [wait.inputs.international])],
      rule: "identical",
    });
  });
  const cltr = { label: "China Liver Transplant Registry 2006 report: emergency share of liver transplants", n: 4331, share: 0.266 };
  const share = emergencyShareFinding({ ...cltr, inputs: [{ name: `reported figures: ${cltr.label}`, sha256: hashValues(cltr), n: 1 }] });
  const aboChina = wait.abo.get("China");
  const liver = CHINA_ORGANS_PER_DONOR.liver;
  if (aboChina && liver) {
    waitFindings.push(share);
    waitFindings.push(
      emergencyPoolFinding({
        emergenciesPerYear: share.result.count,
        withinDays: 3,
        probability: 0.5,
        frequencies: aboChina.frequencies,
        usable: liver.value,
        organ: "liver",
        official: officialFlowForPeriod("2006", wait.chinaDonors, { voluntaryStartYear: 2010, label: "China official deceased donors" }),
        label: `${cltr.label}, compared with 2006`,
        inputs: [share.provenance.inputs[0]!, wait.inputs.abo, wait.inputs.donors],
      }),
    );
  }

  // --- change point: the Tianjin liver-transplant claims, 1998-2004, against the July 1999 campaign ---
  const changepoint: Finding[] = [];
  const tj = selectSeries(pkg, {
    table: "china_transplant_volume_claims",
    measure: "annual_transplants",
    geography: "Tianjin First Central Hospital / Oriental Organ Transplant Center",
    where: { organ: "liver" },
    from: 1998,
    to: 2004,
  });
  if (tj.points.length >= 5) {
    const timeline = getTable(pkg, "timeline_events");
    const events = timeline.rows
      .filter((r) => typeof r.values.date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(String(r.values.date)))
      .map((r) => ({ date: String(r.values.date), label: String(r.values.event_en ?? "") }))
      .filter((e) => decimalYear(e.date) >= 1997 && decimalYear(e.date) <= 2005);
    changepoint.push(
      changepointFinding(
        { name: "Tianjin First Central Hospital, liver transplants claimed per year", x: tj.x, y: tj.y, input: tj.input },
        { seed, bootstrap: sims, xOffset: 0.5, events },
      ),
    );
  }

  // --- capacity of the hospitals with bed figures (mostly secondary claims) ---
  const hospitals = readShippedHospitalUnits(dataDir);
  const capacity = [
    capacityFinding(latestUnitPerHospital(hospitals.units), [hospitals.input], {
      draws,
      seed,
      secondarySources: true,
      label: "the shipped hospital figures (latest bed count per hospital and organ)",
    }),
  ];

  const inputs = [...packageInputs(pkg), ...scenarioInputs];
  const findings = [
    ...forensicFindings,
    ...ratioF,
    ...aggregation,
    ...accounting.flatMap((a) => (a.sensitivity ? [a.accounting, a.sensitivity] : [a.accounting])),
    ...waitFindings,
    ...changepoint,
    ...capacity,
  ];
  return {
    toolVersion: TOOL_VERSION,
    parameters: { dataDir: basename(dataDir), seed, sims, draws, from, to, model: "poly2", peerMinPoints, peerMatch },
    inputs,
    findings,
    sections: {
      forensics: { target, peers, findings: forensicFindings },
      ratios: { findings: ratioF },
      aggregation: { findings: aggregation },
      accounting,
      waittime: { findings: waitFindings },
      changepoint: { findings: changepoint },
      capacity: { findings: capacity },
    },
  };
}

/** Every file of the package with its SHA-256 (datapackage.json included). */
export function packageInputs(pkg: LoadedPackage): InputRef[] {
  const desc = readFileSync(join(pkg.dir, "datapackage.json"));
  const list: InputRef[] = [{ name: "data/datapackage.json", sha256: sha256Hex(desc) }];
  for (const r of pkg.descriptor.resources) {
    const t = pkg.tables.get(r.name);
    if (t) list.push({ name: `data/${r.path}`, sha256: t.sha256, n: t.rows.length });
  }
  return list;
}

/** A path relative to the package root, with forward slashes (stable across machines). */
function relativeName(root: string, file: string): string {
  const rel = relative(root, file).split(sep).join("/");
  return rel.startsWith("..") ? file : rel;
}

export { packageRoot };
