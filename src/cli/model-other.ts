import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { hashValues, type Finding, type InputRef } from "../core/finding.js";
import { readShippedHospitalUnits, readUserHospitalTable } from "../data/hospital-table.js";
import { columnIndex, parseNumberCell, readCsvFile, readSeriesCsv } from "../data/user-csv.js";
import { CHINA_ORGANS_PER_DONOR, countryContext, readWaitData, type WaitData } from "../data/wait-claims.js";
import { capacityFinding, latestUnitPerHospital, type CapacityResult, type ParamRange } from "../models/capacity.js";
import { changepointFinding, decimalYear, type ChangepointEvent, type ChangepointResult } from "../models/changepoint.js";
import { emergencyPoolFinding, emergencyShareFinding } from "../models/ondemand.js";
import {
  ABO_GROUPS, erlangWait, fmtNum, littleQueuePositions, officialFlowForPeriod, organRatePerDay, parseAboGroup, requiredFlowFinding,
  waitClaimFinding, waitTimeFinding, yearsOfPeriod, type AboGroup, type AllocationRule, type OfficialFlow, type WaitModelInput,
} from "../models/waittime.js";
import { printJson, numberOption } from "./io.js";
import type { CliContext } from "./main.js";

/**
 * `organ-audit model changepoint | capacity | waittime | ondemand`: change points in volume series,
 * bed-capacity estimates, the wait-time / on-demand donor-flow model. Every result is a Finding.
 */

const num = numberOption;
const seedOf = (v: string | undefined): number | undefined => num(v, "--seed", { integer: true, min: 0, max: 0xffffffff });

function printFindings(ctx: CliContext, findings: Finding[], json: boolean | undefined, extra: (f: Finding) => string[] = () => []): void {
  if (json) {
    printJson(ctx.io, { findings });
    return;
  }
  for (const f of findings) {
    const lines = [`${f.title}`, `  verdict: ${f.verdict}`, `  ${f.statement}`, ...extra(f).map((l) => `  ${l}`)];
    for (const c of f.caveats) lines.push(`  caveat [${c.code}]: ${c.message}`);
    lines.push(`  id ${f.id}; method ${f.provenance.method} ${f.provenance.methodVersion}; seed ${f.provenance.seed ?? "none"}`);
    ctx.io.out(`${lines.join("\n")}\n`);
  }
}

/** Events CSV: a `date` column (YYYY, YYYY-MM or YYYY-MM-DD) and a `label` (or `event_en`) column. */
export function readEventsCsv(file: string): { events: ChangepointEvent[]; input: InputRef } {
  const { table, sha256 } = readCsvFile(file);
  const di = columnIndex(table, "date");
  const li = table.header.includes("label") ? columnIndex(table, "label") : columnIndex(table, table.header.includes("event_en") ? "event_en" : "label");
  const events: ChangepointEvent[] = [];
  for (const r of table.rows) {
    const date = (r.cells[di] ?? "").trim();
    try {
      decimalYear(date);
    } catch {
      throw new OrganAuditError("E_INVALID_VALUE", { detail: `date "${date}" is not YYYY, YYYY-MM or YYYY-MM-DD` }, { file, line: r.line, field: "date" });
    }
    events.push({ date, label: (r.cells[li] ?? "").trim() });
  }
  return { events, input: { name: file, sha256, n: events.length } };
}

const organRatePer = (w: number): string => `${fmtNum(w)} days`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * A count series from a CSV, optionally keeping only rows where `--where column=value` holds (so the
 * shipped long tables can be used directly). Empty y cells are skipped; bad numbers and duplicate x
 * name file, line and field.
 */
