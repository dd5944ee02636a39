import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { buildManifest, findingHash, manifestJson, parseManifest } from "./manifest.js";
import { benfordF, fitF } from "../../test/fixtures/report/small-findings.js";
import { sha256Hex } from "../core/hash.js";

const base = () =>
  buildManifest({
    tool: { name: "organ-audit", version: "0.1.0", commit: "unknown" },
    sourceDateEpoch: null,
    run: { dataDir: "data", scenarios: [], seed: 1, draws: 100, sims: 19 },
    parameters: { b: 2, a: 1 },
    inputs: [{ name: "data/x.csv", path: "data/x.csv", sha256: "ab".repeat(32), bytes: 3 }],
    auditInputs: [{ name: "data/x.csv", sha256: "ab".repeat(32) }],
    findings: [fitF, benfordF],
    charts: [{ id: "c", findingIds: [fitF.id], svg: "<svg/>" }],
    html: "<html></html>",
  });

describe("manifest", () => {
  it("records the hash of the report, of each chart and of each finding", () => {
    const m = base();
    expect(m.report.html).toEqual({ file: "report.html", sha256: sha256Hex("<html></html>") });
    // sha256("<svg/>") computed with python: hashlib.sha256(b"<svg/>").hexdigest()
    expect(m.charts[0]!.sha256).toBe(sha256Hex("<svg/>"));
    expect(m.findings.map((f) => f.id)).toEqual([fitF.id, benfordF.id]);
    expect(m.findings[1]).toMatchObject({ method: "forensics.digits.benford-first", seed: 7, verdict: "pass" });
  });

  it("a finding's hash changes with its result and caveats, not only with its id", () => {
    const changed = { ...benfordF, result: { ...(benfordF.result as object), n: 201 } };
    expect(changed.id).toBe(benfordF.id);
    expect(findingHash(changed)).not.toBe(findingHash(benfordF));
    expect(findingHash({ ...benfordF, caveats: [] })).not.toBe(findingHash(benfordF));
  });

  it("serialises with sorted keys and round-trips through parseManifest", () => {
    const text = manifestJson(base());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"auditInputs"')).toBeLessThan(text.indexOf('"charts"'));
    expect(text.indexOf('"a": 1')).toBeLessThan(text.indexOf('"b": 2'));
    expect(parseManifest(text, "m.json")).toEqual(JSON.parse(text));
  });

  it("rejects malformed JSON and a wrong shape with the file and JSON path", () => {
    expect(() => parseManifest("{", "m.json")).toThrow(OrganAuditError);
    const bad = JSON.parse(manifestJson(base()));
    bad.inputs[0].sha256 = "xyz";
    try {
      parseManifest(JSON.stringify(bad), "m.json");
      expect.unreachable();
    } catch (e) {
      expect((e as OrganAuditError).code).toBe("R_MANIFEST_INVALID");
      expect((e as OrganAuditError).location).toEqual({ file: "m.json", path: "$.inputs[0].sha256" });
    }
  });
});
