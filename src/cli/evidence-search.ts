/**
 * `organ-audit evidence search|capture|import-files|reindex` (content and search). Adds its
 * subcommands to the `evidence` group created by src/cli/evidence.ts, whichever registers first.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Command } from "commander";
import { OrganAuditError, isOrganAuditError } from "../core/errors.js";
import { captureUrl } from "../evidence/capture/capture.js";
import { RANK_THRESHOLD, SearchIndex, type SearchOptions, type SearchResponse } from "../evidence/search/index-store.js";
import { ensureSearchSchema, searchSchemaState } from "../evidence/search/migration.js";
import { reindexArchiveWith, searchArchiveWith } from "../evidence/search/backend.js";
import { openArchive, resolveArchiveDb, resolveArchiveDir, type Archive } from "../evidence/store/archive.js";
import { ingestFile } from "../evidence/store/ingest.js";
import { paths } from "../evidence/store/layout.js";
import { EVIDENCE_TYPES, isEvidenceType } from "../evidence/store/taxonomy.js";
import { evidenceGroup, openForCli } from "./evidence.js";
import type { CliContext } from "./main.js";
import { EXIT, printJson } from "./io.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function actor(o: { actor?: string }): string {
  if (o.actor) return o.actor;
  if (process.env.ORGAN_AUDIT_ACTOR) return process.env.ORGAN_AUDIT_ACTOR;
  try {
    return userInfo().username || "organ-audit";
  } catch {
    return "organ-audit";
  }
}

function positiveInt(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new OrganAuditError("E_USAGE", { detail: `${name} expects a positive integer, got "${v}"` });
    return n;
  };
}

function checkType(t: string, field: string): void {
  if (!isEvidenceType(t)) throw new OrganAuditError("EV_ARCH_BAD_TYPE", { value: t, allowed: Object.keys(EVIDENCE_TYPES).join(", ") }, { field });
}

/** `{ db }` from $ORGAN_AUDIT_ARCHIVE_DB when set (otherwise the archive's config says where its tables are). */
function dbOption(): { db?: string } {
  const db = resolveArchiveDb(undefined);
  return db !== undefined ? { db } : {};
}

async function withArchive<T>(dir: string, fn: (a: Archive) => Promise<T>): Promise<T> {
  const a = await openForCli(dir);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** Search an archive folder: a read-only connection beside the archive (WAL lets it run during writes). */
export function searchArchive(dir: string, query: string, opts: SearchOptions = {}): ReturnType<SearchIndex["search"]> {
  const db = new Database(paths(dir).db, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_doc'").get();
    if (!has) throw new OrganAuditError("EV_SEARCH_NO_INDEX", { dir });
    return new SearchIndex(db).search(query, opts);
  } finally {
    db.close();
  }
}

/** State of the search schema of an archive folder ("none" without a database or index), read-only. */
export function indexSchemaState(dir: string): "current" | "legacy" | "none" {
  const file = paths(dir).db;
  if (!existsSync(file)) return "none";
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return searchSchemaState(db);
  } finally {
    db.close();
  }
}

/** Files under the given paths (directories walked when recursive), sorted, symlinks not followed. */
export function listFiles(inputs: string[], recursive: boolean): string[] {
  const out: string[] = [];
  const walk = (p: string, depth: number): void => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new OrganAuditError("E_FILE_NOT_FOUND", { file: p });
    if (st.isFile()) out.push(p);
    else if (st.isDirectory()) {
      if (depth > 0 && !recursive) return;
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        const cst = statSync(child, { throwIfNoEntry: false });
        if (!cst || (cst.isDirectory() && !recursive)) continue;
        walk(child, depth + 1);
      }
    }
  };
  for (const i of inputs) walk(resolve(i), 0);
  return [...new Set(out)];
}

interface Common {
  archive?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const ev = evidenceGroup(program);
  const common = (c: Command): Command =>
    c.option("--archive <dir>", "archive folder (default: $ORGAN_AUDIT_ARCHIVE or ./evidence-archive)").option("--json", "machine-readable output");

