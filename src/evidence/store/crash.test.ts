/**
 * Crash safety on both dialects (SQLite file; tables in PostgreSQL when ORGAN_AUDIT_TEST_PG is set): a bulk
 * import killed with SIGKILL at random points leaves an archive that verifies with every item whole, and
 * re-running completes it; two processes importing into the same archive at once both complete.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../stats/rng.js";
import { initArchive, openArchive } from "./archive.js";
import { verifyArchive } from "./verify.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../../test/helpers/pg.js";

const CHILD = join(import.meta.dirname, "../../../test/fixtures/evidence/core/bulk-import-child.ts");
const ROOT = join(import.meta.dirname, "../../..");

/** Start the bulk import; kill it with SIGKILL `delayMs` after its afterOk-th completed item (or let it finish). */
function runChild(dir: string, files: string, db: string | undefined, kill: { afterOk: number; delayMs: number } | null): Promise<{ killed: boolean; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, files, ...(db ? [db] : [])], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let armed = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      // kill a random few milliseconds after the child reports its afterOk-th committed file: the kill lands
      // inside the next file's transaction or blob write, and always before the import is complete
      // (a time-only trigger let a fast machine finish every file first)
      if (kill !== null && !armed && out.includes(`ok ${kill.afterOk}\n`)) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve({ killed: true, done: out.includes("done") });
      else if (code === 0) resolve({ killed: false, done: out.includes("done") });
      else reject(new Error(`child failed (${code}): ${err}`));
    });
  });
}

async function checkArchive(dir: string, db: string | undefined): Promise<{ ok: boolean; failures: unknown[]; items: { sha256: string; texts: number }[] }> {
  const a = await openArchive(dir, { readonly: true, ...(db ? { db } : {}) });
  try {
    const r = await verifyArchive(a);
    const items = await a.db.selectFrom("items").select(["id", "sha256"]).execute();
    const out = [];
    for (const it of items) {
      const texts = (await a.db.selectFrom("derived").select("id").where("item_id", "=", it.id).execute()).length;
      out.push({ sha256: it.sha256, texts });
    }
    return { ok: r.ok, failures: r.failures, items: out };
  } finally {
    await a.close();
  }
}

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("crash safety on %s: SIGKILL during a bulk import", (dialect, enabled) => {
  let root: string;
  let files: string;
  const shas = new Set<string>();
  const locations: string[] = [];
  /** a new archive folder; on PostgreSQL with its tables in a fresh schema */
  async function newArchive(name: string): Promise<{ dir: string; db: string | undefined }> {
    const dir = join(root, name);
    const db = dialect === "postgres" ? freshPgLocation() : undefined;
    if (db) locations.push(db);
    await (await initArchive(dir, db ? { db } : {})).close();
    return { dir, db };
  }
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "oa-ev-crash-"));
    files = join(root, "files");
    mkdirSync(files);
    const rng = createRng(1999);
    for (let i = 0; i < 80; i++) {
      const zh = `第${i}号文件：某医院肝移植中心${1999 + (i % 20)}年完成移植${100 + rng.int(900)}例。`;
      const en = `Document ${i}: transplant centre report, ${rng.int(1000)} operations. `;
      // every tenth file is ~1.5 MB, so that kills also land inside blob writes
      const body = i % 10 === 0 ? (zh + en).repeat(12000) : `${zh}\n${en}\n`;
      const buf = Buffer.from(body, "utf8");
      writeFileSync(join(files, `doc-${String(i).padStart(3, "0")}.txt`), buf);
      shas.add(createHash("sha256").update(buf).digest("hex"));
    }
  });
  afterAll(async () => {
    for (const l of locations) await dropPgSchema(l);
    rmSync(root, { recursive: true, force: true });
  });

  it.runIf(enabled)("after each kill the archive verifies and every item is whole; re-running completes the import", async () => {
    const { dir, db } = await newArchive("archive");
    const rng = createRng(42);
    let kills = 0;
    for (let round = 0; round < 6; round++) {
      const r = await runChild(dir, files, db, { afterOk: 1 + rng.int(5), delayMs: rng.int(30) });
      if (r.killed) kills++;
      const c = await checkArchive(dir, db);
      expect(c.failures, `round ${round}`).toEqual([]);
      expect(c.ok).toBe(true);
      // wholly present: an item is never stored without its text (one transaction)
      for (const it of c.items) expect(it.texts).toBe(1);
      expect(new Set(c.items.map((i) => i.sha256)).size).toBe(c.items.length);
      if (r.done) break;
    }
    expect(kills).toBeGreaterThan(0);
    const final = await runChild(dir, files, db, null);
    expect(final.done).toBe(true);
    const c = await checkArchive(dir, db);
    expect(c.ok).toBe(true);
    expect(new Set(c.items.map((i) => i.sha256))).toEqual(shas);
    expect(c.items).toHaveLength(80);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    expect(readFileSync(join(dir, "latest-sth.json"), "utf8")).toContain('"treeSize"');
  }, 300_000);

  it.runIf(enabled)("two processes importing into the same archive at once both complete, and the archive verifies", async () => {
    const { dir, db } = await newArchive("concurrent");
    const dirs = [join(root, "c1"), join(root, "c2")];
    dirs.forEach((d, k) => {
      mkdirSync(d);
      for (let i = 0; i < 25; i++) writeFileSync(join(d, `p${k}-${i}.txt`), `进程${k} 文件${i}: hospital notice ${k}-${i}\n`);
    });
    const [r1, r2] = await Promise.all(dirs.map((d) => runChild(dir, d, db, null)));
    expect(r1!.done && r2!.done).toBe(true);
    const c = await checkArchive(dir, db);
    expect(c.failures).toEqual([]);
    expect(c.items).toHaveLength(50);
  }, 120_000);
});
