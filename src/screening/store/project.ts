/**
 * The screening project store: one SQLite file (better-sqlite3) holding the imported records, the import
 * log (file, format, SHA-256), duplicate links from dedupe and the append-only decision log. Adapter (I/O).
 *
 * Schema version 1 (PRAGMA user_version = 1):
 *   imports(id INTEGER PK, file, format, sha256 UNIQUE, bytes, encoding, n_records, imported_at)
 *   records(id TEXT PK, import_id → imports, ordinal, title, doi, year, language, json,
 *           duplicate_of TEXT NULL → records.id, duplicate_reason, duplicate_similarity)
 *   decisions(seq INTEGER PK AUTOINCREMENT, record_id, stage, reviewer, decision, reason_code, note,
 *             time, resolution INTEGER 0/1)
 *   meta(key TEXT PK, value TEXT)
 * Other modules may add their own tables (CREATE TABLE IF NOT EXISTS …) through `project.db`; they must
 * not change these. Every write is one transaction: an import either lands completely or not at all.
 */
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { OrganAuditError } from "../../core/errors.js";
import type { DedupeResult } from "../dedupe/dedupe.js";
import type { ImportedFile } from "../records/import-file.js";
import type { ScreeningRecord } from "../records/record.js";
import type { Decision } from "../review/decision.js";

export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS imports (
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  encoding TEXT NOT NULL,
  n_records INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  ordinal INTEGER NOT NULL,
  title TEXT NOT NULL,
  doi TEXT,
  year INTEGER,
  language TEXT NOT NULL,
  json TEXT NOT NULL,
  duplicate_of TEXT REFERENCES records(id),
  duplicate_reason TEXT,
  duplicate_similarity REAL
);
CREATE INDEX IF NOT EXISTS records_import ON records(import_id, ordinal);
CREATE TABLE IF NOT EXISTS decisions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason_code TEXT,
  note TEXT,
  time TEXT NOT NULL,
  resolution INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS decisions_record ON decisions(record_id, stage);
