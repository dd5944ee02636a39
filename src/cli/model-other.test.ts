import { describe, it, expect } from "vitest";
import { Command } from "commander";
import { isOrganAuditError } from "../core/errors.js";
import { readEventsCsv, register } from "./model-other.js";
import type { Io } from "./io.js";
import type { CliContext } from "./main.js";

const FX = "test/fixtures/models-other";

async function run(args: string[], preexistingModel = false): Promise<{ out: string; err: string; exit: number; error?: unknown }> {
  let out = "";
  let err = "";
  let exit = 0;
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t) };
  const ctx: CliContext = { io, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  if (preexistingModel) program.command("model").description("already registered by another group");
  register(program, ctx);
  try {
    await program.parseAsync(["node", "organ-audit", ...args]);
  } catch (e) {
    return { out, err, exit: 2, error: e };
  }
  return { out, err, exit };
}

describe("organ-audit model changepoint", () => {
  it("--json on the synthetic fixture: break at 2000 as scipy found (see changepoint.test.ts)", async () => {
    const r = await run(["model", "changepoint", "--csv", `${FX}/synthetic_break_1999.csv`, "--x", "year", "--y", "value", "--events", `${FX}/events.csv`, "--x-offset", "0.5", "--bootstrap", "99", "--seed", "2", "--json"]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    const f = j.findings[0];
    expect(f.result.break).toBe(2000);
    expect(Math.abs(f.result.noBreak.deviance - 298.4898312305429)).toBeLessThan(1e-6);
    expect(f.provenance.seed).toBe(2);
    expect(f.provenance.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(f.provenance.inputs[1].name).toMatch(/events\.csv$/);
    // only the 1999 event lies within the series' range (+-1 year); the 2007 one too (1990-2009)
    expect(f.result.events.map((e: { date: string }) => e.date)).toEqual(["1999-07-20", "2007-05-01"]);
  });
  it("human output on the Tianjin series says the interval covers every break", async () => {
    const r = await run(["model", "changepoint", "--csv", `${FX}/tianjin_liver_1998_2004.csv`, "--y", "liver_transplants", "--bootstrap", "49"]);
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/verdict: estimate/);
    expect(r.out).toMatch(/C_CP_INTERVAL_SPANS_ALL/);
    expect(r.out).toMatch(/profile deviance by break: 2000: 53\.841/);
  });
  it("too short -> insufficient-data; bad column -> error naming the column", async () => {
    const a = await run(["model", "changepoint", "--csv", `${FX}/too_short.csv`, "--json"]);
    expect(JSON.parse(a.out).findings[0].verdict).toBe("insufficient-data");
    const b = await run(["model", "changepoint", "--csv", `${FX}/too_short.csv`, "--y", "count"]);
    expect(b.exit).toBe(2);
    expect(isOrganAuditError(b.error)).toBe(true);
    expect(String(b.error)).toMatch(/too_short\.csv:1, field "count": column "count" not found/);
    const c = await run(["model", "changepoint", "--csv", `${FX}/too_short.csv`, "--seed", "-1"]);
    expect(String(c.error)).toMatch(/--seed expects an integer/);
  });
  it("--where picks the Tianjin series out of the shipped long volume table (same fits as the fixture)", async () => {
    const r = await run([
      "model", "changepoint", "--csv", `${FX}/shared/china_transplant_volume_claims.csv`, "--x", "year", "--y", "value",
      "--where", "geography_or_hospital=Tianjin First Central Hospital / Oriental Organ Transplant Center", "--where", "organ=liver",
      "--bootstrap", "0", "--json",
    ]);
    expect(r.exit).toBe(0);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.n).toBe(7);
    expect(Math.abs(f.result.profile[0].deviance - 53.84122182483326)).toBeLessThan(1e-6);
    expect(f.provenance.inputs[0].name).toMatch(/organ=liver/);
    const bad = await run(["model", "changepoint", "--csv", `${FX}/shared/china_transplant_volume_claims.csv`, "--x", "year", "--where", "organ"]);
    expect(String(bad.error)).toMatch(/--where expects column=value/);
    const none = await run(["model", "changepoint", "--csv", `${FX}/shared/china_transplant_volume_claims.csv`, "--x", "year", "--where", "organ=spleen"]);
    expect(String(none.error)).toMatch(/no rows match organ=spleen/);
  });
  it("--model jump reports the level change; an unknown model is a usage error", async () => {
    const r = await run(["model", "changepoint", "--csv", `${FX}/synthetic_break_1999.csv`, "--model", "jump", "--bootstrap", "0", "--json"]);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.break).toBe(2001);
    expect(f.result.jump.coefficient).toBeCloseTo(0.24296287, 6);
    const bad = await run(["model", "changepoint", "--csv", `${FX}/synthetic_break_1999.csv`, "--model", "cubic"]);
    expect(String(bad.error)).toMatch(/--model expects hinge or jump/);
  });
  it("reads the shipped timeline as an events file (label from event_en), both copies", () => {
    for (const v of ["shared", "curated"]) {
      const { events, input } = readEventsCsv(`${FX}/${v}/timeline_events.csv`);
      expect(events).toHaveLength(47);
      expect(input.n).toBe(47);
      const crackdown = events.find((e) => e.date === "1999-07-20")!;
      expect(crackdown.label).toMatch(/^Nationwide crackdown on Falun Gong begins/);
    }
  });
  it("adds to an existing model command", async () => {
    const r = await run(["model", "changepoint", "--csv", `${FX}/too_short.csv`, "--json"], true);
    expect(r.exit).toBe(0);
  });
});