  common(ev.command("search"))
    .description(
      "full-text search in Chinese and English: simplified/traditional folding, Chinese substrings without spaces, English stemming; \"quoted phrases\", -excluded terms",
    )
    .argument("<query...>", "search terms (all must match)")
    .option("--type <type>", "evidence type filter (repeatable)", collect, [])
    .option("--language <tag>", "language filter, e.g. zh (matches zh-Hans, zh-Hant), en (repeatable)", collect, [])
    .option("--from <date>", "captured on or after YYYY-MM-DD")
    .option("--to <date>", "captured on or before YYYY-MM-DD")
    .option("--tag <tag>", "required tag (repeatable)", collect, [])
    .option("--limit <n>", "maximum number of items (default 20)", positiveInt("--limit"), 20)
    .option("--context <n>", "characters of context before the first match (default 30)", positiveInt("--context"), 30)
    .option("--rank-all", `rank every match by bm25 even when more than ${RANK_THRESHOLD} texts match (slower for common terms)`)
    .option("--count", `count every match exactly when more than ${RANK_THRESHOLD} texts match (default: "more than ${RANK_THRESHOLD}")`)
    .action(async (words: string[], o: Common & { type: string[]; language: string[]; from?: string; to?: string; tag: string[]; limit: number; context: number; rankAll?: boolean; count?: boolean }) => {
      for (const t of o.type) checkType(t, "--type");
      const dir = resolve(resolveArchiveDir(o.archive));
      // read-only: validates the folder without touching it (a writable open would clean DIR/tmp, where a
      // concurrent import may be writing); an archive without the search schema gets EV_SEARCH_NO_INDEX
      const a = await openArchive(dir, { readonly: true, ...dbOption() });
      if (a.dialect === "postgres") {
        // PostgreSQL: the trigram index in the same database (no legacy FTS5 index to upgrade)
        try {
          const r = await searchArchiveWith(a, words.join(" "), searchOptions(o));
          printSearch(r, o.json === true);
        } finally {
          await a.close();
        }
        return;
      }
      await a.close();
      // an index of the older schema (search-0001) is upgraded once by opening the archive for writing
      // (the migration runs on open; ensureSearchSchema also repairs an index whose FTS5 table is missing)
      if (indexSchemaState(dir) === "legacy") {
        await withArchive(dir, (w) => {
          if (w.sqliteHandle) ensureSearchSchema(w.sqliteHandle);
          return Promise.resolve();
        });
      }
      printSearch(searchArchive(dir, words.join(" "), searchOptions(o)), o.json === true);
    });

  function searchOptions(o: { type: string[]; language: string[]; from?: string; to?: string; tag: string[]; limit: number; context: number; rankAll?: boolean; count?: boolean }): SearchOptions {
    return {
      types: o.type,
      languages: o.language,
      tags: o.tag,
      limit: o.limit,
      snippet: { context: o.context },
      ...(o.from ? { from: o.from } : {}),
      ...(o.to ? { to: o.to } : {}),
      ...(o.rankAll ? { rankThreshold: Number.MAX_SAFE_INTEGER - 1 } : {}),
      ...(o.count ? { exactTotal: true } : {}),
    };
  }

  function printSearch(r: SearchResponse, json: boolean): void {
      if (json) {
        printJson(ctx.io, {
          query: r.query,
          terms: r.terms.map((t) => ({ term: t.raw, folded: t.folded, index: t.kind, excluded: t.negated })),
          ranking: r.ranking,
          total: r.total,
          results: r.results,
        });
        return;
      }
      if (r.results.length === 0) ctx.io.out("no matches");
      else if (r.total) {
        const n = r.total.relation === "eq" ? `${r.total.texts}` : `more than ${r.total.texts - 1} (--count counts them)`;
        ctx.io.out(`${n} matching text(s); ${r.ranking?.method === "recency" ? "most recently indexed first, NOT ranked by relevance (--rank-all ranks every match)" : r.ranking?.method === "occurrences" ? r.ranking.description : "ranked by bm25"}`);
      }
      for (const x of r.results) {
        ctx.io.out(`${x.id}  ${x.evidenceType ?? "-"}  ${x.capturedAt?.slice(0, 10) ?? "-"}  ${x.title ?? ""}`);
        ctx.io.out(`  ${x.snippet}`);
      }
  }

