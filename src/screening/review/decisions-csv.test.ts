import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { isOrganAuditError, type OrganAuditError } from "../../core/errors.js";
import { createRng } from "../../stats/rng.js";
import { parseDecisionsCsv } from "./decisions-csv.js";

const T = "2026-11-28T12:00:00Z";
const FX = "test/fixtures/screening/s2/decisions-invented.csv";

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isOrganAuditError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return "no error";
}

describe("decision CSV", () => {
  it("reads the fixture: 24 decisions, seq in file order, times kept", () => {
    const log = parseDecisionsCsv(readFileSync(FX, "utf8"), FX, T);
    expect(log).toHaveLength(24);
    expect(log[0]).toMatchObject({
      seq: 1,
      recordId: "rank-invented:1",
      reviewer: "ann",
      decision: "include",
      stage: "title-abstract",
      time: "2026-11-01T09:00:00Z",
      resolution: false,
    });
    expect(log[19]).toMatchObject({
      reviewer: "bob",
      decision: "exclude",
      reasonCode: "wrong-organ-source",
      note: "unclear source",
    });
  });

  it("defaults: stage title-abstract, the caller's time; resolution flags", () => {
    const log = parseDecisionsCsv(
      "record_id,reviewer,decision,resolution\nr1,ann,INCLUDE,\nr1,carol,exclude,yes\n",
      "d.csv",
      T,
    );
    expect(log.map((d) => [d.stage, d.time, d.decision, d.resolution])).toEqual([
      ["title-abstract", T, "include", false],
      ["title-abstract", T, "exclude", true],
    ]);
  });

  it("malformed files: clear errors naming file, line and field", () => {
    expect(code(() => parseDecisionsCsv("record_id,decision\nr1,include\n", "d.csv", T))).toMatch(
      /^E_CSV_MISSING_COLUMN d\.csv:1: column "reviewer"/,
    );
    expect(code(() => parseDecisionsCsv("record_id,reviewer,decision\nr1,ann\n", "d.csv", T))).toMatch(
      /^D_ROW_LENGTH d\.csv:2/,
    );
    expect(code(() => parseDecisionsCsv('record_id,reviewer,decision\n"r1,ann,include\n', "d.csv", T))).toMatch(
      /^E_CSV_PARSE/,
    );
    expect(
      code(() => parseDecisionsCsv("record_id,reviewer,decision\nr1,ann,include\nr2,ann,exclude,\n", "d.csv", T)),
    ).toMatch(/^D_ROW_LENGTH d\.csv:3/);
    expect(
      code(() => parseDecisionsCsv("record_id,reviewer,decision,resolution\nr1,ann,include,maybe\n", "d.csv", T)),
    ).toMatch(/^SC_REV_BAD_FIELD d\.csv:2, field "resolution"/);
    expect(
      code(() => parseDecisionsCsv("record_id,reviewer,decision,stage\nr1,ann,exclude,full-text\n", "d.csv", T)),
    ).toMatch(/^SC_REV_REASON_REQUIRED d\.csv:2, field "reasonCode"/);
    expect(
      code(() => parseDecisionsCsv("record_id,reviewer,decision,time\nr1,ann,include,2026-13\n", "d.csv", T)),
    ).toMatch(/field "time"/);
    expect(code(() => parseDecisionsCsv("record_id,reviewer,decision\n", "d.csv", T))).toMatch(/^E_EMPTY_INPUT/);
    expect(code(() => parseDecisionsCsv("", "d.csv", T))).toMatch(/^E_EMPTY_INPUT/);
  });

  it("fuzz: 300 mutated copies of the fixture either parse or fail with an OrganAuditError", () => {
    const base = readFileSync(FX, "utf8");
    const rng = createRng(2026);
    const alphabet = [",", '"', "\n", "\r", "\u0000", "x", "供", " ", "\ufeff"];
    let failed = 0;
    for (let k = 0; k < 300; k++) {
      const chars = [...base];
      const edits = 1 + rng.int(6);
      for (let e = 0; e < edits; e++) {
        const at = rng.int(chars.length);
        const op = rng.int(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rng.int(alphabet.length)] as string);
        else chars.length = at; // truncate
      }
      try {
        const log = parseDecisionsCsv(chars.join(""), "fuzz.csv", T);
        expect(log.length).toBeGreaterThan(0);
      } catch (e) {
        expect(isOrganAuditError(e), String(e)).toBe(true);
        expect((e as OrganAuditError).message.length).toBeGreaterThan(0);
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(0);
  });
});
