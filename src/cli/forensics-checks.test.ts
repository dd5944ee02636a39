import { describe, it, expect } from "vitest";
import { parseStated, register } from "./forensics-checks.js";
import { runRegistered } from "../../test/helpers/cli.js";

const FX = "test/fixtures/forensics-checks";

const run = (args: string[]) => runRegistered(register, args);

describe("forensics benford", () => {
  it("prints the JSON contract and flags uniform values (scipy reference in digits.test.ts)", async () => {
    const r = await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "uniform", "--digits", "first", "--sims", "100", "--json"]);
    const j = JSON.parse(r.out);
    for (const k of ["n", "chi2", "df", "pValue", "mad", "conformity"]) expect(j).toHaveProperty(k);
    expect(j.n).toBe(500);
    expect(j.df).toBe(8);
    expect(j.chi2).toBeCloseTo(182.72681173758878, 8);
    expect(j.mad).toBeCloseTo(0.05734666473954719, 12);
    expect(j.conformity).toBe("nonconformity");
    expect(r.exit).toBe(1);
  });
  it("passes Benford-like values and exits 0; second digits report insufficient power", async () => {
    const r = await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "benford_like", "--sims", "50", "--json"]);
    expect(JSON.parse(r.out).pValue).toBeCloseTo(0.9999142348610962, 9);
    expect(r.exit).toBe(0);
    const s = await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "benford_like", "--digits", "second", "--sims", "20", "--json"]);
    const j = JSON.parse(s.out);
    expect(j.pValue).toBeNull();
    expect(j.verdict).toBe("insufficient-data");
  });
  it("input errors: non-numeric cell names file, line and field; bad --digits; missing column", async () => {
    const bad = await run(["forensics", "benford", "--csv", `${FX}/digits_bad.csv`, "--column", "value"]);
    expect(bad.exit).toBe(2);
    expect(String((bad.error as Error).message)).toMatch(/digits_bad\.csv:3, field "value"/);
    expect((await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "uniform", "--digits", "third"])).exit).toBe(2);
    const miss = await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "nope"]);
    expect(String((miss.error as Error).message)).toMatch(/column "nope" not found/);
  });
  it("human output has one summary line per finding", async () => {
    const r = await run(["forensics", "benford", "--csv", `${FX}/digits_values.csv`, "--column", "uniform", "--sims", "20"]);
    expect(r.out).toMatch(/^Benford first-digit test \| flag \| chi2 = 182\.727 \| p 2\.75e-35 \| adjusted p -/);
  });
});

describe("forensics lastdigit", () => {
  it("runs last-digit and rounding tests on values >= 100 (scipy: chi2 p 0.6465; binomtest p 0.3414)", async () => {
    const r = await run(["forensics", "lastdigit", "--csv", `${FX}/digits_values.csv`, "--column", "benford_like", "--json"]);
    const j = JSON.parse(r.out);
    expect(j.findings[0].pValue).toBeCloseTo(0.6464986549371619, 9);
    expect(j.findings[1].pValue).toBeCloseTo(0.34136692850867695, 10);
    expect(r.exit).toBe(0);
  });
});

describe("forensics ratios", () => {
  it("organs per donor 2015-2016 within bounds; constancy/level against GODT peers", async () => {
    const r = await run([
      "forensics", "ratios", "--csv", `${FX}/organs_2015_2016.csv`, "--num", "organs", "--den", "donors",
      "--peers", `${FX}/international_deceased_donors.csv`, "--peer-num", "dd_kidney_tx+dd_liver_tx+heart_tx+total_lung_tx", "--peer-den", "deceased_donors_actual", "--peer-where", "series=GODT", "--json",
    ]);
    const j = JSON.parse(r.out);
    expect(j.findings.map((f: { method: string }) => f.method)).toEqual(["forensics.ratios.bounds", "forensics.ratios.peer-level", "forensics.ratios.constancy"]);
    expect(j.findings[0].verdict).toBe("pass");
    // same numbers as ratios.test.ts: mean 2.8264057249797965, 13 of 20 peers lower
    expect(j.findings[1].result.targetMean).toBeCloseTo(2.8264057249797965, 12);
    expect(j.findings[1].result.percentile).toBeCloseTo(0.65, 12);
    expect(j.findings[2].verdict).toBe("insufficient-data"); // 2 points
    expect(r.exit).toBe(0);
  });
  it("a duplicated (country, year) among peers is an input error naming the line", async () => {
    const r = await run(["forensics", "ratios", "--csv", `${FX}/organs_2015_2016.csv`, "--num", "organs", "--den", "donors", "--peers", `${FX}/international_deceased_donors.csv`, "--peer-den", "deceased_donors_actual", "--peer-num", "deceased_donors_actual"]);
    expect(r.exit).toBe(2);
    expect(String((r.error as Error).message)).toMatch(/international_deceased_donors\.csv:\d+, field "year": duplicate x value 2017/);
  });
  it("flags a ratio above --max", async () => {
    const r = await run(["forensics", "ratios", "--csv", `${FX}/organs_2015_2016.csv`, "--num", "organs", "--den", "donors", "--max", "2.82", "--json"]);
    expect(JSON.parse(r.out).findings[0].verdict).toBe("flag");
    expect(r.exit).toBe(1);
  });
});