`;

export interface ImportRow {
  id: number;
  file: string;
  format: string;
  sha256: string;
  bytes: number;
  encoding: string;
  nRecords: number;
  importedAt: string;
}

export interface StoredRecord {
  record: ScreeningRecord;
  importId: number;
  duplicateOf: string | null;
  duplicateReason: string | null;
  duplicateSimilarity: number | null;
}

export class ScreeningProject {
  private constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {}

  /** Open a project file; with `create`, make it (and its schema) if it does not exist. */
  static open(path: string, opts: { create?: boolean } = {}): ScreeningProject {
    if (!opts.create && !existsSync(path)) {
      throw new OrganAuditError("SC_STORE", { detail: `no project at ${path} (create one with "screen import --project ${path} FILE")` }, { file: path });
    }
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        db.close();
        throw new OrganAuditError("SC_STORE_VERSION", { found: version, supported: SCHEMA_VERSION }, { file: path });
      }
      if (version < SCHEMA_VERSION) {
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }
    } catch (e) {
      if (e instanceof OrganAuditError) throw e;
      throw new OrganAuditError("SC_STORE", { detail: `cannot open ${path}: ${(e as Error).message}` }, { file: path });
    }
    return new ScreeningProject(path, db);
  }

  close(): void {
    this.db.close();
  }

  /** Add one imported file's records, all or nothing. A file already imported (same SHA-256) or a record id already present is an error. */
  addImport(imp: ImportedFile, importedAt: string): ImportRow {
    const tx = this.db.transaction((): ImportRow => {
      const prev = this.db.prepare("SELECT file FROM imports WHERE sha256 = ?").get(imp.sha256) as { file: string } | undefined;
      if (prev) {
        throw new OrganAuditError("SC_STORE", { detail: `this file's content was already imported (as ${prev.file}); nothing was imported` }, { file: imp.file });
      }
      const info = this.db
        .prepare("INSERT INTO imports (file, format, sha256, bytes, encoding, n_records, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(imp.file, imp.format, imp.sha256, imp.bytes, imp.encoding, imp.records.length, importedAt);
      const importId = Number(info.lastInsertRowid);
      const ins = this.db.prepare(
        "INSERT INTO records (id, import_id, ordinal, title, doi, year, language, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      );
      const exists = this.db.prepare("SELECT 1 FROM records WHERE id = ?");
      imp.records.forEach((r, i) => {
        if (exists.get(r.id)) {
          throw new OrganAuditError("SC_STORE", { detail: `record id "${r.id}" is already in the project; nothing was imported` }, { file: imp.file, line: r.source.line });
        }
        ins.run(r.id, importId, i, r.title, r.doi, r.year, r.language, JSON.stringify(r));
      });
      return { id: importId, file: imp.file, format: imp.format, sha256: imp.sha256, bytes: imp.bytes, encoding: imp.encoding, nRecords: imp.records.length, importedAt };
    });
    return tx();
  }

  imports(): ImportRow[] {
    return (this.db.prepare("SELECT * FROM imports ORDER BY id").all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as number,
      file: r.file as string,
      format: r.format as string,
      sha256: r.sha256 as string,
      bytes: r.bytes as number,
      encoding: r.encoding as string,
      nRecords: r.n_records as number,
      importedAt: r.imported_at as string,
    }));
  }

  /** Records in import order; duplicates removed by dedupe are left out unless asked for. */
  records(opts: { includeDuplicates?: boolean } = {}): ScreeningRecord[] {
    return this.stored(opts).map((s) => s.record);
  }

  stored(opts: { includeDuplicates?: boolean } = {}): StoredRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM records ${opts.includeDuplicates ? "" : "WHERE duplicate_of IS NULL"} ORDER BY import_id, ordinal`)
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({
      record: JSON.parse(r.json as string) as ScreeningRecord,
      importId: r.import_id as number,
      duplicateOf: (r.duplicate_of as string | null) ?? null,
      duplicateReason: (r.duplicate_reason as string | null) ?? null,
      duplicateSimilarity: (r.duplicate_similarity as number | null) ?? null,
    }));
  }

  /**
   * Record a dedupe run over all records (it replaces any earlier run): removed records point to the
   * record kept; kept records store their merged version (empty fields filled from their duplicates).
   */
  applyDedupe(result: DedupeResult): void {
    const tx = this.db.transaction(() => {
      this.db.prepare("UPDATE records SET duplicate_of = NULL, duplicate_reason = NULL, duplicate_similarity = NULL").run();
      const upd = this.db.prepare("UPDATE records SET duplicate_of = ?, duplicate_reason = ?, duplicate_similarity = ? WHERE id = ?");
      for (const g of result.groups) for (const l of g.removed) upd.run(g.kept, l.reason, l.similarity, l.id);
      const kept = new Set(result.groups.map((g) => g.kept));
      const js = this.db.prepare("UPDATE records SET json = ?, doi = ?, year = ? WHERE id = ?");
      for (const r of result.records) if (kept.has(r.id)) js.run(JSON.stringify(r), r.doi, r.year, r.id);
    });
    tx();
  }

  /** Append a decision to the log; the store assigns `seq`. */
  appendDecision(d: Omit<Decision, "seq">): Decision {
    const info = this.db
      .prepare("INSERT INTO decisions (record_id, stage, reviewer, decision, reason_code, note, time, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(d.recordId, d.stage, d.reviewer, d.decision, d.reasonCode, d.note, d.time, d.resolution ? 1 : 0);
    return { ...d, seq: Number(info.lastInsertRowid) };
  }

  decisions(): Decision[] {
    return (this.db.prepare("SELECT * FROM decisions ORDER BY seq").all() as Record<string, unknown>[]).map((r) => ({
      seq: r.seq as number,
      recordId: r.record_id as string,
      stage: r.stage as Decision["stage"],
      reviewer: r.reviewer as string,
      decision: r.decision as Decision["decision"],
      reasonCode: (r.reason_code as string | null) ?? null,
      note: (r.note as string | null) ?? null,
      time: r.time as string,
      resolution: r.resolution === 1,
    }));
  }

  /**
   * Attach full texts to records already in the project, all or nothing. A full text matches the record
   * whose id is `key`, or ends in `:key`, or whose source id is `key` (e.g. a CNKI file name); no match,
   * or more than one, is an error naming the file.
   */
  attachFullTexts(items: { key: string; file: string; text: string }[]): string[] {
    const tx = this.db.transaction((): string[] => {
      const rows = this.db.prepare("SELECT id, json FROM records").all() as { id: string; json: string }[];
      const upd = this.db.prepare("UPDATE records SET json = ? WHERE id = ?");
      const done: string[] = [];
      for (const it of items) {
        const hits = rows.filter((r) => {
          if (r.id === it.key || r.id.endsWith(`:${it.key}`)) return true;
          return (JSON.parse(r.json) as ScreeningRecord).source.sourceId === it.key;
        });
        if (hits.length !== 1) {
          throw new OrganAuditError("SC_STORE", { detail: `${hits.length === 0 ? "no record" : `${hits.length} records`} match the full text "${it.key}" (by id or source id); nothing was attached` }, { file: it.file });
        }
        const rec = JSON.parse(hits[0]!.json) as ScreeningRecord;
        rec.fullText = it.text;
        upd.run(JSON.stringify(rec), rec.id);
        done.push(rec.id);
      }
      return done;
    });
    return tx();
  }

  hasRecord(id: string): boolean {
    return this.db.prepare("SELECT 1 FROM records WHERE id = ?").get(id) !== undefined;
  }
}