export function readFilteredSeries(file: string, x: string, y: string, where: string[]): { x: number[]; y: number[]; input: InputRef } {
  if (where.length === 0) {
    const s = readSeriesCsv(file, { x, y });
    return { x: s.x, y: s.y, input: s.input };
  }
  const { table, sha256 } = readCsvFile(file);
  const xi = columnIndex(table, x);
  const yi = columnIndex(table, y);
  const conds = where.map((w) => {
    const i = w.indexOf("=");
    if (i <= 0) throw new OrganAuditError("E_USAGE", { detail: `--where expects column=value, got "${w}"` });
    return { col: columnIndex(table, w.slice(0, i)), value: w.slice(i + 1) };
  });
  const pts: { x: number; y: number; line: number }[] = [];
  for (const r of table.rows) {
    if (!conds.every((c) => (r.cells[c.col] ?? "").trim() === c.value)) continue;
    const yRaw = (r.cells[yi] ?? "").trim();
    if (yRaw === "") continue;
    const xv = parseNumberCell(r.cells[xi] ?? "", { file, line: r.line, field: x });
    const yv = parseNumberCell(yRaw, { file, line: r.line, field: y });
    if (pts.some((p) => p.x === xv)) throw new OrganAuditError("E_DUPLICATE_X", { x: String(xv) }, { file, line: r.line, field: x });
    pts.push({ x: xv, y: yv, line: r.line });
  }
  if (pts.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: `no rows match ${where.join(", ")}` }, { file });
  pts.sort((a, b) => a.x - b.x);
  return { x: pts.map((p) => p.x), y: pts.map((p) => p.y), input: { name: `${file} [${where.join("; ")}]`, sha256, n: pts.length } };
}

