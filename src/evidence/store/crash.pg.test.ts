/**
 * Crash safety and concurrent processes with the archive's tables in PostgreSQL (the counterpart of
 * crash.test.ts): a bulk import killed with SIGKILL at random points leaves an archive that verifies with
 * every item whole; two processes importing into the same archive at once both complete. Runs when
 * ORGAN_AUDIT_TEST_PG is set (test/helpers/pg.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRng } from "../../stats/rng.js";
import { dropPgSchema, freshPgLocation, pgAvailable } from "../../../test/helpers/pg.js";
import { initArchive, openArchive } from "./archive.js";
import { verifyArchive } from "./verify.js";

const ROOT = join(import.meta.dirname, "../../..");
const mod = (f: string): string => pathToFileURL(join(import.meta.dirname, f)).href;

/** The child: import every file of a folder, one transaction per file, printing "ok <n>" after each. */
const CHILD = `
import { readdirSync } from "node:fs";
import { join } from "node:path";
const { openArchive } = await import(${JSON.stringify(mod("archive.ts"))});
const { ingestFile } = await import(${JSON.stringify(mod("ingest.ts"))});
const [dir, files, db] = process.argv.slice(-3);
const a = await openArchive(dir, { db });
let n = 0;
for (const f of readdirSync(files).sort()) {
  await ingestFile(a, join(files, f), { evidenceType: "other", addedBy: "crash-test", tags: ["bulk"] });
  n++;
  process.stdout.write("ok " + n + "\\n");
}
await a.close();
process.stdout.write("done\\n");
`;

function runChild(dir: string, files: string, db: string, kill: { afterOk: number; delayMs: number } | null): Promise<{ killed: boolean; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD, "--", dir, files, db], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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

async function checkArchive(dir: string, db: string): Promise<{ ok: boolean; failures: unknown[]; items: { sha256: string; texts: number }[] }> {
  const a = await openArchive(dir, { readonly: true, db });
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

describe.runIf(pgAvailable)("crash safety on PostgreSQL: SIGKILL during a bulk import", () => {
  let root: string;
  let files: string;
  const locations: string[] = [];
  const shas = new Set<string>();
  const location = (): string => {
    const l = freshPgLocation();
    locations.push(l);
    return l;
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "oa-ev-pgcrash-"));
    files = join(root, "files");
    mkdirSync(files);
    const rng = createRng(2026);
    for (let i = 0; i < 30; i++) {
      const zh = `第${i}号文件：某医院肝移植中心${1999 + (i % 20)}年完成移植${100 + rng.int(900)}例。`;
      const en = `Document ${i}: transplant centre report, ${rng.int(1000)} operations. `;
      // every tenth file is ~1.5 MB, so that kills also land inside blob writes
      const buf = Buffer.from(i % 10 === 0 ? (zh + en).repeat(12000) : `${zh}\n${en}\n`, "utf8");
      writeFileSync(join(files, `doc-${String(i).padStart(3, "0")}.txt`), buf);
      shas.add(createHash("sha256").update(buf).digest("hex"));
    }
  });
  afterAll(async () => {
    for (const l of locations) await dropPgSchema(l);
    rmSync(root, { recursive: true, force: true });
  });

  it("after each kill the archive verifies and every item is whole; re-running completes the import", async () => {
    const dir = join(root, "archive");
    const db = location();
    await (await initArchive(dir, { db })).close();
    const rng = createRng(7);
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      const r = await runChild(dir, files, db, { afterOk: 1 + rng.int(5), delayMs: rng.int(30) });
      if (r.killed) kills++;
      const c = await checkArchive(dir, db);
      expect(c.failures, `round ${round}`).toEqual([]);
      expect(c.ok).toBe(true);
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
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  }, 300_000);

  it("two processes importing into the same archive at once both complete, and the archive verifies", async () => {
    const dir = join(root, "concurrent");
    const db = location();
    await (await initArchive(dir, { db })).close();
    const dirs = [join(root, "c1"), join(root, "c2")];
    dirs.forEach((d, k) => {
      mkdirSync(d);
      for (let i = 0; i < 20; i++) writeFileSync(join(d, `p${k}-${i}.txt`), `进程${k} 文件${i}: hospital notice ${k}-${i}\n`);
    });
    const [r1, r2] = await Promise.all(dirs.map((d) => runChild(dir, d, db, null)));
    expect(r1!.done && r2!.done).toBe(true);
    const c = await checkArchive(dir, db);
    expect(c.failures).toEqual([]);
    expect(c.items).toHaveLength(40);
  }, 120_000);
});
