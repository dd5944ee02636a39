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

  it("reports a missing bundle as an input error (exit 2)", async () => {
    const a = join(root, "a3");
    await runCli(["evidence", "init", "--archive", a, "--empty"]);
    const r = await runCli(["evidence", "import", join(root, "missing.zip"), "--archive", a]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("file not found");
  });
});
