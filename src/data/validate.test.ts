import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { validatePackageContent } from "./validate.js";

const MINI = "test/fixtures/data/mini";
const FAULTS = "test/fixtures/data/faults";

let dirs: string[] = [];
function copyMini(): string {
  const d = mkdtempSync(join(tmpdir(), "oa-pkg-"));
  cpSync(MINI, d, { recursive: true });
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("data validate on the mini fixture package", () => {
  it("accepts the clean package (exit 0)", async () => {
    const r = await runCli(["data", "validate", MINI]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: 3 tables, 11 rows/);
  });

  // Each planted fault: [fixture file, table it replaces, code, line, field]
  const cases: [string, string, string, number, string | undefined][] = [
    ["donors-type.csv", "donors.csv", "D_TYPE", 4, "value"],
    ["donors-unknown-source.csv", "donors.csv", "D_FOREIGN_KEY", 6, "source_id"],
    ["donors-missing-source.csv", "donors.csv", "D_REQUIRED", 6, "source_id"],
    ["donors-duplicate-key.csv", "donors.csv", "D_DUPLICATE_KEY", 5, "row_id"],
    ["donors-negative.csv", "donors.csv", "D_CONSTRAINT", 5, "value"],
    ["donors-enum.csv", "donors.csv", "D_CONSTRAINT", 5, "measure"],
    ["donors-two-defaults.csv", "donors.csv", "D_DUPLICATE_KEY", 3, "status"],
    ["donors-header.csv", "donors.csv", "D_HEADER_MISMATCH", 1, "value"],
    ["donors-ragged.csv", "donors.csv", "D_ROW_LENGTH", 4, undefined],
    ["donors-bom.csv", "donors.csv", "D_BOM", 1, undefined],
    ["donors-crlf.csv", "donors.csv", "D_LINE_ENDINGS", 1, undefined],
    ["donors-gbk.csv", "donors.csv", "E_ENCODING", 6, "reporting_body"],
    ["counters-decreasing.csv", "counters.csv", "D_DECREASING_COUNTER", 4, "value"],
    ["counters-baddate.csv", "counters.csv", "D_TYPE", 3, "as_of_date"],
  ];
  for (const [fixture, table, code, line, field] of cases) {
    it(`${fixture}: exit 1 and ${code} at ${table}:${line}${field ? ` field ${field}` : ""}`, async () => {
      const d = copyMini();
      cpSync(join(FAULTS, fixture), join(d, table));
      const r = await runCli(["data", "validate", d, "--json"]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { valid: boolean; issues: { code: string; file: string; line?: number; field?: string }[] };
      expect(report.valid).toBe(false);
      const hit = report.issues.find((i) => i.code === code);
      expect(hit, JSON.stringify(report.issues)).toBeDefined();
      expect(hit!.file).toBe(table);
      expect(hit!.line).toBe(line);
      if (field) expect(hit!.field).toBe(field);
      // human output names file:line and field as well
      const h = await runCli(["data", "validate", d]);
      expect(h.code).toBe(1);
      expect(h.stderr).toContain(`${table}:${line}`);
      if (field) expect(h.stderr).toContain(`field "${field}"`);
    });
  }

  it("reports the GBK encoding by name", async () => {
    const d = copyMini();
    cpSync(join(FAULTS, "donors-gbk.csv"), join(d, "donors.csv"));
    const r = await runCli(["data", "validate", d]);
    expect(r.stderr).toContain("GB18030");
  });

  it("names the line of a malformed quote", async () => {
    const d = copyMini();
    cpSync(join(FAULTS, "donors-badquote.csv"), join(d, "donors.csv"));
    const r = await runCli(["data", "validate", d, "--json"]);
    expect(r.code).toBe(1);
    const issue = (JSON.parse(r.stdout) as { issues: { code: string; line?: number }[] }).issues[0]!;
    expect(issue.code).toBe("E_CSV_PARSE");
    // the unclosed quote opens on line 4; the parser notices on line 5
    expect([4, 5]).toContain(issue.line);
  });

  it("exits 2 (input error) when the directory has no datapackage.json", async () => {
    const d = mkdtempSync(join(tmpdir(), "oa-empty-"));
    dirs.push(d);
    const r = await runCli(["data", "validate", d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no datapackage.json");
  });

  it("reports a missing resource file and invalid descriptor JSON", async () => {
    const d = copyMini();
    rmSync(join(d, "counters.csv"));
    const r = await runCli(["data", "validate", d, "--json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("E_FILE_NOT_FOUND");
    writeFileSync(join(d, "datapackage.json"), "{ not json");
    const r2 = await runCli(["data", "validate", d, "--json"]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain("E_INVALID_JSON");
  });
});

describe("validatePackageContent", () => {
  it("rejects resource paths that leave the package", () => {
    const desc = JSON.stringify({
      name: "x",
      resources: [{ name: "t", path: "../etc/passwd", schema: { fields: [{ name: "a", type: "string" }] } }],
    });
    const { report } = validatePackageContent(desc, () => new Uint8Array());
    expect(report.valid).toBe(false);
    expect(report.issues[0]!.message).toContain("inside the package");
  });
});

describe("x-monotonic", () => {
  const desc = (acknowledged?: string[]) =>
    JSON.stringify({
      name: "x",
      resources: [
        {
          name: "c",
          path: "c.csv",
          "x-monotonic": { key: ["body"], order: "date", value: "value", ...(acknowledged ? { acknowledged } : {}) },
          schema: {
            fields: [
              { name: "id", type: "string" },
              { name: "date", type: "date" },
              { name: "body", type: "string" },
              { name: "value", type: "integer" },
            ],
            primaryKey: "id",
          },
        },
      ],
    });
  const read = (text: string) => () => new TextEncoder().encode(text);

  it("does not treat two readings of the same date as a decrease, in either file order", () => {
    const csv = "id,date,body,value\na,2014-08-14,H,2107\nb,2014-08-14,H,2100\nc,2014-08-31,H,2326\n";
    expect(validatePackageContent(desc(), read(csv)).report.valid).toBe(true);
  });

  it("flags a reading below an earlier date's maximum, and downgrades acknowledged rows to warnings", () => {
    const csv = "id,date,body,value\na,2017-07-16,C,293000\nb,2017-12-31,C,262500\n";
    const r1 = validatePackageContent(desc(), read(csv)).report;
    expect(r1.valid).toBe(false);
    expect(r1.issues[0]).toMatchObject({ code: "D_DECREASING_COUNTER", line: 3, field: "value", severity: "error" });
    const r2 = validatePackageContent(desc(["b"]), read(csv)).report;
    expect(r2.valid).toBe(true);
    expect(r2.issues[0]).toMatchObject({ code: "D_DECREASING_COUNTER", severity: "warning" });
  });
});
