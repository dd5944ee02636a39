import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createRng } from "../../stats/rng.js";
import { initArchive, openArchive, type Archive } from "./archive.js";
import { verifyArchive } from "./verify.js";
import { leafHash, toHex } from "../custody/merkle.js";

const FIX = join(import.meta.dirname, "../../../test/fixtures/evidence/core");

/** Build a small archive from the fixtures: 4 items, derived texts, one sealed/redacted record. */
async function build(dir: string): Promise<{ ids: string[] }> {
  const a = await initArchive(dir, { actor: "tester" });
  const ids: string[] = [];
  const files: [string, string, string][] = [
    ["hospital-notice-utf8.html", "hospital-web-page", "zh"],
    ["notice-gbk.html", "policy-document", "zh"],
    ["report-big5.html", "ngo-report", "zh-Hant"],
    ["call-transcript-en.txt", "telephone-recording", "en"],
  ];
  for (const [f, type, lang] of files) {
    const r = await a.addItem({ path: join(FIX, f), evidenceType: type, language: lang, addedBy: "tester", tags: ["fixture"] });
    ids.push(r.id);
    await a.addDerived(r.id, { kind: "text", text: `text of ${f}: 器官移植 organ transplant`, method: "test" });
  }
  const w = await a.addItem({ bytes: Buffer.from("interview notes of witness W-17"), filename: "w17.txt", evidenceType: "testimony", addedBy: "tester", sensitive: { name: "(invented) Witness Seventeen", phone: "+00 000" } });
  ids.push(w.id);
  const t = await a.addDerived(w.id, { kind: "transcript", text: "Witness Seventeen said the blood test was in 2005.", method: "manual" });
  await a.redact(t.id, { terms: ["Witness Seventeen"], actor: "tester", reason: "witness protection" });
  await a.close();
  return { ids };
}

async function check(dir: string) {
  const a = await openArchive(dir, { readonly: true });
  try {
    return await verifyArchive(a);
  } finally {
    await a.close();
  }
}

async function withDb<T>(dir: string, fn: (a: Archive) => Promise<T>): Promise<T> {
  const a = await openArchive(dir, { readonly: true });
  try {
    // an attacker with the database file is not bound by foreign keys
    await sql`pragma foreign_keys = off`.execute(a.db);
    return await fn(a);
  } finally {
    await a.close();
  }
}

