/**
 * The archive on both dialects: the same API with its tables in DIR/archive.db (SQLite) or in a PostgreSQL
 * schema (blobs, config and keys in DIR either way). PostgreSQL cases run when ORGAN_AUDIT_TEST_PG is set
 * (see test/helpers/pg.ts). Scenarios ported from archive.test.ts, verify.test.ts and claims/starter.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../../db/open.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../../test/helpers/pg.js";
import { CustodyLog } from "../custody/log.js";
import { rowDigest } from "../custody/entry.js";
import { listClaims, listEntities, listEvents, listLinks, linkClaim } from "../claims/store.js";
import { loadStarterCase } from "../claims/starter.js";
import { initArchive, openArchive, resolveArchiveDb, type Archive } from "./archive.js";
import { runMigrations } from "./migrate.js";
import { coreMigrations } from "./core-migrations.js";
import type { CoreDb, ItemsTable } from "./schema.js";
import { verifyArchive } from "./verify.js";
import { exportBundle } from "../bundle/export.js";
import { importBundle } from "../bundle/import.js";

const FIX = join(import.meta.dirname, "../../../test/fixtures/evidence/core");
let root: string;
const locations: string[] = [];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "oa-ev-pg-"));
});
afterAll(async () => {
  for (const l of locations) await dropPgSchema(l);
  rmSync(root, { recursive: true, force: true });
});

function pgLocation(): string {
  const l = freshPgLocation();
  locations.push(l);
  return l;
}

let n = 0;
/** A new archive folder and, on PostgreSQL, a fresh schema; returns the options to open it with. */
function fresh(dialect: "sqlite" | "postgres"): { dir: string; db?: string } {
  const dir = join(root, `a${n++}`);
  return dialect === "postgres" ? { dir, db: pgLocation() } : { dir };
}

async function build(dir: string, db: string | undefined): Promise<{ ids: string[]; derivedIds: string[] }> {
  const a = await initArchive(dir, { actor: "tester", ...(db ? { db } : {}) });
  const ids: string[] = [];
  const derivedIds: string[] = [];
  const files: [string, string, string][] = [
    ["hospital-notice-utf8.html", "hospital-web-page", "zh"],
    ["notice-gbk.html", "policy-document", "zh"],
    ["report-big5.html", "ngo-report", "zh-Hant"],
    ["call-transcript-en.txt", "telephone-recording", "en"],
  ];
  for (const [f, type, lang] of files) {
    const r = await a.addItem({ path: join(FIX, f), evidenceType: type, language: lang, addedBy: "tester", tags: ["fixture"] });
    ids.push(r.id);
    derivedIds.push((await a.addDerived(r.id, { kind: "text", text: `text of ${f}: 器官移植 organ transplant`, method: "test" })).id);
  }
  const w = await a.addItem({ bytes: Buffer.from("interview notes of witness W-17"), filename: "w17.txt", evidenceType: "testimony", addedBy: "tester", sensitive: { name: "(invented) Witness Seventeen", phone: "+00 000" } });
  ids.push(w.id);
  const t = await a.addDerived(w.id, { kind: "transcript", text: "Witness Seventeen said the blood test was in 2005.", method: "manual" });
  await a.redact(t.id, { terms: ["Witness Seventeen"], actor: "tester", reason: "witness protection" });
  await a.close();
  return { ids, derivedIds };
}

const open = (o: { dir: string; db?: string }, extra: { readonly?: boolean } = {}): Promise<Archive> =>
  openArchive(o.dir, { ...extra, ...(o.db ? { db: o.db } : {}) });

async function check(o: { dir: string; db?: string }) {
  const a = await open(o, { readonly: true });
  try {
    return await verifyArchive(a);
  } finally {
    await a.close();
  }
}

const cases: ["sqlite" | "postgres", boolean][] = [
  ["sqlite", true],
  ["postgres", pgAvailable],
];

