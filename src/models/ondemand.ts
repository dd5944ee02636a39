import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { ABO_GROUPS, normaliseFrequencies, donorGroupsFor, fmtNum, type AboFrequencies, type AboGroup, type AllocationRule, type OfficialFlow } from "./waittime.js";

/**
 * "On demand" indicators: the share of transplants done as emergencies (with a Wilson interval) and
 * the donor flow that finding organs for emergency patients within a few days requires.
 */
export const ONDEMAND_METHOD = "ondemand.emergency-share";
export const ONDEMAND_POOL_METHOD = "ondemand.emergency-pool";
export const ONDEMAND_VERSION = "1.0.0";

/** Wilson score interval for a proportion p observed in n trials. */
export function wilsonInterval(p: number, n: number, level = 0.95): { low: number; high: number } {
  if (!(p >= 0 && p <= 1) || !(n > 0) || !(level > 0 && level < 1))
    throw new OrganAuditError("E_INVALID_VALUE", { detail: `Wilson interval needs 0 <= p <= 1, n > 0, 0 < level < 1; got p=${p}, n=${n}, level=${level}` });
  const z = normalQuantile(0.5 + level / 2, 0, 1);
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface EmergencyShareResult {
  share: number;
  n: number;
  count: number;
  interval: { level: number; low: number; high: number };
}

/**
 * Emergency share from a registry report: either `share` (as reported, e.g. 0.266) or `count`, of `n`
 * transplants. The count implied by a reported share is rounded to the nearest integer.
 */
export function emergencyShareFinding(e: {
  n: number;
  share?: number;
  count?: number;
  level?: number;
  label: string;
  inputs: InputRef[];
}): Finding<EmergencyShareResult> {
  const level = e.level ?? 0.95;
  if (!Number.isInteger(e.n) || e.n <= 0) throw new OrganAuditError("E_INVALID_VALUE", { detail: `n must be a positive integer, got ${e.n}` });
  if ((e.share === undefined) === (e.count === undefined))
    throw new OrganAuditError("E_INVALID_VALUE", { detail: "give exactly one of share and count" });
  const share = e.share ?? e.count! / e.n;
  if (!(share >= 0 && share <= 1)) throw new OrganAuditError("E_INVALID_VALUE", { detail: `share must be in [0, 1], got ${share}` });
  const count = e.count ?? Math.round(share * e.n);
  const ci = wilsonInterval(share, e.n, level);
  return makeFinding({
    method: ONDEMAND_METHOD,
    methodVersion: ONDEMAND_VERSION,
    title: `Emergency share: ${e.label}`,
    verdict: "estimate",
    statement: `${(share * 100).toFixed(1)}% of ${e.n.toLocaleString("en-US")} transplants (${count.toLocaleString("en-US")}) were emergencies (${e.label}); Wilson ${Math.round(level * 100)}% interval ${(ci.low * 100).toFixed(2)}% to ${(ci.high * 100).toFixed(2)}%.`,
    statistic: { name: "emergency share", value: share },
    interval: { level, ...ci },
    result: { share, n: e.n, count, interval: { level, ...ci } },
    caveats: [caveat("C_OD_SHARE_FROM_REPORT", {})],
    inputs: e.inputs,
    parameters: { n: e.n, ...(e.share !== undefined ? { share: e.share } : { count: e.count }), level, label: e.label },
  });
}

export interface EmergencyPoolResult {
  emergenciesPerYear: number;
  withinDays: number;
  probability: number;
  /** donors a year needed only to supply one organ per emergency (throughput bound) */
  throughputDonorsPerYear: number;
  /** per recipient group: donors a year so that a patient gets a compatible organ within the window with the given probability */
  groups: { group: AboGroup; frequency: number; donorsPerYear: number }[];
  /** the larger of the throughput bound and the speed bound of the least demanding group */
  minimumDonorsPerYear: number;
  /** the speed bound for every group (the rarest group's requirement) */
  allGroupsDonorsPerYear: number;
  official: OfficialFlow;
  ratioToOfficial: number | null;
}

/**
 * Donor flow implied by `emergenciesPerYear` patients each receiving an organ within `withinDays`
 * with probability `probability`: (a) throughput: at least emergencies / usable donors a year;
 * (b) speed: for a patient first in line, P(organ within T) = 1 - exp(-lambda_g T) >= probability,
 * so lambda_g >= -ln(1 - probability) / T organs a day of compatible groups.
 */
export function emergencyPoolFinding(q: {
  emergenciesPerYear: number;
  withinDays: number;
  probability?: number;
  frequencies: AboFrequencies;
  usable: number;
  organ: string;
  rule?: AllocationRule;
  official: OfficialFlow;
  label: string;
  inputs: InputRef[];
}): Finding<EmergencyPoolResult> {
  const prob = q.probability ?? 0.5;
  const rule = q.rule ?? "identical";
  if (!(q.emergenciesPerYear > 0) || !(q.withinDays > 0) || !(prob > 0 && prob < 1) || !(q.usable > 0))
    throw new OrganAuditError("M_WAIT_BAD_PARAM", { detail: "emergencies, window and usable must be > 0 and probability in (0, 1)" });
  const f = normaliseFrequencies(q.frequencies);
  const lam = -Math.log1p(-prob) / q.withinDays;
  const groups = ABO_GROUPS.map((g) => {
    const share = donorGroupsFor(g, rule).reduce((s, d) => s + f[d], 0);
    return { group: g, frequency: f[g], donorsPerYear: (lam / (share * q.usable)) * 365 };
  });
  const throughput = q.emergenciesPerYear / q.usable;
  const speedMin = Math.min(...groups.map((g) => g.donorsPerYear));
  const speedAll = Math.max(...groups.map((g) => g.donorsPerYear));
  const minimum = Math.max(throughput, speedMin);
  const off = q.official.donorsPerYear;
  const ratio = off !== null && off > 0 ? minimum / off : null;
  const caveats: Caveat[] = [caveat("C_WAIT_POISSON", {}), caveat("C_WAIT_ABO_POPULATION", {}), caveat("C_OD_SHARE_FROM_REPORT", {}), caveat("C_OD_COUNT_PERIOD", {})];
  let comparison: string;
  if (ratio !== null) comparison = `${fmtNum(ratio)} times the official flow (${q.official.basis})`;
  else if (q.official.predatesVoluntarySystem) {
    comparison = `against an official voluntary donor flow of about zero for that period (${q.official.basis}); no ratio is computed`;
    caveats.push(caveat("C_WAIT_NO_OFFICIAL_FLOW", { period: q.label }));
  } else comparison = `with no official figure to compare (${q.official.basis})`;
  return makeFinding({
    method: ONDEMAND_POOL_METHOD,
    methodVersion: ONDEMAND_VERSION,
    title: `Donor flow implied by emergency ${q.organ} transplants: ${q.label}`,
    verdict: ratio === null ? "estimate" : minimum > off! ? "flag" : "pass",
    statement:
      `${fmtNum(q.emergenciesPerYear)} emergency ${q.organ} transplants a year, each with an organ found within ${fmtNum(q.withinDays)} days with probability ${prob}, ` +
      `need at least ${fmtNum(minimum)} deceased donors a year (throughput ${fmtNum(throughput)}; ${fmtNum(speedAll)} for patients of every blood group to be served that fast), ${comparison}.`,
    ...(ratio !== null ? { statistic: { name: "required / official donors per year", value: ratio } } : {}),
    result: {
      emergenciesPerYear: q.emergenciesPerYear,
      withinDays: q.withinDays,
      probability: prob,
      throughputDonorsPerYear: throughput,
      groups,
      minimumDonorsPerYear: minimum,
      allGroupsDonorsPerYear: speedAll,
      official: q.official,
      ratioToOfficial: ratio,
    },
    caveats,
    inputs: q.inputs,
    parameters: { emergenciesPerYear: q.emergenciesPerYear, withinDays: q.withinDays, probability: prob, frequencies: f, usable: q.usable, organ: q.organ, rule, official: q.official, label: q.label },
  });
}
