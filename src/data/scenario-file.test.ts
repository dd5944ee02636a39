import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { runAccounting } from "../models/accounting.js";
import { tornado } from "../models/sensitivity.js";
import { allSpecs, ASSUMPTION, scenarioJsonSchema } from "../models/scenario.js";
import { parseCsvText } from "./csv.js";
import { findJsonSyntaxError, lineColumnAt, loadScenarioFile, parseScenarioJson } from "./scenario-file.js";

const FIX = "test/fixtures/models-accounting";
const SHIPPED = ["official", "independent", "duihua-low", "duihua-high"].map((n) => `scenarios/${n}.json`);

function thrown(f: () => unknown): OrganAuditError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected an OrganAuditError");
}

describe("scenario file adapter", () => {
  it("loads a valid file with its hash and cited sources", () => {
    const file = join(FIX, "small.json");
    const l = loadScenarioFile(file);
    expect(l.scenario.name).toBe("fixture-small");
    expect(l.sha256).toBe(sha256Hex(readFileSync(file)));
    expect(l.input).toEqual({
      name: file,
      sha256: l.sha256,
      n: 3,
      sourceIds: ["ASIAONE2015", "CNS2016", "DUIHUA2014", "GODT2018", "GOVCN2013", "SRTR2012DD"],
    });
  });
  it("a JSON syntax error names file, line and column", () => {
    // bad-syntax.json.txt line 4 is `    { "year": 2000, },`: the "}" after the comma is column 21
    const e = thrown(() => loadScenarioFile(join(FIX, "bad-syntax.json.txt")));
    expect(e.code).toBe("E_INVALID_JSON");
    expect(e.location).toEqual({ file: join(FIX, "bad-syntax.json.txt"), line: 4, field: "column 21" });
    expect(e.message).toContain("expected a property name in double quotes");
  });
  it("locates other syntax errors", () => {
    expect(findJsonSyntaxError('{"a": [1, 2,, 3]}')).toEqual({ offset: 12, detail: 'expected a value, found ","' });
    expect(findJsonSyntaxError('{"a": 1')!.detail).toBe("expected ',' or '}' after property value, found end of input");
    expect(findJsonSyntaxError('{"a": 1} x')!.detail).toContain("unexpected content");
    expect(findJsonSyntaxError('{"a": "\\q"}')!.detail).toContain("invalid escape");
    expect(findJsonSyntaxError('{"a": [true, false, null, -1.5e3, "\\u00e9"]}')).toBeNull();
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(thrown(() => parseScenarioJson("", "empty.json")).location).toEqual({
      file: "empty.json",
      line: 1,
      field: "column 1",
    });
  });
  it("a bad scenario names the file and the JSON path", () => {
    const e = thrown(() => loadScenarioFile(join(FIX, "bad-min-max.json")));
    expect(e.code).toBe("M_ACC_DIST_PARAMS");
    expect(e.location).toEqual({ file: join(FIX, "bad-min-max.json"), path: "$.years[1].executions.uniform" });
  });
  it("a missing file", () => {
    expect(thrown(() => loadScenarioFile(join(FIX, "nope.json"))).code).toBe("E_FILE_NOT_FOUND");
  });
});

/** Source ids of the data package: SOURCES.md's "Source register" table and/or data/sources.csv. */
function knownSourceIds(): Set<string> {
  const ids = new Set<string>();
  const md = "/work/shared/data/SOURCES.md";
  if (existsSync(md)) {
    const text = readFileSync(md, "utf8");
    const start = text.indexOf("## Source register");
    for (const line of text.slice(start).split("\n")) {
      const m = /^\| ([A-Za-z0-9_]+) \|/.exec(line);
      if (m && m[1] !== "id") ids.add(m[1]!);
    }
  }
  const csv = "data/sources.csv";
  if (existsSync(csv)) {
    const t = parseCsvText(readFileSync(csv, "utf8"), csv);
    const col = t.header.indexOf("id");
    for (const r of t.rows) ids.add(r.cells[col]!.trim());
  }
  return ids;
}

describe("shipped scenarios", () => {
  const known = knownSourceIds();
  it.skipIf(known.size === 0)(
    "every value cites a source id of the data package, or is an assumption with a rationale",
    () => {
      for (const file of SHIPPED) {
        const { scenario } = loadScenarioFile(file);
        for (const { spec } of allSpecs(scenario)) {
          const where = `${file} ${spec.path}`;
          if (spec.source === ASSUMPTION) expect(spec.rationale?.length ?? 0, where).toBeGreaterThan(20);
          else expect(known.has(spec.source), `${where}: unknown source ${spec.source}`).toBe(true);
          for (const b of spec.basedOn ?? []) expect(known.has(b), `${where}: unknown basedOn ${b}`).toBe(true);
        }
      }
    },
  );
  it("cover the years they declare: official 2000-2022, independent 2000-2016", () => {
    expect(loadScenarioFile("scenarios/official.json").scenario.years.map((y) => y.year)).toEqual(
      Array.from({ length: 23 }, (_, i) => 2000 + i),
    );
    expect(loadScenarioFile("scenarios/independent.json").scenario.years).toHaveLength(17);
  });
  it("the published JSON Schema is the one generated from the zod schema", () => {
    const published = JSON.parse(readFileSync("schemas/scenario.schema.json", "utf8")) as unknown;
    expect(published).toEqual(scenarioJsonSchema());
  });
  it("official scenario, end to end: fixed years reproduce the hand-computed identity", () => {
    // python3: 10000 - 12000*1*3.76 - 0 - 650                               -> -35770.0  (2000)
    //          13263 - 4080*round(11620/4080, 4) - 2203                       -> -559.84   (2016; shareUsed 0 from 2015)
    //          17949 - 5222*round((9399+4954+557+513)/5222, 4) - 2512         -> 13.823    (2020)
    const { result } = runAccounting(loadScenarioFile("scenarios/official.json").scenario, { draws: 50, seed: 1 });
    const at = (y: number): number => result.years.find((r) => r.year === y)!.unexplained.p50;
    expect(at(2000)).toBeCloseTo(-35770, 9);
    expect(at(2016)).toBeCloseTo(-559.84, 9);
    expect(at(2020)).toBeCloseTo(13.823, 9);
    // 2017 is the only uncertain year: transplants U(15000, 16000)
    const y2017 = result.years.find((r) => r.year === 2017)!.unexplained;
    expect(y2017.p95 - y2017.p05).toBeGreaterThan(0);
    expect(y2017.p95 - y2017.p05).toBeLessThan(1000);
  });
  it("independent scenario: the KGM volume range dominates the tornado, with the hand-computed swing", () => {
    // kgmVolume is one shared U(60000, 100000) draw for 2006-2016 (11 years):
    // swing = (q95 − q05)·11 = (98,000 − 62,000)·11 = 396,000
    const t = tornado(loadScenarioFile("scenarios/independent.json").scenario);
    expect(t.bars[0]!.factor).toBe("shared:kgmVolume");
    expect(t.bars[0]!.swing).toBeCloseTo(396000, 6);
    expect(t.bars.map((b) => b.factor).sort()).toEqual(
      [
        "shared:earlyVolume",
        "shared:executionsLevel",
        "shared:kgmVolume",
        "shared:organsPerExecuted",
        "shared:shareUsed",
      ].sort(),
    );
  });
});
