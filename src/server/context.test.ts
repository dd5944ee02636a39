import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { closeServerContext, openServerContext } from "./context.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../test/helpers/pg.js";

const root = mkdtempSync(join(tmpdir(), "oa-ctx-"));
const pgLocations: string[] = [];
afterAll(async () => {
  for (const l of pgLocations) await dropPgSchema(l);
  rmSync(root, { recursive: true, force: true });
});

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("openServerContext on %s", (dialect, enabled) => {
  it.runIf(enabled)("creates the server folder, the team tables, the archive (with the starter case) and the screening store; reopens them", async () => {
    const dir = join(root, dialect);
    const db = dialect === "postgres" ? freshPgLocation() : undefined;
    if (db) pgLocations.push(db);
    const ctx = await openServerContext({ dir, ...(db ? { db } : {}), starter: true, durability: "relaxed" });
    try {
      expect(ctx.dialect).toBe(dialect);
      expect(ctx.notes[0]).toMatch(/^created the evidence archive in /);
      expect(ctx.notes).toContain("loaded the starter case");
      expect(existsSync(join(dir, "archive", "config.json"))).toBe(true);
      if (dialect === "sqlite") {
        expect(existsSync(join(dir, "team.sqlite"))).toBe(true);
        expect(existsSync(join(dir, "screening.sqlite"))).toBe(true);
      } else {
        // team, archive and screening tables share the one PostgreSQL schema
        const schema = new URL(db ?? "").searchParams.get("schema") ?? "";
        const rows = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${schema}`.execute(ctx.teamDb);
        const names = rows.rows.map((r) => r.table_name);
        expect(names).toEqual(expect.arrayContaining(["users", "memberships", "sessions", "items", "custody_log"]));
        expect(names.some((n) => n.startsWith("screening"))).toBe(true);
      }
      const claims = (await ctx.archive.log.entries()).filter((e) => e.action !== "init");
      expect(claims.length).toBeGreaterThan(0); // the starter case's custody entry
      expect(ctx.limits).toEqual({ maxUploadBytes: 256 * 1024 ** 2, maxJsonBytes: 1024 ** 2, maxDraws: 100_000 });
    } finally {
      await closeServerContext(ctx);
    }
    const again = await openServerContext({ dir, ...(db ? { db } : {}), starter: true, limits: { maxJsonBytes: 10 } });
    try {
      expect(again.notes).toEqual([]); // nothing created, the starter case not loaded twice
      expect(again.limits.maxJsonBytes).toBe(10);
      expect(again.limits.maxDraws).toBe(100_000);
    } finally {
      await closeServerContext(again);
    }
  });
});

describe("ServerContext.audit", () => {
  it("does not cache a failure: the next call tries again", async () => {
    const ctx = await openServerContext({ dir: join(root, "audit"), dataDir: join(root, "no-such-package") });
    try {
      const a = await ctx.audit().catch((e: unknown) => e);
      const b = await ctx.audit().catch((e: unknown) => e);
      expect(a).toBeInstanceOf(Error);
      expect(b).toBeInstanceOf(Error);
      expect(b).not.toBe(a);
    } finally {
      await closeServerContext(ctx);
    }
  });
});