describe.each(cases)("the archive API on %s", (dialect, enabled) => {
  let o: { dir: string; db?: string };
  let ids: string[];
  beforeAll(async () => {
    if (!enabled) return;
    o = fresh(dialect);
    ids = (await build(o.dir, o.db)).ids;
  });

  it.runIf(enabled)("adds, gets, lists, derives and redacts; the archive verifies", async () => {
    const a = await open(o);
    try {
      expect(a.dialect).toBe(dialect);
      expect(a.sqliteHandle === undefined).toBe(dialect === "postgres");
      expect(existsSync(join(o.dir, "archive.db"))).toBe(dialect === "sqlite");
      const all = await a.listItems();
      expect(all.map((i) => i.id)).toEqual(ids);
      expect((await a.listItems({ evidenceType: "policy-document" })).map((i) => i.id)).toEqual([ids[1]]);
      expect((await a.listItems({ language: "zh" })).map((i) => i.id)).toEqual([ids[0], ids[1]]);
      expect((await a.listItems({ tag: "fixture" })).length).toBe(4);
      expect((await a.listItems({ limit: 2, offset: 1 })).map((i) => i.id)).toEqual([ids[1], ids[2]]);
      const got = (await a.getItem(ids[0]!))!;
      expect(got.item).toMatchObject({ id: ids[0], evidenceType: "hospital-web-page", language: "zh", tags: ["fixture"], restricted: false, sensitive: null, addedBy: "tester" });
      expect(typeof got.item.size).toBe("number");
      expect(got.derived).toHaveLength(1);
      expect(await a.readDerivedText(got.derived[0]!.id)).toContain("器官移植");
      // the witness item: sealed fields, redacted transcript, sealed original transcript
      const w = (await a.getItem(ids[4]!))!;
      expect(w.item.sensitive).toBe("sealed");
      expect(w.item.restricted).toBe(true);
      expect((await a.getItem(ids[4]!, { reveal: true }))!.item.sensitive).toEqual({ name: "(invented) Witness Seventeen", phone: "+00 000" });
      const sealed = w.derived.find((d) => d.sealed)!;
      const redacted = w.derived.find((d) => d.kind === "redacted")!;
      expect(redacted.redacts).toBe(sealed.id);
      expect(await a.readDerivedText(redacted.id)).toBe("[REDACTED] said the blood test was in 2005.");
      expect(await a.readDerivedText(sealed.id)).toBe("Witness Seventeen said the blood test was in 2005.");
      // the same bytes again: nothing added; the same bytes under another name: a duplicate
      const again = await a.addItem({ path: join(FIX, "notice-gbk.html"), evidenceType: "policy-document", language: "zh", addedBy: "tester" });
      expect(again).toMatchObject({ id: ids[1], existing: true });
      const dup = await a.addItem({ bytes: readFileSync(join(FIX, "notice-gbk.html")), filename: "copy.html", evidenceType: "policy-document", addedBy: "tester" });
      expect(dup).toMatchObject({ existing: false, duplicateOf: ids[1] });
      await expect(a.addItem({ bytes: Buffer.from("x"), evidenceType: "no-such-type", addedBy: "t" })).rejects.toMatchObject({ code: "EV_ARCH_BAD_TYPE" });
      await expect(a.addDerived("item-none", { kind: "text", text: "x", method: "m" })).rejects.toMatchObject({ code: "EV_ARCH_NO_ITEM" });
      // a refused batch stores nothing
      const before = await a.log.size();
      await expect(
        a.addItems([
          { bytes: Buffer.from("batch one"), filename: "b1.txt", evidenceType: "media-report", addedBy: "t" },
          { bytes: Buffer.from("batch two"), filename: "b2.txt", evidenceType: "bogus", addedBy: "t" },
        ]),
      ).rejects.toMatchObject({ code: "EV_ARCH_BAD_TYPE" });
      expect(await a.log.size()).toBe(before);
      const batch = await a.addItems([
        { bytes: Buffer.from("batch one"), filename: "b1.txt", evidenceType: "media-report", addedBy: "t", derived: [{ kind: "text", text: "batch one", method: "m" }] },
        { bytes: Buffer.from("batch two"), filename: "b2.txt", evidenceType: "media-report", addedBy: "t" },
      ]);
      expect(batch.map((b) => b.existing)).toEqual([false, false]);
      expect(await a.log.size()).toBe(before + 3);
      await a.requestDeletion(ids[2]!, { actor: "t", reason: "source asked" });
    } finally {
      await a.close();
    }
    const r = await check(o);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.dialect).toBe(dialect);
    expect(r.notApplicable!.length > 0).toBe(dialect === "postgres");
    // init + 5 adds + 5 derives + 1 redact + dup + (2 adds + 1 derive) + delete-request
    expect(r.counts.entries).toBe(17);
    expect(r.counts.items).toBe(8);
  });

  it.runIf(enabled)("loads the starter case; claims, entities, events and links read back in the same order on both dialects; verify passes", async () => {
    const a = await open(o);
    try {
      const res = await loadStarterCase(a, { actor: "tester" });
      expect(res).toMatchObject({ status: "loaded", claims: 5 });
      expect((await loadStarterCase(a, { actor: "tester" })).status).toBe("already-loaded");
      const claims = await listClaims(a);
      expect(claims.map((c) => c.id)).toEqual(["RB2020-C1", "RB2020-C2", "RB2020-C3", "RB2020-C4", "RB2020-C5"]);
      const { link } = await linkClaim(a, { claimId: "RB2020-C3", kind: "item", ref: ids[0]!, stance: "supports", note: "advertised wait" }, { actor: "tester" });
      const links = await listLinks(a, "RB2020-C3");
      expect(links.map((l) => l.id)).toContain(link.id);
      shapes[dialect] = {
        claims: claims.map((c) => c.id),
        entities: (await listEntities(a)).map((e) => e.id),
        events: (await listEvents(a)).map((e) => e.id),
        links: (await listLinks(a)).filter((l) => l.kind !== "item").map((l) => l.id),
      };
    } finally {
      await a.close();
    }
    const r = await check(o);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

const shapes: Partial<Record<"sqlite" | "postgres", { claims: string[]; entities: string[]; events: string[]; links: string[] }>> = {};

describe("the same order on both dialects", () => {
  it.runIf(pgAvailable)("lists of claims, entities, events and links are identical (text columns compare as SQLite's BINARY)", () => {
    expect(shapes.sqlite).toBeDefined();
    expect(shapes.postgres).toEqual(shapes.sqlite);
  });
});

describe.each(cases)("verify during writes on %s", (dialect, enabled) => {
  it.runIf(enabled)("verify while other requests write: one snapshot, so new rows never look unlogged", async () => {
    const o = fresh(dialect);
    const a = await initArchive(o.dir, { actor: "tester", ...(o.db ? { db: o.db } : {}) });
    try {
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 25; i++) {
          await a.addItem({ bytes: Buffer.from(`during verify ${i}`), filename: `v${i}.txt`, evidenceType: "media-report", addedBy: "t", derived: [{ kind: "text", text: `t${i}`, method: "m" }] });
        }
        writing = false;
      })();
      const reports = [];
      while (writing) reports.push(await verifyArchive(a));
      await writer;
      reports.push(await verifyArchive(a));
      expect(reports.length).toBeGreaterThan(1);
      for (const r of reports) expect(r.failures).toEqual([]);
      expect(reports[reports.length - 1]!.counts.items).toBe(25);
    } finally {
      await a.close();
    }
  });
});