describe("verify: untouched and tampered archives", () => {
  let dir: string;
  let ids: string[];
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), "oa-ev-verify-")), "archive");
    ids = (await build(dir)).ids;
  });
  afterAll(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  it("an untouched archive verifies", async () => {
    const r = await check(dir);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.counts.items).toBe(5);
    // init + 5 adds + 5 derives + 1 redact
    expect(r.counts.entries).toBe(12);
    expect(r.counts.treeHeads).toBe(12);
  });

  it("the sealed original is not stored in clear, and opens with the key", async () => {
    await withDb(dir, async (a) => {
      const item = await a.getItem(ids[4]!);
      expect(item?.item.sensitive).toBe("sealed");
      const sealed = item!.derived.find((d) => d.sealed)!;
      const redacted = item!.derived.find((d) => d.kind === "redacted")!;
      expect(redacted.redacts).toBe(sealed.id);
      expect(await a.readDerivedText(redacted.id)).toBe("[REDACTED] said the blood test was in 2005.");
      expect(await a.readDerivedText(sealed.id)).toBe("Witness Seventeen said the blood test was in 2005.");
      expect(readFileSync(a.blobs.path(sealed.blobSha256), "utf8")).not.toContain("Seventeen");
      expect((await a.getItem(ids[4]!, { reveal: true }))?.item.sensitive).toEqual({ name: "(invented) Witness Seventeen", phone: "+00 000" });
    });
    // no blob on disk holds the witness's name in clear
    const { execFileSync } = await import("node:child_process");
    const grep = (): string => {
      try {
        return execFileSync("grep", ["-rl", "Seventeen", join(dir, "blobs")], { encoding: "utf8" });
      } catch {
        return ""; // grep exits 1 when nothing matches
      }
    };
    expect(grep()).toBe("");
  });

  it("a changed byte at random positions of every blob fails naming the item", async () => {
    const rng = createRng(20261128);
    const blobs = await withDb(dir, async (a) => {
      const items = await a.db.selectFrom("items").select(["id", "sha256"]).execute();
      const derived = await a.db.selectFrom("derived").select(["item_id as id", "blob_sha256 as sha256"]).execute();
      return [...items, ...derived].map((r) => ({ id: r.id, file: a.blobs.path(r.sha256) }));
    });
    for (const b of blobs) {
      const orig = readFileSync(b.file);
      for (let k = 0; k < 3; k++) {
        const pos = rng.int(orig.length);
        const t = Buffer.from(orig);
        t[pos] = t[pos]! ^ (1 + rng.int(255));
        writeFileSync(b.file, t);
        const r = await check(dir);
        expect(r.ok).toBe(false);
        expect(r.failures.some((f) => f.kind === "blob" || f.kind === "sealed")).toBe(true);
        expect(r.failures.map((f) => f.itemId)).toContain(b.id);
      }
      writeFileSync(b.file, orig);
    }
    expect((await check(dir)).ok).toBe(true);
  });

  it("a changed value in any column of any item or derived row fails naming the item", async () => {
    const targets = await withDb(dir, async (a) => {
      const items = (await sql<Record<string, unknown>>`select * from items`.execute(a.db)).rows;
      const derived = (await sql<Record<string, unknown>>`select * from derived`.execute(a.db)).rows;
      return [
        ...items.map((r) => ({ table: "items", row: r, itemId: String(r.id) })),
        ...derived.map((r) => ({ table: "derived", row: r, itemId: String(r.item_id) })),
      ];
    });
    for (const t of targets) {
      for (const [col, val] of Object.entries(t.row)) {
        if (col === "id" || val === null) continue;
        const changed = typeof val === "number" ? val + 1 : `${String(val).slice(0, -1)}${String(val).endsWith("x") ? "y" : "x"}`;
        await withDb(dir, (a) => sql`update ${sql.table(t.table)} set ${sql.ref(col)} = ${changed} where id = ${t.row.id}`.execute(a.db));
        const r = await check(dir);
        expect(r.ok, `${t.table}.${col}`).toBe(false);
        expect(r.failures.map((f) => f.itemId), `${t.table}.${col}`).toContain(t.itemId);
        await withDb(dir, (a) => sql`update ${sql.table(t.table)} set ${sql.ref(col)} = ${val} where id = ${t.row.id}`.execute(a.db));
      }
    }
    expect((await check(dir)).ok).toBe(true);
  });

  it("a deleted or an unlogged row fails", async () => {
    const row = await withDb(dir, async (a) => (await sql<Record<string, unknown>>`select * from derived limit 1`.execute(a.db)).rows[0]!);
    await withDb(dir, (a) => sql`delete from derived where id = ${row.id}`.execute(a.db));
    let r = await check(dir);
    expect(r.failures.some((f) => f.rowId === row.id && /missing/.test(f.message))).toBe(true);
    await withDb(dir, (a) => a.db.insertInto("derived").values(row as never).execute());
    expect((await check(dir)).ok).toBe(true);
    await withDb(dir, (a) => a.db.insertInto("derived").values({ ...(row as object), id: "drv-forged" } as never).execute());
    r = await check(dir);
    expect(r.failures.some((f) => f.rowId === "drv-forged" && /not recorded/.test(f.message))).toBe(true);
    await withDb(dir, (a) => sql`delete from derived where id = 'drv-forged'`.execute(a.db));
    expect((await check(dir)).ok).toBe(true);
  });

  it("a changed byte at random positions of any log entry fails naming the entry (and its item)", async () => {
    const rng = createRng(7);
    const rows = await withDb(dir, (a) => a.db.selectFrom("custody_log").selectAll().orderBy("seq").execute());
    for (const row of rows) {
      for (let k = 0; k < 2; k++) {
        const bytes = Buffer.from(row.entry, "utf8");
        const pos = rng.int(bytes.length);
        bytes[pos] = bytes[pos] === 0x41 ? 0x42 : 0x41;
        const forged = bytes.toString("utf8");
        // attacker also updates the stored leaf hash, so only the signed tree heads can catch it
        const alsoLeaf = k === 1;
        await withDb(dir, (a) =>
          a.db.updateTable("custody_log").set({ entry: forged, ...(alsoLeaf ? { leaf_hash: toHex(leafHash(Buffer.from(forged, "utf8"))) } : {}) }).where("seq", "=", row.seq).execute(),
        );
        const r = await check(dir);
        expect(r.ok).toBe(false);
        expect(r.failures.some((f) => f.kind === "entry" && f.seq === row.seq)).toBe(true);
        const itemId = (JSON.parse(row.entry) as { itemId?: string }).itemId;
        if (itemId) expect(r.failures.map((f) => f.itemId)).toContain(itemId);
        await withDb(dir, (a) => a.db.updateTable("custody_log").set({ entry: row.entry, leaf_hash: row.leaf_hash }).where("seq", "=", row.seq).execute());
      }
    }
    expect((await check(dir)).ok).toBe(true);
  });

  it("a forged tree-head signature, and a rolled-back log, fail", async () => {
    const head = await withDb(dir, (a) => a.db.selectFrom("tree_heads").selectAll().where("tree_size", "=", 3).executeTakeFirstOrThrow());
    const sig = Buffer.from(head.signature, "base64");
    sig[5] = sig[5]! ^ 1;
    await withDb(dir, (a) => a.db.updateTable("tree_heads").set({ signature: sig.toString("base64") }).where("tree_size", "=", 3).execute());
    let r = await check(dir);
    expect(r.failures.some((f) => f.kind === "tree-head" && /size 3 has an invalid signature/.test(f.message))).toBe(true);
    await withDb(dir, (a) => a.db.updateTable("tree_heads").set({ signature: head.signature }).where("tree_size", "=", 3).execute());

    // remove the newest entry and its head: the database alone is consistent, latest-sth.json is not
    const last = await withDb(dir, async (a) => ({
      log: await a.db.selectFrom("custody_log").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow(),
      head: await a.db.selectFrom("tree_heads").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirstOrThrow(),
    }));
    await withDb(dir, async (a) => {
      await a.db.deleteFrom("custody_log").where("seq", "=", last.log.seq).execute();
      await a.db.deleteFrom("tree_heads").where("tree_size", "=", last.head.tree_size).execute();
    });
    r = await check(dir);
    expect(r.failures.some((f) => /rolled back/.test(f.message))).toBe(true);
    await withDb(dir, async (a) => {
      await a.db.insertInto("custody_log").values(last.log).execute();
      await a.db.insertInto("tree_heads").values(last.head).execute();
    });
    expect((await check(dir)).ok).toBe(true);
  });

  it("a truncated log whose latest-sth.json was also removed is named as truncated by a tree head kept elsewhere", async () => {
    const published = await withDb(dir, async (a) => (await a.log.treeHead())!);
    const sthFile = join(dir, "latest-sth.json");
    const savedFile = readFileSync(sthFile);
    const last = await withDb(dir, async (a) => ({
      log: await a.db.selectFrom("custody_log").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow(),
      head: await a.db.selectFrom("tree_heads").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirstOrThrow(),
    }));
    await withDb(dir, async (a) => {
      await a.db.deleteFrom("custody_log").where("seq", "=", last.log.seq).execute();
      await a.db.deleteFrom("tree_heads").where("tree_size", "=", last.head.tree_size).execute();
      const e = JSON.parse(last.log.entry) as { action: string };
      expect(e.action).toBe("redact");
    });
    unlinkSync(sthFile);
    const withKnown = async () => {
      const a = await openArchive(dir, { readonly: true });
      try {
        return await verifyArchive(a, { knownHeads: [published] });
      } finally {
        await a.close();
      }
    };
    const r = await withKnown();
    expect(r.failures.some((f) => f.kind === "tree-head" && /truncated/.test(f.message))).toBe(true);
    await withDb(dir, async (a) => {
      await a.db.insertInto("custody_log").values(last.log).execute();
      await a.db.insertInto("tree_heads").values(last.head).execute();
    });
    writeFileSync(sthFile, savedFile);
    expect((await withKnown()).ok).toBe(true);
    // a known head with a different root (a forked history) is named
    const forged = { ...published, rootHash: "ab".repeat(32) };
    const a = await openArchive(dir, { readonly: true });
    try {
      const f = await verifyArchive(a, { knownHeads: [forged] });
      expect(f.failures.some((x) => x.kind === "tree-head" && /invalid signature/.test(x.message))).toBe(true);
    } finally {
      await a.close();
    }
  });

  it("a missing blob is named; orphan blobs are only a warning", async () => {
    const sha = await withDb(dir, async (a) => (await a.db.selectFrom("items").select("sha256").where("id", "=", ids[0]!).executeTakeFirstOrThrow()).sha256);
    const file = (await withDb(dir, async (a) => a.blobs.path(sha)));
    const keep = readFileSync(file);
    unlinkSync(file);
    const r = await check(dir);
    expect(r.failures).toEqual([expect.objectContaining({ kind: "blob", itemId: ids[0], message: expect.stringMatching(/missing/) })]);
    writeFileSync(file, keep);
    await withDb(dir, (a) => a.blobs.putBytes(Buffer.from("orphan"), { label: "o", maxBytes: 100 }));
    const r2 = await check(dir);
    expect(r2.ok).toBe(true);
    expect(r2.warnings.join(" ")).toMatch(/1 blob\(s\) on disk belong to no record/);
  });
});

