import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { createRng, type Rng } from "../stats/rng.js";

/**
 * Bed-capacity estimate of annual transplant volume (Kilgour, Gutmann & Matas 2016 Update; COHRC):
 *     annual = beds x occupancy x transplant share of beds x 365 / average length of stay (days)
 * per hospital unit, with a seeded Monte Carlo over parameter ranges (uniform on each range), the
 * sum over the units of the table, an optional minimum-requirement lower bound (centres x minimum
 * volume a year x years), and a comparison with claimed annual volumes.
 */
export const CAPACITY_METHOD = "capacity.beds-occupancy-stay";
export const CAPACITY_VERSION = "1.0.0";

/** A parameter range with its basis (a source id, or "ASSUMPTION: ..." when it is a default). */
export interface ParamRange {
  low: number;
  high: number;
  basis: string;
  assumed: boolean;
}

export interface VolumeClaim {
  value: number;
  period: string;
  qualifier: string;
  sourceId: string;
}

export interface HospitalUnit {
  hospital: string;
  /** the hospital's Chinese name, where the table has it */
  hospitalZh?: string;
  organ: string;
  period: string;
  beds: number;
  /** fraction of beds occupied (1.311 = 131.1%) */
  occupancy: ParamRange;
  stayDays: ParamRange;
  /** fraction of these beds used by transplant patients (1 for dedicated transplant beds) */
  transplantShare: ParamRange;
  /**
   * patients per bed per year (bed turnover); when given it replaces occupancy x 365 / stay:
   * annual = beds x turnover x share
   */
  turnover?: ParamRange;
  /** transplant surgeons of the unit, for the optional surgeon-based ceiling */
  surgeons?: { value: number; basis: string };
  claims: VolumeClaim[];
  sourceIds: string[];
  /** where the unit came from (file and line) */
  origin: string;
}

/** The point formula. */
export function annualCapacity(beds: number, occupancy: number, stayDays: number, transplantShare = 1): number {
  if (!(beds >= 0) || !(occupancy >= 0) || !(stayDays > 0) || !(transplantShare >= 0))
    throw new OrganAuditError("E_INVALID_VALUE", { detail: `capacity needs beds >= 0, occupancy >= 0, stay > 0, share >= 0; got ${beds}, ${occupancy}, ${stayDays}, ${transplantShare}` });
  return (beds * occupancy * transplantShare * 365) / stayDays;
}

/** Minimum-requirement lower bound: centres x minimum transplants per centre a year x years. */
export function minimumRequirementBound(centres: number, perCentrePerYear: number, years = 1): number {
  if (!(centres >= 0) || !(perCentrePerYear >= 0) || !(years >= 0))
    throw new OrganAuditError("E_INVALID_VALUE", { detail: "centres, minimum per centre and years must be >= 0" });
  return centres * perCentrePerYear * years;
}

export function checkRange(what: string, r: ParamRange, allowZero = false): void {
  const okLow = allowZero ? r.low >= 0 : r.low > 0;
  if (!Number.isFinite(r.low) || !Number.isFinite(r.high) || !okLow || r.high < r.low)
    throw new OrganAuditError("M_CAP_BAD_RANGE", { what, low: String(r.low), high: String(r.high) });
}

const mid = (r: ParamRange): number => (r.low + r.high) / 2;
const draw = (r: ParamRange, u: number): number => r.low + u * (r.high - r.low);

