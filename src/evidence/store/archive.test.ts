import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, ftruncateSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { initArchive, openArchive, withArchive } from "./archive.js";
import { ingestFile } from "./ingest.js";
import { verifyArchive } from "./verify.js";
import { fromHex, leafHash, verifyConsistency, verifyInclusion } from "../custody/merkle.js";
import { verifyTreeHead } from "../custody/sth.js";
import { OrganAuditError } from "../../core/errors.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "oa-ev-archive-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("archive store", () => {
  it("runs every migration once, including the search and claims modules when present", async () => {
    const dir = join(root, "mig");
    await (await initArchive(dir)).close();
    const a = await openArchive(dir);
    const ids = (await sql<{ id: string }>`select id from schema_migrations order by id`.execute(a.db)).rows.map((r) => r.id);
    expect(ids).toContain("core-0001-initial");
    if (existsSync(join(import.meta.dirname, "../search/migration.ts"))) expect(ids.some((i) => i.startsWith("search-"))).toBe(true);
    if (existsSync(join(import.meta.dirname, "../claims/migration.ts"))) expect(ids.some((i) => i.startsWith("claims-"))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    await a.close();
    await expect(openArchive(join(root, "nothing-here"))).rejects.toMatchObject({ code: "EV_ARCH_NOT_FOUND" });
    await expect(initArchive(dir)).rejects.toMatchObject({ code: "EV_ARCH_EXISTS" });
  });

  it("refuses a world-readable key file", async () => {
    const dir = join(root, "perm");
    await (await initArchive(dir)).close();
    chmodSync(join(dir, "keys", "signing-ed25519.pem"), 0o644);
    await expect(openArchive(dir)).rejects.toMatchObject({ code: "EV_ARCH_KEY_PERMS" });
    chmodSync(join(dir, "keys", "signing-ed25519.pem"), 0o600);
    await (await openArchive(dir)).close();
  });

  it("log proofs from the archive verify against its signed tree heads (RFC 9162)", async () => {
    const dir = join(root, "proofs");
    await withArchive(
      dir,
      async (a) => {
        for (let i = 0; i < 9; i++) await a.addItem({ bytes: Buffer.from(`第${i}份 notice ${i}`), filename: `n${i}.txt`, evidenceType: "policy-document", addedBy: "t" });
        const head = (await a.log.treeHead())!;
        expect(head.treeSize).toBe(10);
        expect(verifyTreeHead(head, a.keys.publicKey)).toBe(true);
        const entries = await a.db.selectFrom("custody_log").selectAll().orderBy("seq").execute();
        for (const e of entries) {
          expect(leafHash(Buffer.from(e.entry, "utf8")).toString("hex")).toBe(e.leaf_hash);
          const proof = (await a.log.inclusionProof(e.seq)).map(fromHex);
          expect(verifyInclusion(fromHex(e.leaf_hash), e.seq, 10, proof, fromHex(head.rootHash))).toBe(true);
        }
        for (const old of [1, 3, 4, 7]) {
          const oldHead = (await a.log.treeHead(old))!;
          const proof = (await a.log.consistencyProof(old)).map(fromHex);
          expect(verifyConsistency(old, 10, fromHex(oldHead.rootHash), fromHex(head.rootHash), proof)).toBe(true);
        }
      },
      { create: true },
    );
  });

  it("addItems is all or nothing", async () => {
    const dir = join(root, "batch");
    await withArchive(
      dir,
      async (a) => {
        const ok = { bytes: Buffer.from("ok"), filename: "ok.txt", evidenceType: "other", addedBy: "t" };
        await expect(a.addItems([ok, { ...ok, filename: "bad.txt", evidenceType: "gossip" }])).rejects.toBeInstanceOf(OrganAuditError);
        expect(await a.listItems()).toEqual([]);
        const r = await a.addItems([ok, { ...ok, filename: "ok2.txt" }, ok]);
        expect(r.map((x) => x.existing)).toEqual([false, false, true]);
        expect(r[1]!.duplicateOf).toBe(r[0]!.id);
        expect(await a.listItems({ evidenceType: "other" })).toHaveLength(2);
        expect((await verifyArchive(a)).ok).toBe(true);
      },
      { create: true, durability: "relaxed" },
    );
  });

  it("streams a large file with bounded memory and refuses one above the limit with nothing stored", async () => {
    const dir = join(root, "large");
    const big = join(root, "big.bin");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 80 * 1024 * 1024); // 80 MiB of zero bytes (sparse on disk)
    closeSync(fd);
    await withArchive(
      dir,
      async (a) => {
        global.gc?.();
        const before = process.memoryUsage().rss;
        const r = await ingestFile(a, big, { evidenceType: "dataset", addedBy: "t" }, { extractLimit: 1024 * 1024 });
        const grew = process.memoryUsage().rss - before;
        // python3 -c "import hashlib; print(hashlib.sha256(b'\0'*(80*2**20)).hexdigest())"
        expect(r.sha256).toBe("33a3a11d54de8ede604c243cedfde1ef4b534d5ea3279c9dd57df314045c23df");
        expect(r.size).toBe(80 * 1024 * 1024);
        expect(r.noText).toMatch(/larger than the text-extraction limit/);
        expect(grew).toBeLessThan(48 * 1024 * 1024);
      },
      { create: true },
    );
    // lower the archive's limit in config.json: the same file is now refused, leaving nothing behind
    const cfgFile = join(dir, "config.json");
    const cfg = JSON.parse(readFileSync(cfgFile, "utf8")) as Record<string, unknown>;
    writeFileSync(cfgFile, JSON.stringify({ ...cfg, maxItemBytes: 10 * 1024 * 1024 }));
    const big2 = join(root, "big2.bin");
    writeFileSync(big2, Buffer.alloc(11 * 1024 * 1024, 7));
    await withArchive(dir, async (a) => {
      const blobs = a.blobs.list().length;
      await expect(ingestFile(a, big2, { evidenceType: "dataset", addedBy: "t" }, { extractLimit: 1024 })).rejects.toMatchObject({ code: "EV_ARCH_TOO_LARGE" });
      await expect(a.addItem({ bytes: readFileSync(big2), evidenceType: "dataset", addedBy: "t" })).rejects.toMatchObject({ code: "EV_ARCH_TOO_LARGE" });
      expect(a.blobs.list().length).toBe(blobs);
      expect(readdirSync(join(dir, "tmp"))).toEqual([]);
      expect(await a.listItems()).toHaveLength(1);
    });
  });

  it("a clear text queued for shredding by a redaction is removed on the next open (crash between commit and removal)", async () => {
    const dir = join(root, "shred");
    let clearSha = "";
    await withArchive(
      dir,
      async (a) => {
        const it = await a.addItem({ bytes: Buffer.from("call recording placeholder"), filename: "call.m4a", evidenceType: "telephone-recording", addedBy: "t" });
        const t = await a.addDerived(it.id, { kind: "transcript", text: "Caller (invented) Li Si asked about kidneys.", method: "manual" });
        clearSha = t.sha256;
        await a.redact(t.id, { terms: ["Li Si"], actor: "t" });
        expect(a.blobs.has(clearSha)).toBe(false);
        // simulate the crash: the clear blob is back and still queued
        await a.blobs.putBytes(Buffer.from("Caller (invented) Li Si asked about kidneys."), { label: "x", maxBytes: 1e6 });
        await a.db.insertInto("blob_shred").values({ sha256: clearSha, queued_at: new Date().toISOString() }).execute();
        expect(a.blobs.has(clearSha)).toBe(true);
      },
      { create: true },
    );
    await withArchive(dir, async (a) => {
      expect(a.blobs.has(clearSha)).toBe(false);
      expect((await verifyArchive(a)).ok).toBe(true);
    });
  });
});
