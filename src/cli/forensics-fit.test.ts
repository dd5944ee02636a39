import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { columnIndex, readCsvFile } from "../data/user-csv.js";
import { buildPeerSet, calibrateFalseFlags, type PeerRow } from "../forensics/peers.js";
import { register } from "./forensics-fit.js";
import { runRegistered } from "../../test/helpers/cli.js";

const FX = "test/fixtures/forensics";

const run = (args: string[]) => runRegistered(register, args);

describe("organ-audit forensics fit", () => {
  it("--json prints the contract keys at top level (METHODS.md C1 values)", async () => {
    const r = await run([
      "forensics",
      "fit",
      "--csv",
      `${FX}/c1_quadratic.csv`,
      "--x",
      "year",
      "--y",
      "value",
      "--model",
      "quadratic",
      "--json",
    ]);
    expect(r.exit).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ["model", "coefficients", "standardErrors", "r2", "adjR2", "aicc", "bic", "residuals"])
      expect(j).toHaveProperty(k);
    expect(j.model).toBe("poly2");
    expect(j.coefficients[0]).toBeCloseTo(0.75, 10);
    expect(j.coefficients[1]).toBeCloseTo(-0.95, 10);
    expect(j.coefficients[2]).toBeCloseTo(2.25, 10);
    expect(j.r2).toBeCloseTo(0.999909, 6);
    expect(j.aicc).toBeNull(); // n = 4, K = 4
    expect(j.finding.verdict).toBe("estimate");
  });
  it("one-parameter quadratic reports both R^2 conventions; human output is a readable summary", async () => {
    const j = JSON.parse(
      (
        await run([
          "forensics",
          "fit",
          "--csv",
          `${FX}/c1_quadratic.csv`,
          "--model",
          "quadratic1",
          "--x0",
          "0",
          "--json",
        ])
      ).out,
    );
    expect(j.coefficients[0]).toBeCloseTo(2.045198, 6);
    expect(j.r2).toBeCloseTo(0.999497, 6);
    expect(j.r2Uncentered).toBeCloseTo(0.999813, 6);
    const h = await run(["forensics", "fit", "--csv", `${FX}/us_deceased_donors.csv`, "--model", "cubic"]);
    expect(h.exit).toBe(0);
    expect(h.out).toMatch(/R\^2 \(centered\) 0\.983863/);
    expect(h.out).toMatch(/model comparison:/);
  });
  it("bad input: non-numeric cell and duplicate year name file, line and field; unknown model; --x0 misuse", async () => {
    const a = await run(["forensics", "fit", "--csv", `${FX}/bad_cell.csv`]);
    expect(a.exit).toBe(2);
    expect(String(a.error)).toMatch(/bad_cell\.csv:3, field "value": expected a number, found "n\/a"/);
    const b = await run(["forensics", "fit", "--csv", `${FX}/duplicate_year.csv`]);
    expect(String(b.error)).toMatch(/duplicate_year\.csv:4, field "year": duplicate x value 2011/);
    const c = await run(["forensics", "fit", "--csv", `${FX}/c1_quadratic.csv`, "--model", "quartic"]);
    expect(String(c.error)).toMatch(/unknown model "quartic"/);
    const d = await run(["forensics", "fit", "--csv", `${FX}/c1_quadratic.csv`, "--model", "quadratic", "--x0", "3"]);
    expect(String(d.error)).toMatch(/--x0 applies only/);
  });
});

describe("organ-audit forensics dispersion", () => {
  it("--json prints dispersionIndex and the lower-tail pValue (scipy reference) and exits 1 on flag", async () => {
    const r = await run([
      "forensics",
      "dispersion",
      "--csv",
      `${FX}/too_smooth.csv`,
      "--model",
      "quadratic",
      "--seed",
      "42",
      "--sims",
      "199",
      "--json",
    ]);
    const j = JSON.parse(r.out);
    // reference.py smooth_disp: D = 0.0030185034816918696, p = chi2.cdf(D*6, 6) = 1.2292455834044198e-07
    expect(j.dispersionIndex).toBeCloseTo(0.0030185034816918696, 12);
    expect(Math.abs(j.pValue - 1.2292455834044198e-7) / 1.2292455834044198e-7).toBeLessThan(1e-6);
    expect(j.pValueMonteCarlo).toBeCloseTo(1 / 200, 12);
    expect(j.finding.provenance.seed).toBe(42);
    expect(j.verdict).toBe("flag");
    expect(r.exit).toBe(1);
  });
  it("a real series passes (exit 0); same seed gives identical output", async () => {
    const args = [
      "forensics",
      "dispersion",
      "--csv",
      `${FX}/us_deceased_donors.csv`,
      "--seed",
      "9",
      "--sims",
      "99",
      "--json",
    ];
    const a = await run(args);
    const b = await run(args);
    expect(a.exit).toBe(0);
    expect(a.out).toBe(b.out);
    // reference.py us_disp_poly2: D = 3.4685087136116404
    expect(JSON.parse(a.out).dispersionIndex).toBeCloseTo(3.4685087136116404, 10);
  });
});