/** Type-7 quantiles of values (sorted in place). */
function quantiles(values: Float64Array, ps: readonly number[]): number[] {
  values.sort();
  return ps.map((p) => {
    const h = (values.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    return values[lo]! + (h - lo) * (values[hi]! - values[lo]!);
  });
}

export const CAPACITY_QUANTILES = [0.025, 0.25, 0.5, 0.75, 0.975] as const;

export interface UnitEstimate {
  hospital: string;
  hospitalZh?: string;
  organ: string;
  period: string;
  beds: number;
  occupancy: ParamRange;
  stayDays: ParamRange;
  transplantShare: ParamRange;
  turnover: ParamRange | null;
  /** surgeons x transplants per surgeon a year, when both are known */
  surgeonCeiling: { surgeons: number; low: number; high: number; basis: string } | null;
  /** formula at the mid-points of the ranges */
  point: number;
  /** formula at the ends of the ranges that give the fewest and the most transplants */
  lowest: number;
  highest: number;
  quantiles: { p: number; value: number }[];
  claims: (VolumeClaim & {
    /** claim / Monte Carlo median; null when the median capacity is 0 */
    ratioToMedian: number | null;
    position: "below-interval" | "within-interval" | "above-interval";
  })[];
  sourceIds: string[];
  origin: string;
}

export interface CapacityResult {
  draws: number;
  correlation: "shared" | "independent";
  level: number;
  units: UnitEstimate[];
  aggregate: { units: number; point: number; lowest: number; highest: number; quantiles: { p: number; value: number }[] };
  minimumRequirement: { centres: number; perCentrePerYear: number; years: number; bound: number; basis: string } | null;
  extrapolation: { centres: number; basis: string; quantiles: { p: number; value: number }[] } | null;
}

export interface CapacityOptions {
  draws?: number;
  seed?: number;
  /** shared (default): one quantile per parameter per draw for all units; independent: per unit */
  correlation?: "shared" | "independent";
  minimumRequirement?: { centres: number; perCentrePerYear: number; years?: number; basis: string };
  /** transplants one surgeon can do a year: gives a surgeon-based ceiling for units with a surgeon count */
  perSurgeonPerYear?: ParamRange;
  /** what the table is, for the title (e.g. "shipped hospital figures") */
  label?: string;
  /** scale the mean unit capacity to this many centres (per draw): a crude national extrapolation */
  extrapolateTo?: { centres: number; basis: string };
  /** the figures are mostly secondary (advocacy compilations, press relays): adds a caveat */
  secondarySources?: boolean;
}

export function capacityFinding(units: HospitalUnit[], inputs: InputRef[], opts: CapacityOptions = {}): Finding<CapacityResult> {
  const draws = opts.draws ?? 10000;
  const seed = opts.seed ?? 1;
  const correlation = opts.correlation ?? "shared";
  if (!Number.isInteger(draws) || draws < 2 || draws > 1_000_000)
    throw new OrganAuditError("E_INVALID_VALUE", { detail: `draws must be an integer from 2 to 1000000, got ${draws}` });
  if (units.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "no hospital units with beds" });
  for (const u of units) {
    if (!(u.beds >= 0) || !Number.isFinite(u.beds)) throw new OrganAuditError("E_INVALID_VALUE", { detail: `beds of ${u.hospital} must be >= 0`, });
    checkRange(`occupancy of ${u.hospital}`, u.occupancy, true);
    checkRange(`length of stay of ${u.hospital}`, u.stayDays);
    checkRange(`transplant share of ${u.hospital}`, u.transplantShare, true);
    if (u.turnover) checkRange(`bed turnover of ${u.hospital}`, u.turnover, true);
  }
  if (opts.perSurgeonPerYear) checkRange("transplants per surgeon a year", opts.perSurgeonPerYear, true);
  const rng: Rng = createRng(seed);
  const k = units.length;
  const per = units.map(() => new Float64Array(draws));
  const agg = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    const shared = [rng.uniform(), rng.uniform(), rng.uniform()];
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const u = units[i]!;
      const [uo, us, ut] = correlation === "shared" ? shared : [rng.uniform(), rng.uniform(), rng.uniform()];
      // turnover uses the stay quantile reversed, so that a shared draw moves every unit the same way
      const v = u.turnover
        ? u.beds * draw(u.turnover, 1 - us!) * draw(u.transplantShare, ut!)
        : annualCapacity(u.beds, draw(u.occupancy, uo!), draw(u.stayDays, us!), draw(u.transplantShare, ut!));
      per[i]![d] = v;
      sum += v;
    }
    agg[d] = sum;
  }
  const level = CAPACITY_QUANTILES[4] - CAPACITY_QUANTILES[0];
  const unitEstimates: UnitEstimate[] = units.map((u, i) => {
    const q = quantiles(per[i]!, CAPACITY_QUANTILES);
    const median = q[2]!;
    return {
      hospital: u.hospital,
      ...(u.hospitalZh ? { hospitalZh: u.hospitalZh } : {}),
      organ: u.organ,
      period: u.period,
      beds: u.beds,
      occupancy: u.occupancy,
      stayDays: u.stayDays,
      transplantShare: u.transplantShare,
      turnover: u.turnover ?? null,
      surgeonCeiling:
        u.surgeons && opts.perSurgeonPerYear
          ? {
              surgeons: u.surgeons.value,
              low: u.surgeons.value * opts.perSurgeonPerYear.low,
              high: u.surgeons.value * opts.perSurgeonPerYear.high,
              basis: `${u.surgeons.basis}; per surgeon: ${opts.perSurgeonPerYear.basis}`,
            }
          : null,
      point: u.turnover ? u.beds * mid(u.turnover) * mid(u.transplantShare) : annualCapacity(u.beds, mid(u.occupancy), mid(u.stayDays), mid(u.transplantShare)),
      lowest: u.turnover ? u.beds * u.turnover.low * u.transplantShare.low : annualCapacity(u.beds, u.occupancy.low, u.stayDays.high, u.transplantShare.low),
      highest: u.turnover ? u.beds * u.turnover.high * u.transplantShare.high : annualCapacity(u.beds, u.occupancy.high, u.stayDays.low, u.transplantShare.high),
      quantiles: CAPACITY_QUANTILES.map((p, j) => ({ p, value: q[j]! })),
      claims: u.claims.map((c) => ({
        ...c,
        ratioToMedian: median > 0 ? c.value / median : null,
        position: c.value < q[0]! ? ("below-interval" as const) : c.value > q[4]! ? ("above-interval" as const) : ("within-interval" as const),
      })),
      sourceIds: u.sourceIds,
      origin: u.origin,
    };
  });
  const ex = opts.extrapolateTo;
  if (ex && !(ex.centres > 0)) throw new OrganAuditError("E_INVALID_VALUE", { detail: `centres to extrapolate to must be > 0, got ${ex.centres}` });
  const extrapolation = ex
    ? { centres: ex.centres, basis: ex.basis, quantiles: quantiles(agg.map((v) => (v / k) * ex.centres), CAPACITY_QUANTILES).map((value, j) => ({ p: CAPACITY_QUANTILES[j]!, value })) }
    : null;
  const aq = quantiles(agg, CAPACITY_QUANTILES);
  const aggregate = {
    units: k,
    point: unitEstimates.reduce((s, u) => s + u.point, 0),
    lowest: unitEstimates.reduce((s, u) => s + u.lowest, 0),
    highest: unitEstimates.reduce((s, u) => s + u.highest, 0),
    quantiles: CAPACITY_QUANTILES.map((p, j) => ({ p, value: aq[j]! })),
  };
  const mr = opts.minimumRequirement;
  const minimumRequirement = mr
    ? { centres: mr.centres, perCentrePerYear: mr.perCentrePerYear, years: mr.years ?? 1, bound: minimumRequirementBound(mr.centres, mr.perCentrePerYear, mr.years ?? 1), basis: mr.basis }
    : null;
  const caveats: Caveat[] = [caveat("C_CAP_CAPACITY_NOT_VOLUME", {})];
  const assumedParams = new Set<string>();
  let assumedUnits = 0;
  for (const u of units) {
    const a = (u.turnover
      ? [u.turnover.assumed ? "bed turnover" : null, u.transplantShare.assumed ? "transplant share" : null]
      : [u.occupancy.assumed ? "occupancy" : null, u.stayDays.assumed ? "length of stay" : null, u.transplantShare.assumed ? "transplant share" : null]
    ).filter((x): x is string => x !== null);
    if (a.length > 0) assumedUnits++;
    a.forEach((x) => assumedParams.add(x));
  }
  if (assumedUnits > 0) caveats.push(caveat("C_CAP_ASSUMED", { n: assumedUnits, params: [...assumedParams].join(", ") }));
  if (opts.secondarySources) caveats.push(caveat("C_CAP_SECONDARY", {}));
  if (ex) caveats.push(caveat("C_CAP_EXTRAPOLATION", { centres: ex.centres, units: k }));
  caveats.push(caveat("C_CAP_PARTIAL_SUM", { n: k }));
  if (k > 1) caveats.push(caveat("C_CAP_CORRELATION", { mode: correlation }));
  const above = unitEstimates.flatMap((u) => u.claims.filter((c) => c.position === "above-interval").map((c) => `${u.hospital} ${c.value} (${c.period})`));
  const nClaims = unitEstimates.reduce((s, u) => s + u.claims.length, 0);
  const claimText =
    nClaims === 0
      ? "The table has no claimed annual volumes to compare."
      : above.length === 0
        ? `All ${nClaims} claimed annual volume(s) are at or below the upper end of the ${Math.round(level * 100)}% capacity interval of their unit (consistent with the capacity estimate).`
        : `${above.length} of ${nClaims} claimed annual volume(s) exceed the upper end of the ${Math.round(level * 100)}% capacity interval of their unit (inconsistent with the stated beds and stays): ${above.join("; ")}.`;
  const statement =
    `Bed capacity of the ${k} hospital unit(s) in ${opts.label ?? "the table"}: about ${fmt(aq[2]!)} transplants a year in total ` +
    `(${Math.round(level * 100)}% Monte Carlo interval ${fmt(aq[0]!)} to ${fmt(aq[4]!)}; range ${fmt(aggregate.lowest)} to ${fmt(aggregate.highest)}). ${claimText}` +
    (minimumRequirement ? ` Minimum-requirement lower bound: ${fmt(minimumRequirement.bound)} (${minimumRequirement.basis}).` : "") +
    (extrapolation
      ? ` Scaled to ${fmt(extrapolation.centres)} centres (${extrapolation.basis}) at the profiled units' mean: about ${fmt(extrapolation.quantiles[2]!.value)} a year (${fmt(extrapolation.quantiles[0]!.value)} to ${fmt(extrapolation.quantiles[4]!.value)}), likely an overstatement for typical centres.`
      : "");
  return makeFinding({
    method: CAPACITY_METHOD,
    methodVersion: CAPACITY_VERSION,
    title: `Transplant capacity from beds, occupancy and length of stay${opts.label ? `: ${opts.label}` : ""}`,
    verdict: "estimate",
    statement,
    statistic: { name: "median annual capacity (sum of units)", value: aq[2]! },
    interval: { level, low: aq[0]!, high: aq[4]! },
    result: { draws, correlation, level, units: unitEstimates, aggregate, minimumRequirement, extrapolation },
    caveats,
    inputs,
    parameters: {
      formula: "beds x occupancy x share x 365 / stay (or beds x turnover x share where a turnover is given)",
      sampling: "uniform on each range",
      draws,
      correlation,
      units: units.map((u) => ({
        hospital: u.hospital, organ: u.organ, period: u.period, beds: u.beds, occupancy: u.occupancy, stayDays: u.stayDays, transplantShare: u.transplantShare,
        ...(u.turnover ? { turnover: u.turnover } : {}), ...(u.surgeons ? { surgeons: u.surgeons } : {}),
      })),
      ...(mr ? { minimumRequirement: mr } : {}),
      ...(opts.perSurgeonPerYear ? { perSurgeonPerYear: opts.perSurgeonPerYear } : {}),
      ...(ex ? { extrapolateTo: ex } : {}),
    },
    seed,
  });
}

