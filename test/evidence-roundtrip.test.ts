import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

// Cross-module check: an item added to one archive, exported as a bundle and imported into another is
// searchable there at once (imported rows bypass the indexing hook) and both archives verify.
const root = mkdtempSync(join(tmpdir(), "oa-roundtrip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("evidence export → import → search", () => {
  it("finds a GBK-encoded page by a traditional-character query after import", async () => {
    const a1 = join(root, "a1");
    const a2 = join(root, "a2");
    const bundle = join(root, "b.zip");
    expect((await runCli(["evidence", "init", "--archive", a1, "--empty"])).code).toBe(0);
    const add = await runCli(["evidence", "add", "test/fixtures/evidence/content/hospital_gbk.html", "--type", "hospital-web-page", "--archive", a1, "--json"]);
    expect(add.code).toBe(0);
    const { id, sha256 } = JSON.parse(add.stdout) as { id: string; sha256: string };
    expect((await runCli(["evidence", "export", bundle, "--archive", a1])).code).toBe(0);
    expect((await runCli(["evidence", "init", "--archive", a2, "--empty"])).code).toBe(0);
    expect((await runCli(["evidence", "import", bundle, "--archive", a2])).code).toBe(0);
    // 醫院 is the traditional form of 医院 in the (simplified, GBK-encoded) page: both are folded
    const s = await runCli(["evidence", "search", "醫院", "--archive", a2, "--json"]);
    expect(s.code).toBe(0);
    const results = (JSON.parse(s.stdout) as { results: { id: string; sha256: string }[] }).results;
    expect(results.map((r) => r.id)).toContain(id);
    expect(results.find((r) => r.id === id)!.sha256).toBe(sha256);
    expect((await runCli(["evidence", "verify", "--archive", a2])).code).toBe(0);
    expect((await runCli(["evidence", "verify", "--archive", a1])).code).toBe(0);
  });

  it("carries the starter case's claim map: export, import into a fresh archive, same map, both verify", async () => {
    const a1 = join(root, "case1");
    const a2 = join(root, "case2");
    const bundle = join(root, "case.zip");
    expect((await runCli(["evidence", "init", "--archive", a1])).code).toBe(0); // loads the starter case
    const add = await runCli(["evidence", "add", "test/fixtures/evidence/content/hospital_gbk.html", "--type", "hospital-web-page", "--archive", a1, "--json"]);
    const { id } = JSON.parse(add.stdout) as { id: string };
    expect((await runCli(["evidence", "link", id, "RB2020-C3", "--stance", "context", "--note", "a hospital page", "--archive", a1])).code).toBe(0);
    const exp = await runCli(["evidence", "export", bundle, "--archive", a1, "--json"]);
    expect(exp.code).toBe(0);
    expect((JSON.parse(exp.stdout) as { claimRows: number }).claimRows).toBeGreaterThan(50);
    expect((await runCli(["evidence", "verify", bundle])).code).toBe(0);
    expect((await runCli(["evidence", "init", "--archive", a2, "--empty"])).code).toBe(0);
    const imp = await runCli(["evidence", "import", bundle, "--archive", a2, "--json"]);
    expect(imp.code).toBe(0);
    expect((JSON.parse(imp.stdout) as { claims: { conflicts: string[] } }).claims.conflicts).toEqual([]);
    const map = async (dir: string): Promise<unknown> => {
      const r = await runCli(["evidence", "claims", "--no-audit", "--archive", dir, "--json"]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout);
    };
    const m1 = await map(a1);
    expect(JSON.stringify(m1)).toContain("RB2020-C1");
    expect(JSON.stringify(m1)).toContain(id);
    expect(await map(a2)).toEqual(m1);
    const tl = async (dir: string): Promise<unknown> => JSON.parse((await runCli(["evidence", "timeline", "--archive", dir, "--json"])).stdout);
    expect(await tl(a2)).toEqual(await tl(a1));
    // the imported item is searchable at once
    const s = JSON.parse((await runCli(["evidence", "search", "醫院", "--archive", a2, "--json"])).stdout) as { results: { id: string }[] };
    expect(s.results.map((r) => r.id)).toContain(id);
    expect((await runCli(["evidence", "verify", "--archive", a2])).code).toBe(0);
    expect((await runCli(["evidence", "verify", "--archive", a1])).code).toBe(0);
  }, 120_000);

  it("reports a missing bundle as an input error (exit 2)", async () => {
    const a = join(root, "a3");
    await runCli(["evidence", "init", "--archive", a, "--empty"]);
    const r = await runCli(["evidence", "import", join(root, "missing.zip"), "--archive", a]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("file not found");
  });
});