describe("GODT peers (real data fixture)", () => {
  const peerArgs = [
    "--peers",
    `${FX}/godt_deceased_donors.csv`,
    "--peer-key",
    "country",
    "--peer-y",
    "deceased_donors_actual",
  ];
  it("the US against the other GODT countries, 2010-2017, quadratic: ranks first by a hair; parametric p 0.089 does not flag", async () => {
    const r = await run([
      "forensics",
      "peers",
      "--csv",
      `${FX}/us_deceased_donors.csv`,
      "--from",
      "2010",
      "--to",
      "2017",
      ...peerArgs,
      "--exclude",
      "United States of America",
      "--json",
    ]);
    const j = JSON.parse(r.out);
    // The largest country has the smallest relative noise: 1 - R^2 0.0207 vs Canada 0.0215. It ranks
    // first (rank p = 1/15), but on the log10 scale it is well inside the peer distribution:
    // t = -1.4259317604404955, scipy.stats.t.cdf(t, 13) = 0.08872874454668314 -> pass.
    expect(j.verdict).toBe("pass");
    expect(r.exit).toBe(0);
    expect(Math.abs(j.pValue - 0.08872874454668314)).toBeLessThan(1e-7);
    expect(j.finding.result.rankPValue).toBeCloseTo(1 / 15, 12);
    expect(j.nearestPeer).toBe("Canada");
    expect(j.log10RatioNearest).toBeGreaterThan(-0.05);
    const cv = JSON.parse(
      (
        await run([
          "forensics",
          "peers",
          "--csv",
          `${FX}/us_deceased_donors.csv`,
          "--from",
          "2010",
          "--to",
          "2017",
          ...peerArgs,
          "--exclude",
          "United States of America",
          "--metric",
          "cv",
          "--json",
        ])
      ).out,
    );
    expect(cv.finding.statistic.name).toBe("residual CV");
    // 20 countries; those lacking any of 2010-2017 (India, Iran, Japan, Korea, Turkey) are skipped
    expect(j.peers).toBe(14);
    expect(j.finding.result.skipped.sort()).toEqual([
      "India",
      "Iran (Islamic Republic of)",
      "Japan",
      "Republic of Korea",
      "Turkey",
    ]);
    // the UK 2017 duplicate (GODT 1492 vs NHSBT financial-year 1574) is reported, the first kept
    expect(j.finding.caveats.map((c: { code: string }) => c.code)).toContain("C_PEER_CONFLICT");
  });
  it("China's official series (years in the fixture) runs through fit, peers and predict", async () => {
    // Extend test/fixtures/forensics/china_deceased_donors_national.csv as the national series is settled.
    const china = `${FX}/china_deceased_donors_national.csv`;
    const rows = readFileSync(china, "utf8").trim().split("\n").slice(1);
    const fit = JSON.parse(
      (await run(["forensics", "fit", "--csv", china, "--model", "quadratic", "--name", "China", "--json"])).out,
    );
    expect(fit.finding.result.n).toBe(rows.length);
    expect(fit.status).toBe("ok");
    expect(fit.r2).toBeGreaterThan(0.99);
    const peers = await run([
      "forensics",
      "peers",
      "--csv",
      china,
      "--name",
      "China",
      "--model",
      "quadratic",
      ...peerArgs,
      "--json",
    ]);
    const pj = JSON.parse(peers.out);
    expect(["flag", "pass", "insufficient-data"]).toContain(pj.verdict);
    expect(pj.finding.result.target.n).toBe(rows.length);
    expect(peers.exit).toBe(pj.verdict === "flag" ? 1 : 0);
    const pred = JSON.parse(
      (
        await run([
          "forensics",
          "predict",
          "--csv",
          china,
          "--name",
          "China",
          "--model",
          "quadratic",
          ...peerArgs,
          "--json",
        ])
      ).out,
    );
    expect(pred.x).toBe(Number(rows[rows.length - 1]!.split(",")[0]));
  });
});

describe("calibration hook on the real GODT panel (leave-one-out)", () => {
  it("false-flag rates per test, quadratic 2010-2017, calendar-year rows only", () => {
    const { table } = readCsvFile(`${FX}/godt_deceased_donors.csv`);
    const [ci, yi, pi, vi] = ["country", "year", "period", "deceased_donors_actual"].map((c) => columnIndex(table, c));
    const rows: PeerRow[] = table.rows
      .filter((r) => r.cells[pi!] === "calendar year" && r.cells[vi!] !== "")
      .map((r) => ({ key: r.cells[ci!]!, x: Number(r.cells[yi!]), y: Number(r.cells[vi!]) }));
    const b = buildPeerSet(rows, { name: "GODT 2010-2017", from: 2010, to: 2017 });
    expect(b.peerSet.series.length).toBe(15);
    expect(b.conflicts).toEqual([]); // the NHSBT financial-year row was filtered out
    const c = calibrateFalseFlags(b.peerSet, { kind: "poly", degree: 2 }, { seed: 20191114, sims: 99 });
    const rate = (t: string) => c.rows.find((r) => r.test === t)!;
    // the parametric peer test flags none of the real countries (the most regular ranks first but is
    // inside the peers' log10 (1 - R^2) distribution)
    expect(rate("peers").flags).toBe(0);
    expect(rate("peers").falseFlagRate).toBe(0);
    expect(rate("predict").runs).toBe(15);
    // real counts are over-dispersed: the Poisson under-dispersion test should flag none (or almost none)
    expect(rate("dispersion").flags).toBeLessThanOrEqual(1);
    expect(c.perPeer.map((p) => p.name)).toContain("Canada");
  });
});