  common(ev.command("capture"))
    .description("fetch a web page over HTTP(S) and store it as WARC 1.1 records, the original body and its decoded text; optionally a screenshot and PDF through headless Chromium")
    .argument("<url>", "http:// or https:// URL")
    .option("--type <type>", `evidence type (${Object.keys(EVIDENCE_TYPES).join(", ")})`, "hospital-web-page")
    .option("--language <tag>", "language of the page (default: from <html lang> or guessed)")
    .option("--source <text>", "source note or data-package source id")
    .option("--tag <tag>", "free tag (repeatable)", collect, [])
    .option("--note <text>", "note")
    .option("--screenshot", "also store a full-page PNG screenshot (Chromium)")
    .option("--pdf", "also store a print-to-PDF rendering (Chromium)")
    .option("--timeout <ms>", "timeout of the whole capture in milliseconds (default 30000)", positiveInt("--timeout"), 30_000)
    .option("--max-bytes <n>", "size limit of a response body (default 52428800)", positiveInt("--max-bytes"), 50 * 1024 * 1024)
    .option("--actor <name>", "who captures")
    .action(
      async (
        url: string,
        o: Common & { type: string; language?: string; source?: string; tag: string[]; note?: string; screenshot?: boolean; pdf?: boolean; timeout: number; maxBytes: number; actor?: string },
      ) => {
        checkType(o.type, "--type");
        const r = await withArchive(resolve(resolveArchiveDir(o.archive)), (a) =>
          captureUrl(
            a,
            url,
            {
              evidenceType: o.type,
              addedBy: actor(o),
              tags: o.tag,
              ...(o.language ? { language: o.language } : {}),
              ...(o.source ? { source: o.source } : {}),
              ...(o.note ? { note: o.note } : {}),
            },
            { timeoutMs: o.timeout, maxBytes: o.maxBytes, screenshot: o.screenshot ?? false, pdf: o.pdf ?? false },
          ),
        );
        if (o.json) printJson(ctx.io, r);
        else {
          ctx.io.out(`${r.existing ? "re-captured" : "captured"} ${r.finalUrl} (HTTP ${r.status}${r.redirects ? `, ${r.redirects} redirect(s)` : ""}) as ${r.id}`);
          ctx.io.out(`  sha256 ${r.sha256}  ${r.size} bytes  ${r.mime}${r.charset ? `  charset ${r.charset}` : ""}  language ${r.language ?? "-"}`);
          ctx.io.out(`  warc ${r.warcId}${r.textId ? `  text ${r.textId}` : ""}${r.screenshotId ? `  screenshot ${r.screenshotId}` : ""}${r.pdfId ? `  pdf ${r.pdfId}` : ""}`);
          for (const w of r.warnings) ctx.io.err(`note: ${w}`);
        }
      },
    );

  common(ev.command("import-files"))
    .description("bulk import of local files (HTML, PDF, text, images, ...) with their extracted text; re-running completes an interrupted import")
    .argument("<paths...>", "files or folders")
    .option("-r, --recursive", "walk folders recursively")
    .option("--type <type>", `evidence type of every file (${Object.keys(EVIDENCE_TYPES).join(", ")})`, "other")
    .option("--language <tag>", "language of every file (default: detected per file)")
    .option("--source <text>", "source note")
    .option("--tag <tag>", "free tag (repeatable)", collect, [])
    .option("--actor <name>", "who imports")
    .action(async (inputs: string[], o: Common & { recursive?: boolean; type: string; language?: string; source?: string; tag: string[]; actor?: string }) => {
      checkType(o.type, "--type");
      const files = listFiles(inputs, o.recursive ?? false);
      const results: { file: string; id?: string; sha256?: string; existing?: boolean; duplicateOf?: string | null; textId?: string | null; noText?: string; error?: { code: string; message: string } }[] = [];
      await withArchive(resolve(resolveArchiveDir(o.archive)), async (a) => {
        for (const f of files) {
          try {
            const r = await ingestFile(a, f, {
              evidenceType: o.type,
              addedBy: actor(o),
              tags: o.tag,
              ...(o.language ? { language: o.language } : {}),
              ...(o.source ? { source: o.source } : {}),
            });
            results.push({ file: f, id: r.id, sha256: r.sha256, existing: r.existing, duplicateOf: r.duplicateOf ?? null, textId: r.textId, ...(r.noText ? { noText: r.noText } : {}) });
          } catch (e) {
            if (!isOrganAuditError(e)) throw e;
            results.push({ file: f, error: { code: e.code, message: e.message } });
          }
        }
      });
      const failed = results.filter((r) => r.error).length;
      const added = results.filter((r) => r.id && !r.existing).length;
      if (o.json) printJson(ctx.io, { files: results.length, added, existing: results.length - added - failed, failed, results });
      else {
        for (const r of results) {
          if (r.error) ctx.io.err(`refused ${r.file}: [${r.error.code}] ${r.error.message}`);
          else ctx.io.out(`${r.existing ? "present" : "added  "} ${r.id} ${r.file}${r.duplicateOf ? ` (same bytes as ${r.duplicateOf})` : ""}${r.noText ? ` (no text: ${r.noText})` : ""}`);
        }
        ctx.io.out(`${results.length} file(s): ${added} added, ${results.length - added - failed} already present, ${failed} refused`);
      }
      if (failed > 0) ctx.setExit(EXIT.usage);
    });

  common(ev.command("reindex"))
    .description("rebuild the search index from the archive's stored texts (the index is derived data)")
    .action(async (o: Common) => {
      const dir = resolve(resolveArchiveDir(o.archive));
      if (!existsSync(dir)) throw new OrganAuditError("EV_ARCH_NOT_FOUND", { dir });
      const r = await withArchive(dir, (a) => reindexArchiveWith(a));
      if (o.json) printJson(ctx.io, r);
      else ctx.io.out(`search index rebuilt: ${r.texts} text(s)`);
    });
}
