import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openDatabase } from "./open.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../test/helpers/pg.js";

const dir = mkdtempSync(join(tmpdir(), "oa-db-"));
const locations: string[] = [];
afterAll(async () => {
  for (const l of locations) await dropPgSchema(l);
  rmSync(dir, { recursive: true, force: true });
});

const cases: [string, () => string, boolean][] = [
  ["sqlite", () => join(dir, "a.sqlite"), true],
  ["postgres", () => { const l = freshPgLocation(); locations.push(l); return l; }, pgAvailable],
];

describe.each(cases)("openDatabase on %s", (dialect, location, enabled) => {
  it.runIf(enabled)("opens, creates a table and returns bigints as numbers", async () => {
    const o = await openDatabase<{ t: { id: number; size: number } }>(location());
    try {
      expect(o.dialect).toBe(dialect);
      await o.db.schema.createTable("t").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("size", "bigint").execute();
      // 8 GiB does not fit int4: the column is bigint and comes back as a JS number on both dialects
      await o.db.insertInto("t").values({ id: 1, size: 8 * 1024 ** 3 }).execute();
      const row = await o.db.selectFrom("t").selectAll().executeTakeFirstOrThrow();
      expect(row).toEqual({ id: 1, size: 8589934592 });
      const n = await sql<{ n: number }>`select count(*) as n from t`.execute(o.db);
      expect(n.rows[0]?.n).toBe(1);
    } finally {
      await o.db.destroy();
    }
  });
});

describe("openDatabase on postgres: concurrent first opens", () => {
  it.runIf(pgAvailable)("eight connections opening the same new schema at once all succeed", async () => {
    const l = freshPgLocation();
    locations.push(l);
    const opened = await Promise.all(Array.from({ length: 8 }, () => openDatabase(l, { poolSize: 1 })));
    try {
      const r = await Promise.all(opened.map((o) => sql<{ s: string }>`select current_schema() as s`.execute(o.db)));
      expect(new Set(r.map((x) => x.rows[0]?.s))).toEqual(new Set([new URL(l).searchParams.get("schema")]));
    } finally {
      await Promise.all(opened.map((o) => o.db.destroy()));
    }
  });
});

