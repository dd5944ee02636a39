import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { parseCsvRecords } from "./csv-records.js";

const fx = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screening/s1/${name}`, import.meta.url), "utf8");

function errorOf(f: () => unknown): OrganAuditError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected an OrganAuditError");
}

describe("parseCsvRecords (ASReview columns)", () => {
  it("reads titles, quoted newlines, authors, DOIs and 0/1/empty labels", () => {
    const recs = parseCsvRecords(fx("asreview-invented.csv"), "a.csv", { stem: "a" });
    expect(recs.map((r) => r.id)).toEqual(["a:1", "a:2", "a:3"]);
    expect(recs[0]!.authors).toEqual(["Zhang, S", "Li, S"]);
    expect(recs[0]!.doi).toBe("10.9999/invented.2019.001");
    expect(recs[0]!.labels).toEqual({ label_included: 1 });
    expect(recs[1]!.abstract).toBe("Abstract spanning\ntwo lines");
    expect(recs[1]!.labels).toEqual({ label_included: 0 });
    expect(recs[2]!.labels).toEqual({});
    expect(recs[2]!.language).toBe("zh");
    expect(recs[2]!.source.line).toBe(5); // record 2 spans lines 3-4
  });
  it("reads TSV", () => {
    const recs = parseCsvRecords(fx("asreview-invented.tsv"), "a.tsv", { delimiter: "\t" });
    expect(recs.map((r) => [r.title, r.year, r.labels.label_included])).toEqual([
      ["First invented title", 2001, 1],
      ["Second invented title", 2002, 0],
    ]);
  });
  it("names line and column of a bad label, a bad year, a missing title column", () => {
    const e = errorOf(() => parseCsvRecords("title,label_included\na,1\nb,yes\n", "x.csv"));
    expect(e.location).toEqual({ file: "x.csv", line: 3, field: "label_included" });
    const e2 = errorOf(() => parseCsvRecords("title,year\na,19x9\n", "x.csv"));
    expect(e2.location).toEqual({ file: "x.csv", line: 2, field: "year" });
    expect(errorOf(() => parseCsvRecords("foo,bar\n1,2\n", "x.csv")).code).toBe("E_CSV_MISSING_COLUMN");
    expect(errorOf(() => parseCsvRecords('title,abstract\n"a,b\n', "x.csv")).code).toBe("E_CSV_PARSE");
    expect(errorOf(() => parseCsvRecords("title,abstract\na,b,c\n", "x.csv")).code).toBe("D_ROW_LENGTH");
  });
});

