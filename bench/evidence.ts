/**
 * Evidence search benchmark. Run: node --import tsx bench/evidence.ts [--docs N] [--archive-sample N] [--quick]
 *
 * Corpus: N (default 100,000) generated mixed Chinese/English documents (bench/evidence-corpus.ts, seeded).
 * Three engines in the same run, on the same texts:
 *  1. the tool: SearchIndex (folding with OpenCC + NFKC, jieba segmentation, one FTS5 table with columns
 *     words / Han bigrams / pinyin of titles, tags, bm25 ranking of up to RANK_THRESHOLD matches, most
 *     recently indexed first beyond that (said in the response), snippets), batches of 1,000 per transaction, WAL + synchronous=FULL like the archive;
 *  2. the raw engine: one plain FTS5 trigram table over the raw texts, same batches and pragmas; queries are
 *     `MATCH` with `ORDER BY rank LIMIT 20` plus `snippet()`, or LIKE for 1-2 characters (no folding, no
 *     stemming: it misses traditional/simplified variants, which the match counts show);
 *  3. a full scan: `grep -c -F` over the same texts written one document per line into 100 files.
 * Also timed: the full archive path (the archive's addItem with its derived text: blob store with fsync, custody log
 * entry, index) on a sample (default 1,000 documents), reported on its own: it does far more than indexing.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { RANK_THRESHOLD, SearchIndex } from "../src/evidence/search/index-store.js";
import { fold } from "../src/evidence/search/normalize.js";
import { ftsPlan, parseQuery } from "../src/evidence/search/query.js";
import { generateCorpus } from "./evidence-corpus.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} expects a positive integer`);
  return v;
}

const quick = process.argv.includes("--quick");
const N = arg("--docs", quick ? 10_000 : 100_000);
const SAMPLE = arg("--archive-sample", quick ? 200 : 1_000);
const BATCH = 1_000;
const REPS = quick ? 5 : 20;

const QUERIES = [
  "器官移植中心", // 6 Han characters: bigram phrase in the tool, trigram in the raw engine
  "肝移植", // 3
  "肾脏", // 2: one bigram token in the tool; LIKE in the raw engine
  "醫院", // traditional, 2: folded to 医院
  "移植發展基金會", // traditional 7: folded trigram
  "卫医发", // 3 characters, a few % of documents
  "transplant", // English stemming in the tool; substring in the raw engine
  '"waiting time"',
  "等待时间 liver", // mixed
  "immunosuppression",
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

function fmt(x: number, d = 2): string {
  return x.toFixed(d);
}

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  return db;
}

const work = mkdtempSync(join(tmpdir(), "oa-bench-evidence-"));
try {
  console.log(`corpus: generating ${N} documents (seed 20261128)...`);
  const t0 = performance.now();
  const docs = generateCorpus(N);
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text, "utf8"), 0);
  const MB = bytes / 1024 / 1024;
  console.log(`corpus: ${N} documents, ${fmt(MB, 1)} MB UTF-8, generated in ${fmt((performance.now() - t0) / 1000, 1)} s`);

  // --- 1. the tool and 2. the raw engine, batch by batch in turn: on a shared machine the load changes
  // during a run, and alternating batches exposes both engines to the same conditions. Wall time and the
  // process's CPU time (user + system, less sensitive to other processes) are summed per engine.
  const toolDb = openDb(join(work, "tool.db"));
  const idx = new SearchIndex(toolDb);
  const rawDb = openDb(join(work, "raw.db"));
  rawDb.exec("CREATE VIRTUAL TABLE raw USING fts5(text, tokenize='trigram')");
  const ins = rawDb.prepare("INSERT INTO raw (rowid, text) VALUES (?, ?)");
  let toolImportS = 0;
  let rawImportS = 0;
  let toolCpuS = 0;
  let rawCpuS = 0;
  const timed = (f: () => void): [number, number] => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    f();
    const c = process.cpuUsage(c0);
    return [(performance.now() - w0) / 1000, (c.user + c.system) / 1e6];
  };
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    const [tw, tc] = timed(() => {
      idx.addMany(batch.map((d) => ({ itemId: d.id, sha256: "0".repeat(64), text: d.text, evidenceType: d.type, capturedAt: d.date, tags: [d.type] })));
    });
    const [rw, rc] = timed(() => {
      rawDb.transaction(() => {
        for (let k = 0; k < batch.length; k++) ins.run(i + k + 1, batch[k]!.text);
      })();
    });
    toolImportS += tw;
    toolCpuS += tc;
    rawImportS += rw;
    rawCpuS += rc;
  }
  let t: number;

  // --- 3. files for grep ---
  const gdir = join(work, "grep");
  mkdirSync(gdir);
  const files: string[] = [];
  const per = Math.ceil(N / 100);
  for (let f = 0; f * per < N; f++) {
    const file = join(gdir, `part-${String(f).padStart(3, "0")}.txt`);
    writeFileSync(file, docs.slice(f * per, (f + 1) * per).map((d) => d.text.replace(/\n/g, " ")).join("\n") + "\n");
    files.push(file);
  }

  console.log("\n### Import");
  console.log("engine                                   seconds    MB/s   items/s   ratio vs raw");
  const row = (name: string, s: number, n: number, mb: number, ratio: string): void =>
    console.log(`${name.padEnd(40)} ${fmt(s).padStart(7)} ${fmt(mb / s).padStart(7)} ${fmt(n / s, 0).padStart(9)}   ${ratio}`);
  row("raw FTS5 trigram inserts", rawImportS, N, MB, "1.00");
  row("tool: SearchIndex.addMany", toolImportS, N, MB, `${fmt(toolImportS / rawImportS)}x the raw time`);
  console.log(`CPU seconds (user + system of this process): raw ${fmt(rawCpuS)}, tool ${fmt(toolCpuS)} (${fmt(toolCpuS / rawCpuS)}x); batches of ${BATCH} alternate between the two engines`);

  // --- full archive path on a sample ---
  try {
    const { openArchive } = await import("../src/evidence/store/archive.js");
    const { attachIndexer } = await import("../src/evidence/search/index-writer.js");
    const a = await openArchive(join(work, "archive"), { create: true, actor: "bench" });
    attachIndexer(a);
    const sample = docs.slice(0, SAMPLE);
    const sampleMB = sample.reduce((n, d) => n + Buffer.byteLength(d.text, "utf8"), 0) / 1024 / 1024;
    t = performance.now();
    for (const d of sample) {
      await a.addItem({
        bytes: Buffer.from(d.text, "utf8"),
        filename: `${d.id}.txt`,
        mime: "text/plain",
        evidenceType: d.type,
        addedBy: "bench",
        capturedAt: d.date,
        derived: [{ kind: "text", text: d.text, method: "bench", mime: "text/plain; charset=utf-8" }],
      });
    }
    const s = (performance.now() - t) / 1000;
    await a.close();
    row(`full archive add (sample of ${SAMPLE})`, s, SAMPLE, sampleMB, "(blob fsync + custody log + index per item)");
  } catch (e) {
    console.log(`full archive add: skipped (${e instanceof Error ? e.message : String(e)})`);
  }

  // --- queries ---
  // rare terms taken from the corpus itself: one hospital name and one document reference
  const hosp = /[\p{Script=Han}]{2}市第[一二三四五六七八]人民医院/u.exec(docs[Math.floor(N / 2)]!.text + docs.map((d) => d.text).find((t) => /市第.人民医院/.test(t)))?.[0];
  const ref = /TX-\d{6}/.exec(docs.slice(Math.floor(N / 3)).map((d) => d.text).find((t) => /TX-\d{6}/.test(t)) ?? "")?.[0];
  if (hosp) QUERIES.push(hosp);
  if (ref) QUERIES.push(ref);
  const rawMatch = rawDb.prepare("SELECT rowid, snippet(raw, 0, '[', ']', '…', 12) AS s FROM raw WHERE raw MATCH ? ORDER BY rank LIMIT 20");
  const rawLike = rawDb.prepare("SELECT rowid, substr(text, 1, 60) AS s FROM raw WHERE text LIKE ? LIMIT 20");
  const rawCount = rawDb.prepare("SELECT count(*) AS n FROM raw WHERE raw MATCH ?");
  const rawLikeCount = rawDb.prepare("SELECT count(*) AS n FROM raw WHERE text LIKE ?");
  const rawQuery = (q: string): { run: () => unknown; count: () => number } => {
    // the raw engine gets the query as typed: phrase for the whole string, LIKE below 3 characters
    const term = q.replace(/"/g, "");
    // a quoted query is one phrase (FTS5 trigram phrase = substring), as for the tool
    const parts = /^".*"$/.test(q) ? [term] : term.split(/\s+/);
    if (parts.some((p) => [...p].length < 3)) {
      const pat = `%${parts[0]}%`;
      return { run: () => rawLike.all(pat), count: () => (rawLikeCount.get(pat) as { n: number }).n };
    }
    const m = parts.map((p) => `"${p}"`).join(" AND ");
    return { run: () => rawMatch.all(m), count: () => (rawCount.get(m) as { n: number }).n };
  };
  // ripgrep is a second scan peer when installed; say so when it is absent
  const rg = spawnSync("rg", ["--version"], { encoding: "utf8" });
  const hasRg = rg.status === 0;
  if (!hasRg) console.log("\nrg (ripgrep): not installed, so that scan peer is skipped; grep is the scan peer");
  const grepFor = (q: string): string => (/^".*"$/.test(q) ? q.replace(/"/g, "") : q.replace(/"/g, "").split(/\s+/)[0]!);
  const measure = (title: string, queries: string[]): void => {
    console.log(`\n### ${title} (ms, ${REPS} repetitions per query; top 20 with snippets)`);
    console.log("query                  tool p50  p95   raw p50  p95   grep p50   tool/raw  grep/tool   +count p50   matches tool/raw/grep");
    const allTool: number[] = [];
    const allRaw: number[] = [];
    const allGrep: number[] = [];
    const allRg: number[] = [];
    const allCounted: number[] = [];
    for (const q of queries) {
      const tool: number[] = [];
      const raw: number[] = [];
      const grep: number[] = [];
      const rq = rawQuery(q);
      idx.search(q, { limit: 20 }); // warm-up
      rq.run();
      for (let r = 0; r < REPS; r++) {
        let s = performance.now();
        idx.search(q, { limit: 20 });
        tool.push(performance.now() - s);
        s = performance.now();
        rq.run();
        raw.push(performance.now() - s);
      }
      const g = grepFor(q);
      let grepCount = 0;
      for (let r = 0; r < Math.min(REPS, 5); r++) {
        const s = performance.now();
        const res = spawnSync("grep", ["-c", "-F", "--", g, ...files], { encoding: "utf8", maxBuffer: 1 << 26 });
        grep.push(performance.now() - s);
        grepCount = res.stdout.split("\n").filter(Boolean).reduce((n, l) => n + Number(l.split(":").pop()), 0);
      }
      const rgTimes: number[] = [];
      if (hasRg) {
        for (let r = 0; r < Math.min(REPS, 5); r++) {
          const s0 = performance.now();
          spawnSync("rg", ["-c", "-F", "--no-filename", "--", g, ...files], { encoding: "utf8", maxBuffer: 1 << 26 });
          rgTimes.push(performance.now() - s0);
        }
        allRg.push(...rgTimes);
      }
      // tool match count: texts matching (exact, or "at least" when counting stopped) and how it ranked
      const resp = idx.search(q, { limit: 20 });
      // the exact count on request (exactTotal), timed apart: what an investigator pays to know "how many"
      const counted: number[] = [];
      let exact = 0;
      for (let r = 0; r < Math.min(REPS, 5); r++) {
        const s0 = performance.now();
        exact = idx.search(q, { limit: 20, exactTotal: true }).total?.texts ?? 0;
        counted.push(performance.now() - s0);
      }
      allCounted.push(...counted);
      const toolCount = `${exact}${resp.ranking?.method === "recency" ? "*" : ""}`;
      allTool.push(...tool);
      allRaw.push(...raw);
      allGrep.push(...grep);
      const tp50 = pct(tool, 50);
      console.log(
        `${q.padEnd(22)} ${fmt(tp50).padStart(8)} ${fmt(pct(tool, 95)).padStart(5)} ${fmt(pct(raw, 50)).padStart(8)} ${fmt(pct(raw, 95)).padStart(5)} ${fmt(pct(grep, 50)).padStart(9)}   ${fmt(tp50 / pct(raw, 50)).padStart(7)}x ${fmt(pct(grep, 50) / tp50, 0).padStart(8)}x   ${fmt(pct(counted, 50)).padStart(10)}   ${toolCount}/${rq.count()}/${grepCount}`,
      );
    }
    console.log(
      `\nall queries: tool p50 ${fmt(pct(allTool, 50))} ms p95 ${fmt(pct(allTool, 95))} ms; raw p50 ${fmt(pct(allRaw, 50))} ms p95 ${fmt(pct(allRaw, 95))} ms; grep p50 ${fmt(pct(allGrep, 50))} ms`,
    );
    console.log(`tool with an exact count of the matches (exactTotal): p50 ${fmt(pct(allCounted, 50))} ms, p95 ${fmt(pct(allCounted, 95))} ms; grep/tool p50 ${fmt(pct(allGrep, 50) / pct(allCounted, 50), 0)}x`);
    if (hasRg) console.log(`rg p50 ${fmt(pct(allRg, 50))} ms; rg/tool p50 ${fmt(pct(allRg, 50) / pct(allTool, 50), 0)}x`);
    console.log(
      `ratios: tool/raw p50 ${fmt(pct(allTool, 50) / pct(allRaw, 50))}x, p95 ${fmt(pct(allTool, 95) / pct(allRaw, 95))}x; grep/tool p50 ${fmt(pct(allGrep, 50) / pct(allTool, 50), 0)}x (full scan vs index)`,
    );
  };
  measure("Search latency, set 1", QUERIES);
  // set 2: searches like an investigator's, each taken from the corpus at a fixed position (the corpus is not
  // changed for them): a hospital name, a document number in Chinese form, a 4-character Chinese phrase (a
  // city name + 市第) and an English phrase with a number. The generated corpus holds no person names, so
  // that kind is not measured.
  const texts = docs.map((d) => d.text);
  const from = (i: number, re: RegExp): string | undefined => {
    for (let k = 0; k < texts.length; k++) {
      const m = re.exec(texts[(i + k) % texts.length]!);
      if (m) return m[0];
    }
    return undefined;
  };
  const SET2 = [
    from(Math.floor(N / 4), /\p{Script=Han}{2}市第[一二三四五六七八]人民医院/u),
    from(Math.floor((N * 2) / 5), /卫医发〔\d{4}〕\d{6}号/u),
    from(Math.floor((N * 3) / 5), /\p{Script=Han}{2}市第/u),
    from(Math.floor((N * 7) / 10), /reported \d+ liver transplants/),
  ]
    .filter((q): q is string => q !== undefined)
    .map((q) => (q.includes(" ") ? `"${q}"` : q));
  measure("Search latency, set 2 (investigator-like searches)", SET2);
  console.log(
    `notes: match counts differ by design: the tool folds traditional/simplified and full-width forms and stems English ("transplant" also finds transplanted/transplantation); the raw engine and grep match bytes as typed; grep counts lines of the first term only (of the whole phrase for a quoted query); the tool's count is the exact number of matching texts (exactTotal; "+count" is the time of that search); * = more matches than its ranking threshold (${RANK_THRESHOLD}): the tool returned the most recently indexed matches unranked and, without exactTotal, "more than ${RANK_THRESHOLD}" (the response says both).`,
  );
  // sanity: folding is what makes the traditional query find simplified documents
  console.log(`check: fold("移植發展基金會") = ${fold("移植發展基金會")}; one FTS5 expression for '等待时间 liver': ${ftsPlan(parseQuery("等待时间 liver").terms).match ?? "-"}`);
  toolDb.close();
  rawDb.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
