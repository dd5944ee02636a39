import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { decodeText, detectEncoding, parseCsvText } from "./csv.js";
import { readSeriesCsv } from "./user-csv.js";

describe("parseCsvText", () => {
  it("gives the start line of records that span lines", () => {
    const t = parseCsvText(readFileSync("test/fixtures/csv/series-ok.csv", "utf8"), "f.csv");
    expect(t.header).toEqual(["year", "value", "note"]);
    expect(t.rows.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    expect(t.rows[0]!.cells[2]).toBe("pilot year,\nmulti-line note");
    expect(t.lineEndings).toBe("LF");
  });

  it("reports CRLF and mixed line endings", () => {
    expect(parseCsvText("a,b\r\n1,2\r\n", "f").lineEndings).toBe("CRLF");
    expect(parseCsvText("a,b\r\n1,2\n", "f").lineEndings).toBe("mixed");
  });

  it("raises E_CSV_PARSE with the line of an unclosed quote", () => {
    try {
      parseCsvText('a,b\n1,"2\n', "bad.csv");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OrganAuditError);
      expect((e as OrganAuditError).code).toBe("E_CSV_PARSE");
      expect((e as OrganAuditError).location?.file).toBe("bad.csv");
    }
  });
});

describe("decodeText / detectEncoding", () => {
  it("decodes UTF-8 and reports a BOM", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("器官")]);
    expect(decodeText(bytes, "f")).toEqual({ text: "器官", bom: true });
  });

  it("refuses GB18030 bytes without an explicit encoding and names the encoding and line", () => {
    const bytes = readFileSync("test/fixtures/csv/series-gb18030.csv");
    expect(detectEncoding(bytes)).toBe("GB18030");
    try {
      decodeText(bytes, "g.csv");
      expect.unreachable();
    } catch (e) {
      expect((e as OrganAuditError).code).toBe("E_ENCODING");
      expect((e as OrganAuditError).message).toContain("GB18030");
      expect((e as OrganAuditError).location?.line).toBe(1);
    }
    expect(decodeText(bytes, "g.csv", "gb18030").text).toBe("年份,捐献者\n2010,34\n2015,2766\n");
  });
});

describe("readSeriesCsv", () => {
  it("reads x/y pairs, skips empty y, accepts thousands separators", () => {
    const s = readSeriesCsv("test/fixtures/csv/series-ok.csv", { x: "year", y: "value" });
    expect(s.x).toEqual([2010, 2011, 2013]);
    expect(s.y).toEqual([34, 1234, 849]);
    expect(s.lines).toEqual([2, 4, 6]);
    expect(s.input.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names file, line and field of a non-numeric cell", () => {
    expect(() => readSeriesCsv("test/fixtures/csv/series-nonnumeric.csv", { x: "year", y: "value" })).toThrow(
      'test/fixtures/csv/series-nonnumeric.csv:3, field "value": expected a number, found "abc"',
    );
  });

  it("refuses duplicate x values", () => {
    expect(() => readSeriesCsv("test/fixtures/csv/series-duplicate-x.csv", { x: "year", y: "value" })).toThrow(
      /series-duplicate-x.csv:3, field "year": duplicate x value 2010/,
    );
  });

  it("names a missing column with the available ones", () => {
    expect(() => readSeriesCsv("test/fixtures/csv/series-ok.csv", { x: "yr", y: "value" })).toThrow(
      /column "yr" not found \(columns: year, value, note\)/,
    );
  });

  it("reads a GB18030 file when told the encoding", () => {
    const s = readSeriesCsv("test/fixtures/csv/series-gb18030.csv", { x: "年份", y: "捐献者", encoding: "gb18030" });
    expect(s.y).toEqual([34, 2766]);
  });

  it("reports a missing file as E_FILE_NOT_FOUND", () => {
    expect(() => readSeriesCsv("test/fixtures/csv/nope.csv", { x: "a", y: "b" })).toThrow(/file not found/);
  });
});
