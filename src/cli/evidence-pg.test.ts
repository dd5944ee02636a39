/**
 * The evidence CLI on an archive whose tables live in PostgreSQL (`evidence init --db postgres://...`):
 * the location is recorded in the archive's config (no password in it), so later commands find the
 * tables without --db; text is indexed by the PostgreSQL search backend and `evidence search` uses it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../test/helpers/cli.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../test/helpers/pg.js";

const FIX = new URL("../../test/fixtures/evidence/content/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "oa-cli-pg-"));
const location = pgAvailable ? freshPgLocation() : "";

afterAll(async () => {
  if (location) await dropPgSchema(location);
  rmSync(dir, { recursive: true, force: true });
});

describe("evidence CLI on PostgreSQL", () => {
  it.runIf(pgAvailable)("init --db, add, search (simplified finds traditional), verify", async () => {
    const u = new URL(location);
    const password = decodeURIComponent(u.password);
    u.password = "";
    const env = process.env.PGPASSWORD;
    process.env.PGPASSWORD = password; // pg reads the password from the environment
    try {
      const archive = join(dir, "a");
      const init = await runCli(["evidence", "init", "--archive", archive, "--db", u.toString(), "--empty", "--json"]);
      expect(init.code, init.stderr).toBe(0);
      const config = readFileSync(join(archive, "config.json"), "utf8");
      expect(config).toContain('"databaseDialect": "postgres"');
      expect(config).not.toContain(`:${password}@`); // (the test role's password equals its name)

      const add = await runCli(["evidence", "add", join(FIX, "hospital_big5.html"), "--archive", archive, "--type", "hospital-web-page", "--json"]);
      expect(add.code, add.stderr).toBe(0);
      const id = (JSON.parse(add.stdout) as { id: string }).id;

      const search = await runCli(["evidence", "search", "器官移植", "--archive", archive, "--json"]);
      expect(search.code, search.stderr).toBe(0);
      const r = JSON.parse(search.stdout) as { results: { id: string; snippet: string }[]; ranking: { method: string } };
      expect(r.results.map((x) => x.id)).toEqual([id]);
      expect(r.ranking.method).toBe("occurrences");

      const verify = await runCli(["evidence", "verify", "--archive", archive, "--json"]);
      expect(verify.code, verify.stderr).toBe(0);
    } finally {
      if (env === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = env;
    }
  });
});