describe("the database location option", () => {
  it("is --db, else $ORGAN_AUDIT_ARCHIVE_DB, else none", () => {
    const prev = process.env.ORGAN_AUDIT_ARCHIVE_DB;
    try {
      delete process.env.ORGAN_AUDIT_ARCHIVE_DB;
      expect(resolveArchiveDb(undefined)).toBeUndefined();
      process.env.ORGAN_AUDIT_ARCHIVE_DB = "postgres://u@h/d?schema=e";
      expect(resolveArchiveDb(undefined)).toBe("postgres://u@h/d?schema=e");
      expect(resolveArchiveDb("postgres://x@y/z")).toBe("postgres://x@y/z");
      process.env.ORGAN_AUDIT_ARCHIVE_DB = "";
      expect(resolveArchiveDb(undefined)).toBeUndefined();
    } finally {
      if (prev === undefined) delete process.env.ORGAN_AUDIT_ARCHIVE_DB;
      else process.env.ORGAN_AUDIT_ARCHIVE_DB = prev;
    }
  });
});

describe.runIf(pgAvailable)("bundles move between dialects", () => {
  it("a bundle exported from SQLite imports into PostgreSQL and back; both archives verify", async () => {
    const src = fresh("sqlite");
    const { ids } = await build(src.dir, undefined);
    const a = await open(src);
    try {
      await loadStarterCase(a, { actor: "tester" });
    } finally {
      await a.close();
    }
    const file1 = join(root, `b${n++}.zip`);
    await (async () => {
      const x = await open(src);
      try {
        await exportBundle(x, { out: file1, actor: "tester" });
      } finally {
        await x.close();
      }
    })();
    const dst = fresh("postgres");
    const b = await initArchive(dst.dir, { actor: "second", db: dst.db! });
    try {
      const r = await importBundle(b, file1, { actor: "second" });
      // the witness item (restricted) stays out of a bundle made without --include-sensitive
      expect(r.imported.sort()).toEqual(ids.slice(0, 4).sort());
      expect(r.claims.imported).toBeGreaterThan(0);
      expect(r.claims.conflicts).toEqual([]);
      expect((await b.getItem(ids[0]!))!.item.sha256).toBe((await (async () => {
        const x = await open(src, { readonly: true });
        try {
          return (await x.getItem(ids[0]!))!.item.sha256;
        } finally {
          await x.close();
        }
      })()));
      expect((await listClaims(b)).length).toBe(5);
    } finally {
      await b.close();
    }
    const r2 = await check(dst);
    expect(r2.failures).toEqual([]);
    // and back: PostgreSQL → a new SQLite archive
    const file2 = join(root, `b${n++}.zip`);
    const c = await open(dst);
    try {
      await exportBundle(c, { out: file2, actor: "second" });
    } finally {
      await c.close();
    }
    const back = fresh("sqlite");
    const d = await initArchive(back.dir, { actor: "third" });
    try {
      const r = await importBundle(d, file2, { actor: "third" });
      expect(r.imported.sort()).toEqual(ids.slice(0, 4).sort());
      expect((await listClaims(d)).length).toBe(5);
    } finally {
      await d.close();
    }
    expect((await check(back)).failures).toEqual([]);
  });
});

