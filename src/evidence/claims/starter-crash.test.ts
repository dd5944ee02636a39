import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../stats/rng.js";
import { initArchive, openArchive } from "../store/archive.js";
import { verifyArchive } from "../store/verify.js";
import { CLAIMS_TABLES } from "./migration.js";
import { claimsDb } from "./store.js";
import { loadCase, loadStarterCase, readCase } from "./starter.js";

const ROOT = join(import.meta.dirname, "../../..");
const STARTER = join(import.meta.dirname, "starter.ts");
const ARCHIVE = join(ROOT, "src/evidence/store/archive.ts");

let tmp: string;
beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), "oa-claims-kill-"))));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Start a process that loads the starter case; SIGKILL it `delayMs` after it reports it is starting. */
function loadAndKill(dir: string, delayMs: number): Promise<"killed" | "finished"> {
  const code = `
    const { openArchive } = await import(${JSON.stringify(ARCHIVE)});
    const { loadCase, readCase } = await import(${JSON.stringify(STARTER)});
    const a = await openArchive(${JSON.stringify(dir)});
    const rc = readCase();
    process.stdout.write("START\\n");
    await loadCase(a, rc, { actor: "kill-test" });
    await a.close();
    process.stdout.write("DONE\\n");`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("START") && !out.includes("ARMED")) {
        out += "ARMED";
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("exit", (codeNum, signal) => {
      if (signal === "SIGKILL") resolvePromise(out.includes("DONE") ? "finished" : "killed");
      else if (codeNum === 0) resolvePromise("finished");
      else reject(new Error(`child failed (${codeNum}): ${err}`));
    });
  });
}

async function caseRowCounts(dir: string): Promise<Record<string, number>> {
  const a = await openArchive(dir, { readonly: true });
  try {
    const db = claimsDb(a);
    const out: Record<string, number> = {};
    for (const t of CLAIMS_TABLES) out[t] = (await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;
    return out;
  } finally {
    await a.close();
  }
}

describe("crash safety of a case load (SIGKILL at random points)", () => {
  it("after each kill the archive verifies, the case is wholly present or wholly absent, and a re-run completes it", async () => {
    // a reference load, not killed: the complete row counts
    const ref = join(tmp, "ref");
    const r = await initArchive(ref, { actor: "t" });
    const rc = readCase();
    const t0 = Date.now();
    await loadCase(r, rc, { actor: "t" });
    const loadMs = Date.now() - t0; // kills are spread over 4 times the (warm, in-process) load's duration
    await r.close();
    const complete = await caseRowCounts(ref);
    const empty = Object.fromEntries(CLAIMS_TABLES.map((t) => [t, 0]));

    const rng = createRng(20261128);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const dir = join(tmp, `k${i}`);
      const a = await initArchive(dir, { actor: "t" });
      await a.close();
      const delay = Math.floor(rng.uniform() * 4 * loadMs);
      outcomes.push(`${delay}ms:${await loadAndKill(dir, delay)}`);
      const counts = await caseRowCounts(dir);
      expect([JSON.stringify(empty), JSON.stringify(complete)], `after kill at ${delay} ms`).toContain(JSON.stringify(counts));
      const ro = await openArchive(dir, { readonly: true });
      const rep = await verifyArchive(ro);
      await ro.close();
      expect(rep.failures, `after kill at ${delay} ms`).toEqual([]);
      // re-run: completes (or finds it complete), and the archive verifies
      const again = await openArchive(dir);
      const res = await loadStarterCase(again, { actor: "t" });
      await again.close();
      expect(res.status).toBe(JSON.stringify(counts) === JSON.stringify(empty) ? "loaded" : "already-loaded");
      expect(await caseRowCounts(dir)).toEqual(complete);
      const ro2 = await openArchive(dir, { readonly: true });
      expect((await verifyArchive(ro2)).ok).toBe(true);
      await ro2.close();
    }
    expect(outcomes).toHaveLength(4);
  }, 120_000);
});