describe("organ-audit model capacity", () => {
  it("user table: C9 worked values and claim comparison", async () => {
    const r = await run(["model", "capacity", "--csv", `${FX}/hospitals_user.csv`, "--draws", "2000", "--seed", "5", "--json"]);
    expect(r.exit).toBe(0);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.units[0].point).toBeCloseTo(1216.6667, 4);
    expect(f.result.units[1].point).toBe(5110);
    // fixed parameters give a degenerate interval [5110, 5110]; the 5,000 claim sits just below it
    expect(f.result.units[1].claims[0].position).toBe("below-interval");
    expect(f.result.units[1].claims[0].ratioToMedian).toBeCloseTo(5000 / 5110, 12);
    expect(f.provenance.seed).toBe(5);
    const again = await run(["model", "capacity", "--csv", `${FX}/hospitals_user.csv`, "--draws", "2000", "--seed", "5", "--json"]);
    expect(again.out).toBe(r.out);
  });
  it("shipped figures (fixture copy): latest unit per hospital, caveats, readable output", async () => {
    const r = await run(["model", "capacity", "--data-dir", `${FX}/shared`, "--draws", "1000"]);
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/19 hospital unit\(s\)/);
    expect(r.out).toMatch(/C_CAP_CAPACITY_NOT_VOLUME/);
    expect(r.out).toMatch(/C_CAP_SECONDARY/);
    expect(r.out).toMatch(/Tianjin First Central Hospital .* \| all \| 2006-09 \| 500 beds/);
  });
  it("turnover table with a surgeon ceiling, readable output", async () => {
    const r = await run(["model", "capacity", "--csv", `${FX}/hospitals_turnover.csv`, "--per-surgeon", "50-100", "--draws", "500"]);
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/turnover 10-20\/bed\/yr/);
    expect(r.out).toMatch(/surgeon ceiling 300-600\/yr \(6 surgeons\)/);
    const bad = await run(["model", "capacity", "--csv", `${FX}/hospitals_turnover.csv`, "--per-surgeon", "many"]);
    expect(String(bad.error)).toMatch(/--per-surgeon expects/);
  });
  it("bad user table names file, line and field", async () => {
    const r = await run(["model", "capacity", "--csv", `${FX}/hospitals_bad_beds.csv`]);
    expect(r.exit).toBe(2);
    expect(String(r.error)).toMatch(/hospitals_bad_beds\.csv:3, field "beds"/);
  });
});