describe.runIf(pgAvailable)("row digests do not depend on the dialect", () => {
  it("the digest of the same row stored on SQLite and on PostgreSQL is identical (numbers as numbers, 8 GiB sizes)", async () => {
    const row: ItemsTable = {
      id: "item-digest-1",
      sha256: "a".repeat(64),
      size: 8 * 1024 ** 3 + 5,
      mime: "text/html; charset=gb18030",
      filename: "醫院通知 notice.html",
      url: null,
      captured_at: "2026-11-28T12:00:00.000Z",
      added_at: "2026-11-28T12:00:01.000Z",
      added_by: "tester",
      language: "zh-Hant",
      evidence_type: "hospital-web-page",
      source: null,
      tags: JSON.stringify(["肝", "liver"]),
      duplicate_of: null,
      restricted: 1,
      sensitive: "sealed-blob",
      sensitive_digest: "b".repeat(64),
      note: "a note with \"quotes\" and \\ backslash",
    };
    const digests: string[] = [];
    for (const location of [join(root, "digest.sqlite"), pgLocation()]) {
      const o = await openDatabase<CoreDb>(location);
      try {
        await runMigrations(o.db, coreMigrations);
        await o.db.insertInto("items").values(row).execute();
        digests.push((await CustodyLog.rowDigestOf(o.db, "items", row.id))!);
        const back = await o.db.selectFrom("items").selectAll().executeTakeFirstOrThrow();
        expect(back).toEqual(row);
      } finally {
        await o.db.destroy();
      }
    }
    expect(digests[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(digests[1]).toBe(digests[0]);
    expect(digests[0]).toBe(rowDigest("items", row as unknown as Record<string, unknown>, ["sensitive"]));
  });
});

describe.runIf(pgAvailable)("the archive on PostgreSQL", () => {
  it("serializes concurrent writers: parallel addItem calls (one pool and two pools) give a contiguous, valid log", async () => {
    const o = fresh("postgres");
    const a = await initArchive(o.dir, { actor: "tester", db: o.db! });
    const b = await openArchive(o.dir, { db: o.db! }); // a second server on the same database
    try {
      const add = (x: Archive, i: number) =>
        x.addItem({ bytes: Buffer.from(`parallel item ${i} 器官`), filename: `p${i}.txt`, evidenceType: "media-report", addedBy: `user${i % 3}`, derived: [{ kind: "text", text: `parallel ${i}`, method: "m" }] });
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => add(i % 2 === 0 ? a : b, i)));
      expect(new Set(results.map((r) => r.id)).size).toBe(16);
      const entries = await a.log.entries();
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 1 + 32 }, (_, i) => i));
      // each item's add and derive entries are in the log
      for (const r of results) expect(entries.filter((e) => e.itemId === r.id).map((e) => e.action).sort()).toEqual(["add", "derive"]);
      // the writers' cached Merkle frontiers stay right after the other wrote
      await add(a, 100);
      await add(b, 101);
      expect(await a.log.size()).toBe(37);
      // while a writer holds the log's lock, readers are not blocked and another writer waits
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const holder = a.transaction(async () => {
        entered();
        await gate;
      });
      await inside;
      expect((await b.listItems()).length).toBe(18);
      expect((await b.log.entries()).length).toBe(37);
      let second = false;
      const waiting = add(b, 102).then(() => (second = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(second).toBe(false);
      release();
      await holder;
      await waiting;
      expect(second).toBe(true);
      expect(await a.log.size()).toBe(39);
    } finally {
      await b.close();
      await a.close();
    }
    const r = await check(o);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.counts.treeHeads).toBe(39);
  });

  describe("tampering through PostgreSQL", () => {
    let o: { dir: string; db?: string };
    let ids: string[];
    let derivedIds: string[];
    let client: pg.Client;
    let schema: string;
    beforeAll(async () => {
      o = fresh("postgres");
      ({ ids, derivedIds } = await build(o.dir, o.db));
      const u = new URL(o.db!);
      schema = u.searchParams.get("schema")!;
      u.searchParams.delete("schema");
      client = new pg.Client({ connectionString: u.toString() });
      await client.connect();
      await client.query(`set search_path = ${schema}`);
    });
    afterAll(async () => {
      await client.end();
    });

    /** Run a tampering statement, verify, undo, and check the archive verifies again. */
    async function tamper(doSql: string, undoSql: string, params: unknown[] = []) {
      await client.query(doSql, params);
      try {
        return await check(o);
      } finally {
        await client.query(undoSql, params);
      }
    }

    it("an untouched archive verifies", async () => {
      const r = await check(o);
      expect(r.failures).toEqual([]);
      expect(r.counts).toMatchObject({ items: 5, entries: 12, treeHeads: 12 });
      expect(r.notApplicable).toEqual([expect.stringContaining("not applicable on PostgreSQL")]);
    });

    it("an UPDATE of one column of an item row fails naming the item", async () => {
      const cap = (await client.query<{ captured_at: string }>("select captured_at from items where id = $1", [ids[1]])).rows[0]!.captured_at;
      const r = await tamper("update items set captured_at = '1999-01-01T00:00:00.000Z' where id = $1", `update items set captured_at = '${cap}' where id = $1`, [ids[1]]);
      expect(r.ok).toBe(false);
      expect(r.failures).toEqual([expect.objectContaining({ kind: "row", table: "items", rowId: ids[1], itemId: ids[1], message: expect.stringMatching(/was changed/) })]);
      expect((await check(o)).ok).toBe(true);
    });

    it("an UPDATE of a derived row fails naming the item and the row", async () => {
      const r = await tamper("update derived set method = 'forged' where id = $1", "update derived set method = 'test' where id = $1", [derivedIds[2]]);
      expect(r.ok).toBe(false);
      expect(r.failures).toEqual([expect.objectContaining({ kind: "row", table: "derived", rowId: derivedIds[2], itemId: ids[2] })]);
      expect((await check(o)).ok).toBe(true);
    });

    it("an UPDATE of a log entry fails naming the entry and its item", async () => {
      const { rows } = await client.query<{ seq: number; entry: string }>("select seq, entry from custody_log where entry like $1 order by seq limit 1", [`%"action":"add"%"itemId":"${ids[3]}"%`]);
      const e = rows[0]!;
      const r = await tamper("update custody_log set entry = replace(entry, '\"actor\":\"tester\"', '\"actor\":\"mallory\"') where seq = $1", "select $1::int", [e.seq]);
      expect(r.ok).toBe(false);
      expect(r.failures).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "entry", seq: Number(e.seq), itemId: ids[3] })]));
      await client.query("update custody_log set entry = $2 where seq = $1", [e.seq, e.entry]);
      expect((await check(o)).ok).toBe(true);
    });

    it("a row inserted without a log entry, and a deleted row, are found", async () => {
      const r1 = await tamper(
        "insert into items select 'item-forged', sha256, size, mime, filename, url, captured_at, added_at, added_by, language, evidence_type, source, tags, duplicate_of, restricted, sensitive, sensitive_digest, note from items where id = $1",
        "delete from items where id = 'item-forged' and $1::text is not null",
        [ids[0]],
      );
      expect(r1.failures).toEqual([expect.objectContaining({ kind: "row", table: "items", rowId: "item-forged", message: expect.stringMatching(/not recorded/) })]);
      const { rows } = await client.query("select * from case_claim");
      expect(rows).toEqual([]);
      const saved = (await client.query("select * from derived where id = $1", [derivedIds[0]])).rows[0] as Record<string, unknown>;
      await client.query("delete from derived where id = $1", [derivedIds[0]]);
      const r2 = await check(o);
      const cols = Object.keys(saved);
      await client.query(`insert into derived (${cols.join(", ")}) values (${cols.map((_, i) => `$${i + 1}`).join(", ")})`, cols.map((c) => saved[c]));
      expect(r2.failures).toEqual([expect.objectContaining({ kind: "row", table: "derived", rowId: derivedIds[0], itemId: ids[0], message: expect.stringMatching(/missing/) })]);
      expect((await check(o)).ok).toBe(true);
    });

    it("a signed tree head removed from the database is found", async () => {
      const head = (await client.query("select * from tree_heads where tree_size = 5")).rows[0] as Record<string, unknown>;
      await client.query("delete from tree_heads where tree_size = 5");
      const r = await check(o);
      await client.query("insert into tree_heads (tree_size, root_hash, timestamp, key_id, signature) values ($1, $2, $3, $4, $5)", [head.tree_size, head.root_hash, head.timestamp, head.key_id, head.signature]);
      expect(r.ok).toBe(false);
      expect(r.failures).toEqual([expect.objectContaining({ kind: "tree-head", seq: 4 })]);
      expect((await check(o)).ok).toBe(true);
    });

  });

  it("a table named in the log that no longer exists is reported, and the other checks still run (one snapshot)", async () => {
    const o = fresh("postgres");
    const a = await initArchive(o.dir, { actor: "tester", db: o.db! });
    try {
      const item = await a.addItem({ bytes: Buffer.from("kept"), filename: "k.txt", evidenceType: "media-report", addedBy: "t" });
      await sql`create table side_notes (id text primary key, body text not null)`.execute(a.db);
      await sql`insert into side_notes (id, body) values ('n1', 'a note')`.execute(a.db);
      await a.record({ actor: "t", action: "annotate", rows: [{ table: "side_notes", id: "n1" }] });
      await sql`drop table side_notes`.execute(a.db);
      await sql`update items set note = 'changed' where id = ${item.id}`.execute(a.db);
    } finally {
      await a.close();
    }
    const r = await check(o);
    expect(r.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "row", table: "side_notes", message: expect.stringMatching(/does not exist/) }),
        expect.objectContaining({ kind: "row", table: "items", message: expect.stringMatching(/was changed/) }),
      ]),
    );
    expect(r.counts.items).toBe(1);
  });

  it("records the location only without a password, refuses a missing, wrong or foreign database, and never writes the password", async () => {
    // 1. with a password: not in config.json; opening without it is refused
    const o1 = fresh("postgres");
    await (await initArchive(o1.dir, { db: o1.db! })).close();
    const cfg1 = readFileSync(join(o1.dir, "config.json"), "utf8");
    expect(JSON.parse(cfg1)).toMatchObject({ databaseDialect: "postgres" });
    expect(JSON.parse(cfg1).database).toBeUndefined();
    expect(cfg1).not.toContain(new URL(o1.db!).password);
    await expect(openArchive(o1.dir)).rejects.toMatchObject({ code: "EV_ARCH_DB_REQUIRED" });
    await (await openArchive(o1.dir, { db: o1.db! })).close();

    // 2. without a password in the URL (PGPASSWORD instead): recorded, opens without db
    const u = new URL(pgLocation());
    const password = decodeURIComponent(u.password);
    u.password = "";
    const noSecret = u.toString();
    const prev = process.env.PGPASSWORD;
    process.env.PGPASSWORD = password;
    try {
      const dir2 = join(root, `a${n++}`);
      await (await initArchive(dir2, { db: noSecret })).close();
      expect(JSON.parse(readFileSync(join(dir2, "config.json"), "utf8"))).toMatchObject({ databaseDialect: "postgres", database: noSecret });
      const a2 = await openArchive(dir2);
      expect(a2.dialect).toBe("postgres");
      await a2.close();
      // 3. another archive's schema, or an empty schema, is refused
      await expect(openArchive(dir2, { db: o1.db! })).rejects.toMatchObject({ code: "EV_ARCH_DB_MISMATCH" });
      await expect(openArchive(dir2, { db: pgLocation() })).rejects.toMatchObject({ code: "EV_ARCH_DB_MISMATCH" });
      // 4. a second archive in a schema that already holds one is refused, and leaves no folder
      const dir3 = join(root, `a${n++}`);
      await expect(initArchive(dir3, { db: noSecret })).rejects.toMatchObject({ code: "EV_ARCH_DB" });
      expect(existsSync(dir3)).toBe(false);
    } finally {
      if (prev === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = prev;
    }

    // 5. a SQLite archive does not take a database location; a non-PostgreSQL location is refused
    const dir4 = join(root, `a${n++}`);
    await (await initArchive(dir4)).close();
    await expect(openArchive(dir4, { db: o1.db! })).rejects.toMatchObject({ code: "EV_ARCH_DB_MISMATCH" });
    await expect(initArchive(join(root, `a${n++}`), { db: join(root, "x.sqlite") })).rejects.toMatchObject({ code: "EV_ARCH_DB" });

    // 6. an unreachable server: EV_ARCH_DB, the password redacted from the message, no folder left
    const bad = new URL(o1.db!);
    bad.port = "1";
    const dir5 = join(root, `a${n++}`);
    const err = (await initArchive(dir5, { db: bad.toString() }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.code).toBe("EV_ARCH_DB");
    expect(err.message).not.toContain(`:${new URL(o1.db!).password}@`);
    expect(err.message).toContain("***");
    expect(existsSync(dir5)).toBe(false);
  });

  it("migrations: the SQLite search index is skipped, the PostgreSQL one applied; a second open changes nothing", async () => {
    const o = fresh("postgres");
    const a = await initArchive(o.dir, { db: o.db! });
    let ids: string[];
    try {
      ids = (await sql<{ id: string }>`select id from schema_migrations order by id`.execute(a.db)).rows.map((r) => r.id);
      expect(ids).toContain("core-0001-initial");
      expect(ids).toContain("claims-0001-initial");
      expect(ids).toContain("search-pg-0001");
      expect(ids.filter((i) => i.startsWith("search-") && !i.startsWith("search-pg-"))).toEqual([]);
      expect(await runMigrations(a.db)).toEqual([]);
      // sizes are bigint, text sorts as bytes
      const cols = (await sql<{ column_name: string; data_type: string; collation_name: string | null }>`
        select column_name, data_type, collation_name from information_schema.columns where table_schema = current_schema() and table_name = 'items'`.execute(a.db)).rows;
      expect(cols.find((c) => c.column_name === "size")!.data_type).toBe("bigint");
      expect(cols.find((c) => c.column_name === "id")!.collation_name).toBe("C");
    } finally {
      await a.close();
    }
    // two processes migrating a new schema at once: both succeed
    const loc = pgLocation();
    // (opened one after the other: src/db/open.ts's CREATE SCHEMA IF NOT EXISTS itself can race)
    const x = await openDatabase(loc);
    const y = await openDatabase(loc);
    try {
      const [rx, ry] = await Promise.all([runMigrations(x.db), runMigrations(y.db)]);
      // every migration applied exactly once, by one of the two
      expect([...rx, ...ry].sort()).toEqual([...new Set([...rx, ...ry])].sort());
      expect(new Set([...rx, ...ry])).toEqual(new Set(ids));
    } finally {
      await x.db.destroy();
      await y.db.destroy();
    }
  });
});