describe("forensics consistency", () => {
  it("flags two sources that should be equal but differ in 2011 and 2014", async () => {
    const r = await run(["forensics", "consistency", "--csv", `${FX}/two_sources.csv`, "--a", "cotrs", "--b", "redcross", "--expect", "equal", "--json"]);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.violations).toEqual([2011, 2014]);
    expect(f.result.exactlyEqual).toBe(5);
    expect(r.exit).toBe(1);
  });
  it("flags supposedly independent series that are identical up to scale 2.75", async () => {
    const r = await run(["forensics", "consistency", "--csv", `${FX}/two_sources.csv`, "--a", "donors", "--b", "organs_scaled", "--expect", "independent", "--json"]);
    const f = JSON.parse(r.out).findings[0];
    expect(f.verdict).toBe("flag");
    expect(f.result.scale).toBeCloseTo(2.75, 2);
  });
});

describe("forensics aggregation", () => {
  it("Guangdong 15+34+113+165+246 = 573 is consistent with '570+'", async () => {
    const r = await run(["forensics", "aggregation", "--parts", "15,34,113,165,246", "--whole", "570+", "--json"]);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.sum).toBe(573);
    expect(f.verdict).toBe("pass");
    expect(r.exit).toBe(0);
  });
  it("9,996 + 5,146 + 6,302 = 21,444 is inconsistent with 'more than 18,000'", async () => {
    const r = await run(["forensics", "aggregation", "--parts", "9996,5146,6302", "--whole", "more than 18,000", "--json"]);
    expect(JSON.parse(r.out).findings[0].result.sum).toBe(21444);
    expect(r.exit).toBe(1);
  });
  it("implied remainder 3,150 for incomplete parts", async () => {
    const r = await run(["forensics", "aggregation", "--parts", "2766,4080", "--whole", "9996", "--incomplete", "--json"]);
    expect(JSON.parse(r.out).findings[0].result.remainder).toBe(3150);
    expect(r.exit).toBe(0);
  });
  it("counter mode flags the exact +25,000 day", async () => {
    const r = await run(["forensics", "aggregation", "--csv", `${FX}/counter_dafoh.csv`, "--date-column", "date", "--qualifier-column", "qualifier", "--json"]);
    const f = JSON.parse(r.out).findings[0];
    expect(f.result.roundJumps).toBe(1);
    expect(f.verdict).toBe("flag");
    expect(r.exit).toBe(1);
  });
  it("parses stated figures", () => {
    expect(parseStated("570+", "--whole")).toEqual({ value: 570, qualifier: "more than" });
    expect(parseStated("~1,700", "--whole")).toEqual({ value: 1700, qualifier: "about" });
    expect(() => parseStated("lots", "--whole")).toThrow(/cannot read a number/);
  });
});

describe("forensics audit", () => {
  it("prints {findings} with one entry per test and a verdict each; manufactured series is flagged (exit 1)", async () => {
    const r = await run([
      "forensics", "audit", "--csv", `${FX}/manufactured.csv`, "--x", "year", "--y", "value",
      "--peers", `${FX}/peer_donors.csv`, "--peer-key", "country", "--to", "2017", "--seed", "5", "--sims", "199", "--json",
    ]);
    const j = JSON.parse(r.out);
    expect(Array.isArray(j.findings)).toBe(true);
    expect(j.findings).toHaveLength(7);
    for (const f of j.findings) expect(["flag", "pass", "insufficient-data", "estimate"]).toContain(f.verdict);
    expect(j.findings.find((f: { method: string }) => f.method === "forensics.dispersion").verdict).toBe("flag");
    expect(r.exit).toBe(1);
  });
  it("human output lists test, verdict, statistic, p and adjusted p", async () => {
    const r = await run(["forensics", "audit", "--csv", `${FX}/china_donors.csv`, "--peers", `${FX}/peer_donors.csv`, "--to", "2017", "--sims", "99"]);
    expect(r.out).toMatch(/\| (pass|flag|insufficient-data|estimate) \| .* \| p .* \| adjusted p /);
  });
  it("adds ratio and consistency findings from other columns of --csv", async () => {
    const r = await run([
      "forensics", "audit", "--csv", `${FX}/two_sources.csv`, "--y", "cotrs", "--peers", `${FX}/peer_donors.csv`, "--peer-y", "value",
      "--to", "2016", "--sims", "49", "--ratio", "organs_scaled/donors", "--compare", "redcross", "--json",
    ]);
    const j = JSON.parse(r.out);
    const methods = j.findings.map((f: { method: string }) => f.method);
    expect(methods).toContain("forensics.ratios.bounds");
    const eq = j.findings.find((f: { method: string }) => f.method === "forensics.consistency.equal");
    expect(eq.result.violations).toEqual([2011, 2014]);
    expect(eq.verdict).toBe("flag");
    expect(eq.pAdjusted).toBeNull();
    expect(r.exit).toBe(1);
  });
  it("--where selects one reporting body from a long table; without it duplicate years are an input error", async () => {
    const base = ["forensics", "audit", "--csv", `${FX}/china_deceased_donors.csv`, "--peers", `${FX}/peer_donors.csv`, "--sims", "49", "--json"];
    const dup = await run(base);
    expect(dup.exit).toBe(2);
    expect(String((dup.error as Error).message)).toMatch(/china_deceased_donors\.csv:3, field "year": duplicate x value 2010/);
    const r = await run([...base, "--where", "geography=China", "--where", "measure=deceased_donors", "--where", "reporting_body=GODT (China submission)"]);
    const fit = JSON.parse(r.out).findings[0];
    // GODT (China submission) rows: 2015 2766, 2016 4080, 2020 5222, 2021 5272, 2022 5628
    expect(fit.result.x).toEqual([2015, 2016, 2020, 2021, 2022]);
    expect(fit.result.y).toEqual([2766, 4080, 5222, 5272, 5628]);
  });
  it("input error: unknown model exits 2", async () => {
    expect((await run(["forensics", "audit", "--csv", `${FX}/china_donors.csv`, "--model", "wiggly"])).exit).toBe(2);
  });
});