// --------------------------------------------------------------------------------------------
// choosing one figure per hospital unit for a sum

/** Sort key of a period label: its latest year; "before/to YYYY" counts as YYYY - 0.5, "after YYYY" as YYYY + 0.5; undated -Infinity. */
export function periodRank(period: string): number {
  const years = [...period.matchAll(/(?:19|20)\d{2}/g)].map((m) => Number(m[0]));
  if (years.length === 0) return -Infinity;
  const y = Math.max(...years);
  if (/^\s*(before|to)\b/i.test(period)) return y - 0.5;
  return /^\s*after\b/i.test(period) ? y + 0.5 : y;
}

/**
 * One unit per hospital and organ, for a sum without double counting: the most recent figure; among
 * equally recent figures the smallest bed count (the conservative choice).
 */
export function latestUnitPerHospital(units: HospitalUnit[]): HospitalUnit[] {
  const best = new Map<string, HospitalUnit>();
  for (const u of units) {
    const key = `${u.hospital}\u0000${u.organ}`;
    const cur = best.get(key);
    if (!cur) {
      best.set(key, u);
      continue;
    }
    const a = periodRank(u.period);
    const b = periodRank(cur.period);
    if (a > b || (a === b && u.beds < cur.beds)) best.set(key, u);
  }
  return units.filter((u) => best.get(`${u.hospital}\u0000${u.organ}`) === u);
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString("en-US");
}
