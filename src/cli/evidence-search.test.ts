import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { register as registerCore } from "./evidence.js";
import { register as registerSearch } from "./evidence-search.js";
import { reportError, EXIT } from "./io.js";
import type { CliContext } from "./main.js";

const FIX = new URL("../../test/fixtures/evidence/content/", import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let exit = 0;
  const io = { out: (t: string) => (stdout += t.endsWith("\n") ? t : `${t}\n`), err: (t: string) => (stderr += t.endsWith("\n") ? t : `${t}\n`) };
  const ctx: CliContext = { io, setExit: (c) => (exit = Math.max(exit, c)) };
  const program = new Command().exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerCore(program, ctx);
  registerSearch(program, ctx);
  try {
    await program.parseAsync(["node", "organ-audit", ...args]);
  } catch (e) {
    if (e instanceof CommanderError) return { code: EXIT.usage, stdout, stderr };
    return { code: reportError(io, e, args.includes("--json")), stdout, stderr };
  }
  return { code: exit, stdout, stderr };
}

let dir: string;
let archive: string;
let files: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oa-cli-search-"));
  archive = join(dir, "archive");
  files = join(dir, "in");
  mkdirSync(join(files, "sub"), { recursive: true });
  for (const f of ["hospital_gbk.html", "hospital_big5.html", "hospital_utf8_mixed.html", "notice_zh.pdf", "notice_zh_truncated.pdf", "empty.txt"]) copyFileSync(join(FIX, f), join(files, f));
  copyFileSync(join(FIX, "notice_undeclared_gbk.txt"), join(files, "sub", "notice_undeclared_gbk.txt"));
  copyFileSync(join(FIX, "invalid_encoding.txt"), join(files, "sub", "invalid_encoding.txt"));
  const init = await run(["evidence", "init", "--archive", archive, "--empty", "--json"]);
  expect(init.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("evidence import-files / search / reindex (in-process CLI)", () => {
  it("imports a folder recursively, refusing bad files with clear errors and storing nothing of them", async () => {
    const r = await run(["evidence", "import-files", files, "--recursive", "--type", "hospital-web-page", "--tag", "fixture", "--archive", archive, "--json"]);
    expect(r.code).toBe(EXIT.usage); // some files were refused
    const out = JSON.parse(r.stdout) as { files: number; added: number; failed: number; results: { file: string; id?: string; error?: { code: string } }[] };
    expect(out).toMatchObject({ files: 8, added: 5, failed: 3 });
    const refused = Object.fromEntries(out.results.filter((x) => x.error).map((x) => [x.file.split("/").pop(), x.error!.code]));
    expect(refused).toEqual({ "empty.txt": "EV_ARCH_EMPTY_FILE", "notice_zh_truncated.pdf": "EV_CONTENT_PDF", "invalid_encoding.txt": "EV_CONTENT_ENCODING" });
    // nothing partial: exactly the 5 accepted files are items, and the archive verifies
    const v = await run(["evidence", "verify", "--archive", archive, "--json"]);
    expect(v.code).toBe(0);
    expect((JSON.parse(v.stdout) as { counts: { items: number } }).counts.items).toBe(5);
    const show = await run(["evidence", "search", "移植", "--archive", archive, "--limit", "100", "--json"]);
    expect((JSON.parse(show.stdout) as { results: unknown[] }).results).toHaveLength(4); // gbk, big5, mixed, notice (the PDF has no 移植)
  });
  it("re-running the import finds everything present", async () => {
    const r = await run(["evidence", "import-files", files, "-r", "--type", "hospital-web-page", "--archive", archive, "--json"]);
    const out = JSON.parse(r.stdout) as { added: number; existing: number; failed: number };
    expect(out).toMatchObject({ added: 0, existing: 5, failed: 3 });
  });
  it("prints {results:[{id, sha256, snippet}]} for search --json, with filters", async () => {
    const r = await run(["evidence", "search", "肝脏移植团队", "--archive", archive, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { id: string; sha256: string; snippet: string }[] };
    expect(out.results).toHaveLength(1);
    expect(out.results[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.results[0]!.snippet).toContain("[肝臟移植團隊]");
    const none = await run(["evidence", "search", "移植", "--type", "media-report", "--archive", archive, "--json"]);
    expect((JSON.parse(none.stdout) as { results: unknown[] }).results).toEqual([]);
    const tagged = await run(["evidence", "search", "公民自愿捐献", "--tag", "fixture", "--archive", archive, "--json"]);
    expect((JSON.parse(tagged.stdout) as { results: unknown[] }).results).toHaveLength(1);
  });
  it("rebuilds the index with the same results", async () => {
    const before = JSON.parse((await run(["evidence", "search", "器官", "--archive", archive, "--json"])).stdout) as { results: { id: string }[] };
    const r = await run(["evidence", "reindex", "--archive", archive, "--json"]);
    expect(JSON.parse(r.stdout)).toEqual({ texts: 5 });
    const after = JSON.parse((await run(["evidence", "search", "器官", "--archive", archive, "--json"])).stdout) as { results: { id: string }[] };
    expect(after.results.map((x) => x.id).sort()).toEqual(before.results.map((x) => x.id).sort());
  });
  it("says how results were ranked and how many texts matched; --rank-all ranks every match", async () => {
    const r = JSON.parse((await run(["evidence", "search", "移植", "--archive", archive, "--json"])).stdout) as {
      ranking: { method: string; threshold: number };
      total: { texts: number; relation: string };
      results: unknown[];
    };
    expect(r.ranking).toMatchObject({ method: "bm25", threshold: 1000 });
    expect(r.total).toEqual({ texts: r.results.length, relation: "eq" });
    const all = JSON.parse((await run(["evidence", "search", "移植", "--rank-all", "--archive", archive, "--json"])).stdout) as { ranking: { method: string }; results: unknown[] };
    expect(all.ranking.method).toBe("bm25");
    expect(all.results).toEqual(r.results);
    const counted = JSON.parse((await run(["evidence", "search", "移植", "--count", "--type", "hospital-web-page", "--archive", archive, "--json"])).stdout) as { total: { relation: string } };
    expect(counted.total.relation).toBe("eq");
    const text = await run(["evidence", "search", "移植", "--archive", archive]);
    expect(text.stdout.split("\n")[0]).toMatch(/^\d+ matching text\(s\); ranked by bm25$/);
  });
  it("upgrades an index of the older schema (three FTS5 tables) on the first search", async () => {
    const Database = (await import("better-sqlite3")).default;
    const before = JSON.parse((await run(["evidence", "search", "器官", "--archive", archive, "--json"])).stdout) as { results: { id: string }[] };
    const db = new Database(join(archive, "archive.db"));
    db.exec("DROP TABLE search_fts");
    db.exec("CREATE VIRTUAL TABLE search_words USING fts5(words, content='', contentless_delete=1)");
    db.close();
    const after = await run(["evidence", "search", "器官", "--archive", archive, "--json"]);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as { results: { id: string }[] }).results).toEqual(before.results);
  });
  it("captures a page from a local server and finds it with a traditional query", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(readFileSync(join(FIX, "hospital_gbk.html")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ksjs/index.html`;
      const r = await run(["evidence", "capture", url, "--type", "hospital-web-page", "--tag", "captured", "--archive", archive, "--json"]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { id: string; sha256: string; charset: string; warcId: string; status: number };
      expect(out).toMatchObject({ charset: "gb18030", status: 200 });
      const s = JSON.parse((await run(["evidence", "search", "衛生健康委員會", "--tag", "captured", "--archive", archive, "--json"])).stdout) as { results: { id: string; sha256: string }[] };
      expect(s.results.map((x) => [x.id, x.sha256])).toEqual([[out.id, out.sha256]]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
  it("exits 2 with a clear error for bad input", async () => {
    const r = await run(["evidence", "search", "移植", "--from", "yesterday", "--archive", archive]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("EV_SEARCH_BAD_FILTER");
    const m = await run(["evidence", "search", "移植", "--archive", join(dir, "nope")]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain("EV_ARCH_NOT_FOUND");
    const c = await run(["evidence", "capture", "ftp://127.0.0.1/x", "--archive", archive]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("EV_CAPTURE_URL");
  });
});