describe("organ-audit model waittime", () => {
  it("forward: official 2016 flow, group B, with simulation", async () => {
    const r = await run(["model", "waittime", "--year", "2016", "--group", "B", "--data-dir", `${FX}/shared`, "--simulate", "--draws", "2000", "--json"]);
    expect(r.exit).toBe(0);
    const f = JSON.parse(r.out).findings[0];
    // 4,080 donors/365 x 0.2817 x (3264/4080) livers a day -> median ln2 / rate
    const rate = (4080 / 365) * 0.2817 * (3264 / 4080);
    expect(f.result.groups[0].wait.medianDays).toBeCloseTo(Math.LN2 / rate, 9);
    // the simulation is inside the finding, with its seed; 2,000 draws: median within 4 SE = 4/(rate sqrt(n))
    expect(f.provenance.seed).toBe(1);
    expect(Math.abs(f.result.groups[0].simulation.medianDays - Math.LN2 / rate)).toBeLessThan(4 / (rate * Math.sqrt(2000)));
    const h = await run(["model", "waittime", "--year", "2016", "--group", "AB", "--rule", "compatible", "--simulate", "--policy", "random", "--queue-ahead", "20", "--arrivals-per-year", "3000", "--draws", "500", "--data-dir", `${FX}/shared`]);
    expect(h.exit).toBe(0);
    expect(h.out).toMatch(/AB simulated \(500 draws, seed 1, random\)/);
  });
  it("inverse: median 14 days for B compared with 2016", async () => {
    const r = await run(["model", "waittime", "--median-days", "14", "--group", "B", "--year", "2016", "--data-dir", `${FX}/shared`, "--json"]);
    const f = JSON.parse(r.out).findings[0];
    const need = (Math.LN2 / 14 / (0.2817 * (3264 / 4080))) * 365;
    expect(f.result.minimum.donorsPerYear).toBeCloseTo(need, 9);
    expect(f.result.minimum.ratioToOfficial).toBeCloseTo(need / 4080, 12);
  });
  it("inverse with Little's law: 647 liver transplants a year (Tianjin 2005, HKET2016) and a mean wait of 14 days", async () => {
    const r = await run(["model", "waittime", "--mean-days", "14", "--annual-volume", "647", "--year", "2005", "--data-dir", `${FX}/shared`]);
    expect(r.exit).toBe(0);
    // Little's law: L = 647 x 14 / 365 = 24.82 waiting; group O at position L x 0.342 = 8.49; under identical
    // allocation the mean-wait requirement equals the throughput bound 647 / 0.8 = 809 donors a year
    expect(r.out).toMatch(/Little's law: 24\.82 patients waiting/);
    expect(r.out).toMatch(/O 8\.49/);
    expect(r.out).toMatch(/needs at least 809 deceased donors a year/);
    const bad = await run(["model", "waittime", "--mean-days", "14", "--annual-volume", "647", "--rule", "compatible", "--data-dir", `${FX}/shared`]);
    expect(String(bad.error)).toMatch(/--annual-volume sets the queue positions itself/);
    expect(r.out).toMatch(/about zero/);
  });
  it("--claims: every shipped claim gets a finding; pre-2010 Chinese claims have no ratio", async () => {
    const r = await run(["model", "waittime", "--claims", "--data-dir", `${FX}/curated`, "--json"]);
    const fs = JSON.parse(r.out).findings;
    expect(fs).toHaveLength(32);
    const tj = fs[0];
    expect(tj.result.official.predatesVoluntarySystem).toBe(true);
    expect(tj.result.minimum.ratioToOfficial).toBeNull();
    expect(fs.filter((f: { verdict: string }) => f.verdict === "insufficient-data").length).toBeGreaterThan(0);
    expect(r.out).not.toMatch(/NaN|Infinity/);
  });
  it("usage errors", async () => {
    const a = await run(["model", "waittime", "--data-dir", `${FX}/shared`]);
    expect(String(a.error)).toMatch(/give --donors-per-year or --year/);
    const b = await run(["model", "waittime", "--year", "2016", "--group", "C", "--data-dir", `${FX}/shared`]);
    expect(String(b.error)).toMatch(/unknown ABO group "C"/);
    const c = await run(["model", "waittime", "--year", "2005", "--data-dir", `${FX}/shared`]);
    expect(String(c.error)).toMatch(/voluntary system/);
  });
});

describe("organ-audit model ondemand", () => {
  it("CLTR 2006 defaults: 1,152 emergencies, Wilson [0.2531, 0.2794], no ratio against 2006", async () => {
    const r = await run(["model", "ondemand", "--data-dir", `${FX}/shared`, "--json"]);
    expect(r.exit).toBe(0);
    const [share, pool] = JSON.parse(r.out).findings;
    expect(share.result.count).toBe(1152);
    expect(Math.abs(share.interval.low - 0.2531)).toBeLessThan(1e-4);
    expect(Math.abs(share.interval.high - 0.2794)).toBeLessThan(1e-4);
    expect(pool.result.throughputDonorsPerYear).toBeCloseTo(1152 / 0.8, 9);
    expect(pool.result.ratioToOfficial).toBeNull();
  });
});