export function register(program: Command, ctx: CliContext): void {
  const model =
    program.commands.find((c) => c.name() === "model") ??
    program.command("model").description("models: accounting, sensitivity, capacity, wait time, change points");

  // ---------------------------------------------------------------- changepoint
  model
    .command("changepoint")
    .description("break in the growth of a count series: segmented Poisson regression, profile-likelihood break, bootstrap test, distance from events")
    .requiredOption("--csv <file>", "CSV with the series")
    .option("--x <column>", "x column (e.g. year)", "year")
    .option("--y <column>", "count column", "value")
    .option("--where <column=value>", "keep only rows where column equals value (repeatable), e.g. to pick one series of a long table", collect)
    .option("--name <text>", "series name for the finding")
    .option("--events <file>", "events CSV (columns date, label or event_en), e.g. data/timeline_events.csv; events within one x unit of the series are compared")
    .option("--model <m>", "hinge (change in growth rate) or jump (change in growth rate and level)", "hinge")
    .option("--min-segment <n>", "minimum points on each side of a break", "3")
    .option("--step <x>", "grid step for candidate breaks (e.g. 0.0833 for months when x is years); default: observed x values")
    .option("--x-offset <x>", "position of an x label within its period when comparing with event dates (0.5: annual totals centred mid-year)", "0")
    .option("--level <p>", "confidence level", "0.95")
    .option("--bootstrap <n>", "parametric bootstrap replicates for the break-vs-no-break p-value (0 to skip)", "999")
    .option("--seed <n>", "seed of the bootstrap", "1")
    .option("--json", "machine-readable output")
    .action((o: { csv: string; x: string; y: string; where?: string[]; model: string; name?: string; events?: string; minSegment: string; step?: string; xOffset: string; level: string; bootstrap: string; seed: string; json?: boolean }) => {
      const s = readFilteredSeries(o.csv, o.x, o.y, o.where ?? []);
      let events: ChangepointEvent[] = [];
      const inputs = [s.input];
      const xOffset = num(o.xOffset, "--x-offset")!;
      if (o.events) {
        const ev = readEventsCsv(o.events);
        inputs.push(ev.input);
        // events from one x unit before the series to one after its last period
        const lo = s.x[0]! - 1;
        const hi = s.x[s.x.length - 1]! + xOffset + 1;
        events = ev.events.filter((e) => {
          const t = decimalYear(e.date);
          return t >= lo && t <= hi;
        });
      }
      const step = num(o.step, "--step", { min: 0 });
      if (o.model !== "hinge" && o.model !== "jump") throw new OrganAuditError("E_USAGE", { detail: `--model expects hinge or jump, got "${o.model}"` });
      const f = changepointFinding(
        { name: o.name ?? `${o.y} by ${o.x} (${s.input.name})`, x: s.x, y: s.y, input: inputs[0]! },
        {
          model: o.model,
          minSegment: num(o.minSegment, "--min-segment", { integer: true, min: 2 })!,
          ...(step !== undefined ? { step } : {}),
          xOffset,
          level: num(o.level, "--level", { min: 0.5, max: 0.999 })!,
          bootstrap: num(o.bootstrap, "--bootstrap", { integer: true, min: 0, max: 100000 })!,
          seed: seedOf(o.seed)!,
          events,
          extraInputs: inputs.slice(1),
        },
      );
      printFindings(ctx, [f], o.json, (g) => {
        const r = g.result as ChangepointResult;
        if (r.status !== "ok") return [];
        const out = [
          `profile deviance by break: ${r.profile.map((p) => `${p.tau}: ${p.deviance.toFixed(3)}`).join(", ")}`,
          `growth before ${(r.before!.rate * 100).toFixed(1)}% [${(r.before!.low * 100).toFixed(1)}, ${(r.before!.high * 100).toFixed(1)}], after ${(r.after!.rate * 100).toFixed(1)}% [${(r.after!.low * 100).toFixed(1)}, ${(r.after!.high * 100).toFixed(1)}] per x unit`,
          `dispersion ${r.dispersion === null ? "not estimable" : r.dispersion.toFixed(3)}; LRT deviance drop ${r.lrt!.statistic.toFixed(3)}, naive Poisson p ${r.lrt!.naivePoissonP.toPrecision(3)}, quasi-F p ${r.lrt!.naiveQuasiP === null ? "n/a" : r.lrt!.naiveQuasiP.toPrecision(3)}, bootstrap p ${r.lrt!.bootstrapP === null ? "n/a" : r.lrt!.bootstrapP.toPrecision(3)}`,
        ];
        for (const e of r.events) out.push(`event ${e.date} (${e.label}): break minus event ${e.distance.toFixed(2)}; ${e.insideInterval ? "inside" : "outside"} the break interval`);
        return out;
      });
    });

  // ---------------------------------------------------------------- capacity
  model
    .command("capacity")
    .description("annual transplant capacity = beds x occupancy x share x 365 / stay, per hospital unit and summed, seeded Monte Carlo; compares claimed volumes")
    .option("--csv <file>", "your hospital table (columns: hospital, beds, organ, period, occupancy_pct[_low/_high], stay_days[_low/_high], transplant_share[_low/_high], claimed_annual, source_id); default: the shipped hospital figures")
    .option("--data-dir <dir>", "directory of the shipped tables")
    .option("--all-units", "shipped table: use every bed count, not only the latest per hospital and organ (the sum then double counts)")
    .option("--draws <n>", "Monte Carlo draws", "10000")
    .option("--seed <n>", "seed", "1")
    .option("--correlation <mode>", "shared | independent parameter draws across hospitals", "shared")
    .option("--min-centres <n>", "minimum-requirement bound: number of centres")
    .option("--min-per-year <n>", "minimum-requirement bound: minimum transplants per centre a year")
    .option("--min-years <n>", "minimum-requirement bound: years", "1")
    .option("--min-basis <text>", "minimum-requirement bound: source of the requirement", "user-supplied minimum requirement")
    .option("--extrapolate-centres <n>", "also scale the profiled units' mean capacity to this many centres (e.g. 169 qualified hospitals in 2015-2018, NHC2018; 712 counted by KGM2016_NTC)")
    .option("--extrapolate-basis <text>", "source of --extrapolate-centres", "user-supplied number of centres")
    .option("--per-surgeon <low[-high]>", "transplants one surgeon can do a year (a range low-high): adds a surgeon-based ceiling for units with a surgeon count")
    .option("--per-surgeon-basis <text>", "source of --per-surgeon", "user-supplied assumption")
    .option("--json", "machine-readable output")
    .action((o: { csv?: string; dataDir?: string; allUnits?: boolean; draws: string; seed: string; correlation: string; minCentres?: string; minPerYear?: string; minYears: string; minBasis: string; perSurgeon?: string; perSurgeonBasis: string; extrapolateCentres?: string; extrapolateBasis: string; json?: boolean }) => {
      if (o.correlation !== "shared" && o.correlation !== "independent")
        throw new OrganAuditError("E_USAGE", { detail: `--correlation expects shared or independent, got "${o.correlation}"` });
      const table = o.csv ? readUserHospitalTable(o.csv) : readShippedHospitalUnits(o.dataDir);
      const units = o.csv || o.allUnits ? table.units : latestUnitPerHospital(table.units);
      const centres = num(o.minCentres, "--min-centres", { min: 0 });
      const perYear = num(o.minPerYear, "--min-per-year", { min: 0 });
      if ((centres === undefined) !== (perYear === undefined))
        throw new OrganAuditError("E_USAGE", { detail: "--min-centres and --min-per-year go together" });
      let perSurgeonPerYear: ParamRange | undefined;
      if (o.perSurgeon !== undefined) {
        const m = /^\s*([\d.]+)\s*(?:-\s*([\d.]+))?\s*$/.exec(o.perSurgeon);
        if (!m) throw new OrganAuditError("E_USAGE", { detail: `--per-surgeon expects a number or a range low-high, got "${o.perSurgeon}"` });
        const low = num(m[1], "--per-surgeon", { min: 0 })!;
        const high = m[2] !== undefined ? num(m[2], "--per-surgeon", { min: 0 })! : low;
        perSurgeonPerYear = { low, high, basis: o.perSurgeonBasis, assumed: true };
      }
      const f = capacityFinding(units, [table.input], {
        ...(perSurgeonPerYear ? { perSurgeonPerYear } : {}),
        ...(o.extrapolateCentres !== undefined ? { extrapolateTo: { centres: num(o.extrapolateCentres, "--extrapolate-centres", { min: 1 })!, basis: o.extrapolateBasis } } : {}),
        draws: num(o.draws, "--draws", { integer: true, min: 2, max: 1_000_000 })!,
        seed: seedOf(o.seed)!,
        correlation: o.correlation,
        secondarySources: !o.csv,
        label: o.csv ? o.csv : o.allUnits ? "the shipped hospital figures (all bed counts)" : "the shipped hospital figures (latest bed count per hospital and organ)",
        ...(centres !== undefined && perYear !== undefined
          ? { minimumRequirement: { centres, perCentrePerYear: perYear, years: num(o.minYears, "--min-years", { min: 0 })!, basis: o.minBasis } }
          : {}),
      });
      printFindings(ctx, [f], o.json, (g) => {
        const r = g.result as CapacityResult;
        const q = (xs: { value: number }[]): string => `${Math.round(xs[2]!.value)} [${Math.round(xs[0]!.value)}, ${Math.round(xs[4]!.value)}]`;
        return r.units.map(
          (u) =>
            `${u.hospital} | ${u.organ} | ${u.period || "undated"} | ${u.beds} beds, ` +
            (u.turnover ? `turnover ${u.turnover.low}-${u.turnover.high}/bed/yr` : `occupancy ${u.occupancy.low}-${u.occupancy.high}, stay ${u.stayDays.low}-${u.stayDays.high} d`) +
            `: median ${q(u.quantiles)}/yr` +
            (u.surgeonCeiling ? `; surgeon ceiling ${Math.round(u.surgeonCeiling.low)}-${Math.round(u.surgeonCeiling.high)}/yr (${u.surgeonCeiling.surgeons} surgeons)` : "") +
            (u.claims.length ? `; claims ${u.claims.map((c) => `${c.value} (${c.period}, ${c.sourceId}) ${c.position}`).join(", ")}` : ""),
        );
      });
    });

  // ---------------------------------------------------------------- waittime
  model
    .command("waittime")
    .description("waiting time for an organ from the donor flow (forward), the donor flow needed for a wait (inverse, with --median-days/--mean-days), or the shipped wait claims (--claims)")
    .option("--donors-per-year <n>", "deceased donors a year (forward); with --median-days, the flow to compare with")
    .option("--year <yyyy>", "use China's official deceased donors of that year")
    .option("--group <g>", "recipient blood group A, B, O or AB (default: all four)")
    .option("--organ <organ>", "liver, kidney, heart or lung", "liver")
    .option("--usable <f>", "usable organs per donor (default: China 2016 GODT deceased-donor transplants per donor for the organ)")
    .option("--rule <rule>", "identical (same-group allocation) or compatible (ABO-compatible)", "identical")
    .option("--queue <m>", "queue position of the recipient (1 = first in line)", "1")
    .option("--annual-volume <n>", "with --mean-days/--median-days: a centre's transplants a year; the queue position then follows from Little's law")
    .option("--median-days <w>", "inverse question: donors needed for this median wait")
    .option("--mean-days <w>", "inverse question: donors needed for this mean wait")
    .option("--simulate", "forward question: also run the seeded queue simulation")
    .option("--policy <p>", "simulation: fifo (longest-waiting compatible recipient first) or random (any compatible waiting recipient)", "fifo")
    .option("--queue-ahead <n>", "simulation: recipients of other groups already waiting ahead, split by ABO frequency", "0")
    .option("--arrivals-per-year <n>", "simulation: new recipients a year joining the queues, split by ABO frequency", "0")
    .option("--draws <n>", "simulation draws", "10000")
    .option("--seed <n>", "simulation seed", "1")
    .option("--claims", "apply the inverse model to every shipped wait claim")
    .option("--data-dir <dir>", "directory of the shipped tables")
    .option("--json", "machine-readable output")
    .action((o: {
      donorsPerYear?: string; year?: string; group?: string; organ: string; usable?: string; rule: string; queue: string; annualVolume?: string;
      medianDays?: string; meanDays?: string; simulate?: boolean; policy: string; queueAhead: string; arrivalsPerYear: string; draws: string; seed: string; claims?: boolean; dataDir?: string; json?: boolean;
    }) => {
      if (o.rule !== "identical" && o.rule !== "compatible") throw new OrganAuditError("E_USAGE", { detail: `--rule expects identical or compatible, got "${o.rule}"` });
      const rule: AllocationRule = o.rule;
      const data = readWaitData(o.dataDir);
      const queueGiven = o.queue !== "1";
      const position = num(o.queue, "--queue", { integer: true, min: 1 })!;
      const usableArg = num(o.usable, "--usable", { min: 0 });
      if (o.claims) {
        const findings = data.claims.map((c) => {
          const years = yearsOfPeriod(c.period);
          const cc = countryContext(data, c, years);
          const official = officialFlowForPeriod(c.period, cc.donorsByYear, { voluntaryStartYear: cc.voluntaryStartYear, label: cc.label });
          return waitClaimFinding(c, {
            ...cc,
            ...(usableArg !== undefined ? { usable: usableArg, usableBasis: "user (--usable)" } : {}),
            official,
            inputs: [data.inputs.claims, data.inputs.abo, data.inputs.donors, ...(c.country === "China" ? [] : [data.inputs.international])],
            rule,
            ...(queueGiven ? { position } : {}),
          });
        });
        printFindings(ctx, findings, o.json);
        return;
      }
      const groups: AboGroup[] = o.group ? [parseAboGroup(o.group)] : [...ABO_GROUPS];
      const organ = o.organ.toLowerCase();
      const usableDefault = CHINA_ORGANS_PER_DONOR[organ];
      if (usableArg === undefined && !usableDefault) throw new OrganAuditError("E_USAGE", { detail: `no default organs per donor for "${o.organ}"; give --usable` });
      const usable = usableArg ?? usableDefault!.value;
      const usableBasis = usableArg !== undefined ? "user (--usable)" : usableDefault!.basis;
      const abo = data.abo.get("China");
      if (!abo) throw new OrganAuditError("E_EMPTY_INPUT", { what: "no China ABO frequencies in the data" });
      const flow = resolveFlow(data, o.donorsPerYear, o.year);
      const inputs = [data.inputs.abo, ...(o.year !== undefined ? [data.inputs.donors] : [])];
      const median = num(o.medianDays, "--median-days", { min: 0 });
      const mean = num(o.meanDays, "--mean-days", { min: 0 });
      if (median !== undefined && mean !== undefined) throw new OrganAuditError("E_USAGE", { detail: "give --median-days or --mean-days, not both" });
      const wait = median ?? mean;
      if (wait !== undefined) {
        const volume = num(o.annualVolume, "--annual-volume", { min: 0 });
        if (volume !== undefined && (rule !== "identical" || queueGiven))
          throw new OrganAuditError("E_USAGE", { detail: "--annual-volume sets the queue positions itself and needs --rule identical (no --queue)" });
        const little = volume !== undefined ? littleQueuePositions(volume, wait, abo.frequencies) : null;
        const f = requiredFlowFinding({
          waitDays: wait,
          statistic: median !== undefined ? "median" : "mean",
          frequencies: abo.frequencies,
          usable,
          organ,
          rule,
          position,
          ...(little ? { positionByGroup: little.positions } : {}),
          groups,
          official: flow ?? { donorsPerYear: null, basis: "no comparison flow given (use --year or --donors-per-year)" },
          inputs,
          extraParameters: {
            usableBasis, frequenciesBasis: abo.basis,
            ...(little ? { annualVolume: volume, waiting: little.waiting, positionRule: "Little's law: L = volume x wait / 365 waiting; group g at position max(1, L x f_g)" } : {}),
          },
        });
        printFindings(ctx, [f], o.json, () => [
          ...f.result.groups.map(
            (g) => `${g.group} (position ${fmtNum(g.position)}): ${fmtNum(g.donorsPerYear)} donors a year${g.ratioToOfficial === null ? "" : `, ${fmtNum(g.ratioToOfficial)} x the comparison flow`}`,
          ),
          ...(little && volume !== undefined
            ? [`Little's law: ${fmtNum(little.waiting)} patients waiting (${fmtNum(volume)} a year x ${organRatePer(wait)} / 365), queue positions by group ${ABO_GROUPS.map((g) => `${g} ${fmtNum(little.positions[g])}`).join(", ")}; throughput alone needs ${fmtNum(volume / usable)} donors a year for this centre`]
            : []),
        ]);
        return;
      }
      if (!flow || flow.donorsPerYear === null)
        throw new OrganAuditError("E_USAGE", { detail: flow ? `no official donor figure: ${flow.basis}` : "give --donors-per-year or --year (forward question), or --median-days/--mean-days (inverse), or --claims" });
      let simulation: WaitModelInput["simulation"];
      if (o.simulate) {
        if (o.policy !== "fifo" && o.policy !== "random") throw new OrganAuditError("E_USAGE", { detail: `--policy expects fifo or random, got "${o.policy}"` });
        simulation = {
          policy: o.policy,
          draws: num(o.draws, "--draws", { integer: true, min: 1, max: 10_000_000 })!,
          seed: seedOf(o.seed)!,
          queueAheadTotal: num(o.queueAhead, "--queue-ahead", { min: 0 })!,
          arrivalsPerYearTotal: num(o.arrivalsPerYear, "--arrivals-per-year", { min: 0 })!,
        };
      }
      const f = waitTimeFinding({
        donorsPerYear: flow.donorsPerYear, frequencies: abo.frequencies, usable, organ, rule, position, groups, inputs, donorsBasis: flow.basis,
        ...(simulation ? { simulation } : {}),
      });
      const findings: Finding[] = [f];
      printFindings(ctx, findings, o.json, () => {
        const lines: string[] = [];
        for (const g of groups) {
          const w = erlangWait(organRatePerDay({ donorsPerYear: flow.donorsPerYear!, frequencies: abo.frequencies, usable, group: g, rule }), position);
          if (w) lines.push(`${g}: ${fmtNum(w.ratePerDay)} organs/day; mean ${fmtNum(w.meanDays)} d, median ${fmtNum(w.medianDays)} d, 90% ${fmtNum(w.p90Days)} d`);
          const s = f.result.groups.find((x) => x.group === g)?.simulation;
          if (s) {
            lines.push(`${g} simulated (${s.draws} draws, seed ${o.seed}, ${o.policy}): median ${s.medianDays === null ? "n/a" : fmtNum(s.medianDays)} d, mean ${s.meanDays === null ? "n/a" : fmtNum(s.meanDays)} d, censored ${s.censored}`);
          }
        }
        return lines;
      });
    });

  // ---------------------------------------------------------------- ondemand
  model
    .command("ondemand")
    .description("emergency ('on demand') share with a Wilson interval, and the donor flow needed to find organs within a few days (default: CLTR 2006, 26.6% of 4,331 liver transplants)")
    .option("--share <p>", "reported emergency share (0-1)", "0.266")
    .option("--count <k>", "emergency transplants (instead of --share)")
    .option("--n <n>", "transplants in the report", "4331")
    .option("--label <text>", "what the figures are", "China Liver Transplant Registry 2006 report (METHODS.md C11)")
    .option("--within-hours <h>", "organ found within this many hours", "72")
    .option("--probability <p>", "probability of finding it in time", "0.5")
    .option("--organ <organ>", "organ", "liver")
    .option("--usable <f>", "usable organs per donor (default: China 2016 GODT figure for the organ)")
    .option("--year <yyyy>", "year to compare with China's official deceased donors", "2006")
    .option("--data-dir <dir>", "directory of the shipped tables")
    .option("--json", "machine-readable output")
    .action((o: { share: string; count?: string; n: string; label: string; withinHours: string; probability: string; organ: string; usable?: string; year: string; dataDir?: string; json?: boolean }) => {
      const n = num(o.n, "--n", { integer: true, min: 1 })!;
      const count = num(o.count, "--count", { integer: true, min: 0, max: n });
      const share = count === undefined ? num(o.share, "--share", { min: 0, max: 1 })! : undefined;
      const reported = { label: o.label, n, ...(count !== undefined ? { count } : { share: share! }) };
      const inputs: InputRef[] = [{ name: `reported figures: ${o.label}`, sha256: hashValues(reported), n: 1 }];
      const sf = emergencyShareFinding({ n, ...(count !== undefined ? { count } : { share: share! }), label: o.label, inputs });
      const data = readWaitData(o.dataDir);
      const abo = data.abo.get("China");
      if (!abo) throw new OrganAuditError("E_EMPTY_INPUT", { what: "no China ABO frequencies in the data" });
      const organ = o.organ.toLowerCase();
      const usableArg = num(o.usable, "--usable", { min: 0 });
      const usable = usableArg ?? CHINA_ORGANS_PER_DONOR[organ]?.value;
      if (usable === undefined) throw new OrganAuditError("E_USAGE", { detail: `no default organs per donor for "${o.organ}"; give --usable` });
      const year = num(o.year, "--year", { integer: true, min: 1900, max: 2100 })!;
      const official = officialFlowForPeriod(String(year), data.chinaDonors, { voluntaryStartYear: 2010, label: "China official deceased donors" });
      const pf = emergencyPoolFinding({
        emergenciesPerYear: sf.result.count,
        withinDays: num(o.withinHours, "--within-hours", { min: 0 })! / 24,
        probability: num(o.probability, "--probability", { min: 0, max: 1 })!,
        frequencies: abo.frequencies,
        usable,
        organ,
        official,
        label: `${o.label}, compared with ${year}`,
        inputs: [...inputs, data.inputs.abo, data.inputs.donors],
      });
      printFindings(ctx, [sf, pf], o.json);
    });
}

/** The comparison / forward flow: --donors-per-year, or China's official figure for --year. */
function resolveFlow(data: WaitData, donors: string | undefined, year: string | undefined): OfficialFlow | null {
  if (donors !== undefined && year !== undefined) throw new OrganAuditError("E_USAGE", { detail: "give --donors-per-year or --year, not both" });
  if (donors !== undefined) return { donorsPerYear: num(donors, "--donors-per-year", { min: 0 })!, basis: "user (--donors-per-year)" };
  if (year !== undefined) {
    const y = num(year, "--year", { integer: true, min: 1900, max: 2100 })!;
    return officialFlowForPeriod(String(y), data.chinaDonors, { voluntaryStartYear: 2010, label: "China official deceased donors" });
  }
  return null;
}