describe("verify: bytes changed inside the SQLite file itself", () => {
  it("a changed byte inside a stored row (found in archive.db) fails naming the item", async () => {
    const parent = mkdtempSync(join(tmpdir(), "oa-ev-dbfile-"));
    const dir = join(parent, "archive");
    const { ids } = await build(dir);
    const dbFile = join(dir, "archive.db");
    const orig = readFileSync(dbFile);
    const dump = async (): Promise<string> =>
      withDb(dir, async (a) => {
        const parts: unknown[] = [];
        for (const t of ["items", "derived", "custody_log", "tree_heads"]) parts.push((await sql`select * from ${sql.table(t)}`.execute(a.db)).rows);
        return JSON.stringify(parts);
      }).catch((e: unknown) => `unreadable: ${String(e)}`);
    const clean = await dump();
    const rng = createRng(99);
    // the items row holds the file name; the log entries of the item hold its id. SQLite may also keep
    // stale copies in free space: changing those alters no row, and verify must then still pass.
    for (const [needle, itemId] of [["notice-gbk.html", ids[1]!], [ids[2]!, ids[2]!]] as const) {
      let at = orig.indexOf(Buffer.from(needle));
      expect(at).toBeGreaterThan(0);
      let live = 0;
      while (at >= 0) {
        const t = Buffer.from(orig);
        const pos = at + rng.int(needle.length);
        t[pos] = t[pos] === 0x61 ? 0x62 : 0x61;
        writeFileSync(dbFile, t);
        const changed = (await dump()) !== clean;
        const r = await check(dir);
        if (changed) {
          live++;
          expect(r.ok).toBe(false);
          expect(r.failures.map((f) => f.itemId), JSON.stringify(r.failures)).toContain(itemId);
        } else expect(r.ok).toBe(true);
        at = orig.indexOf(Buffer.from(needle), at + 1);
      }
      expect(live).toBeGreaterThan(0);
    }
    writeFileSync(dbFile, orig);
    expect((await check(dir)).ok).toBe(true);
    rmSync(parent, { recursive: true, force: true });
  });
});
