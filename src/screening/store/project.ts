/**
 * One screening project in the screening store (src/screening/store/store.ts): the imported records,
 * the import log (file, format, SHA-256), duplicate links from dedupe, the append-only decision log and
 * per-project settings (meta). Every write is one transaction: an import (or a batch of imports or
 * decisions) either lands completely or not at all. Runs on SQLite and PostgreSQL (kysely). Adapter (I/O).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import type { Dialect } from "../../db/open.js";
import type { DedupeResult } from "../dedupe/dedupe.js";
import type { ImportedFile } from "../records/import-file.js";
import type { ScreeningRecord } from "../records/record.js";
import type { Decision, ScreeningStage } from "../review/decision.js";
import { isUniqueViolation, writeTransaction, type ScreeningDb, type ScreeningRecordsTable } from "./schema.js";

export { SCHEMA_VERSION } from "./schema.js";

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

export interface RecordPage {
  includeDuplicates?: boolean;
  offset?: number;
  limit?: number;
}

/** rows per multi-row INSERT: 12 columns × 200 stays far below both drivers' parameter limits */
const CHUNK = 200;

function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function toStored(r: ScreeningRecordsTable): StoredRecord {
  return {
    record: JSON.parse(r.json) as ScreeningRecord,
    importId: Number(r.import_id),
    duplicateOf: r.duplicate_of ?? null,
    duplicateReason: r.duplicate_reason ?? null,
    duplicateSimilarity: r.duplicate_similarity === null || r.duplicate_similarity === undefined ? null : Number(r.duplicate_similarity),
  };
}

function toDecision(r: ScreeningDb["screening_decisions"]): Decision {
  return {
    seq: Number(r.seq),
    recordId: r.record_id,
    stage: r.stage as Decision["stage"],
    reviewer: r.reviewer,
    decision: r.decision as Decision["decision"],
    reasonCode: r.reason_code ?? null,
    note: r.note ?? null,
    time: r.time,
    resolution: Number(r.resolution) === 1,
  };
}

export class ScreeningProject {
  /** Made by ScreeningStore.project(); `where` names the store in messages (no password). */
  constructor(
    readonly db: Kysely<ScreeningDb>,
    readonly dialect: Dialect,
    readonly id: string,
    readonly name: string,
    readonly where: string,
  ) {}

  /** Add one imported file's records, all or nothing. A file already imported (same SHA-256) or a record id already present is an error. */
  async addImport(imp: ImportedFile, importedAt: string): Promise<ImportRow> {
    return (await this.addImports([imp], importedAt))[0]!;
  }

  /** Add several imported files in one transaction: all of them or none. */
  async addImports(imps: readonly ImportedFile[], importedAt: string): Promise<ImportRow[]> {
    try {
      return await writeTransaction(this.db, async (trx) => {
        const out: ImportRow[] = [];
        for (const imp of imps) out.push(await this.insertImport(trx, imp, importedAt));
        return out;
      });
    } catch (e) {
      if (e instanceof OrganAuditError) throw e;
      // two imports of the same bytes at the same moment (PostgreSQL, several server workers): the loser hits the constraint
      if (isUniqueViolation(e)) {
        throw new OrganAuditError("SC_STORE", { detail: "this file's content or one of its record ids was imported at the same time by another request; nothing was imported" }, { file: imps[0]?.file ?? "" });
      }
      throw e;
    }
  }

  private async insertImport(trx: Transaction<ScreeningDb>, imp: ImportedFile, importedAt: string): Promise<ImportRow> {
    const prev = await trx
      .selectFrom("screening_imports")
      .select("file")
      .where("project_id", "=", this.id)
      .where("sha256", "=", imp.sha256)
      .executeTakeFirst();
    if (prev) {
      throw new OrganAuditError("SC_STORE", { detail: `this file's content was already imported (as ${prev.file}); nothing was imported` }, { file: imp.file });
    }
    // a record id already in the project, or twice in this file, stops the import (first offender in file order)
    const seen = new Set<string>();
    for (const part of chunks(imp.records.map((r) => r.id), 500)) {
      const hit = await trx.selectFrom("screening_records").select("id").where("project_id", "=", this.id).where("id", "in", part).execute();
      for (const h of hit) seen.add(h.id);
    }
    const inFile = new Set<string>();
    for (const r of imp.records) {
      if (seen.has(r.id) || inFile.has(r.id)) {
        throw new OrganAuditError("SC_STORE", { detail: `record id "${r.id}" is already in the project; nothing was imported` }, { file: imp.file, line: r.source.line });
      }
      inFile.add(r.id);
    }
    const ins = await trx
      .insertInto("screening_imports")
      .values({
        project_id: this.id,
        file: imp.file,
        format: imp.format,
        sha256: imp.sha256,
        bytes: imp.bytes,
        encoding: imp.encoding,
        n_records: imp.records.length,
        imported_at: importedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const importId = Number(ins.id);
    const rows = imp.records.map((r, i) => ({
      project_id: this.id,
      id: r.id,
      import_id: importId,
      ordinal: i,
      title: r.title,
      doi: r.doi,
      year: r.year,
      language: r.language,
      json: JSON.stringify(r),
      duplicate_of: null,
      duplicate_reason: null,
      duplicate_similarity: null,
    }));
    for (const part of chunks(rows)) await trx.insertInto("screening_records").values(part).execute();
    return { id: importId, file: imp.file, format: imp.format, sha256: imp.sha256, bytes: imp.bytes, encoding: imp.encoding, nRecords: imp.records.length, importedAt };
  }

  async imports(): Promise<ImportRow[]> {
    const rows = await this.db.selectFrom("screening_imports").selectAll().where("project_id", "=", this.id).orderBy("id").execute();
    return rows.map((r) => ({
      id: Number(r.id),
      file: r.file,
      format: r.format,
      sha256: r.sha256,
      bytes: Number(r.bytes),
      encoding: r.encoding,
      nRecords: Number(r.n_records),
      importedAt: r.imported_at,
    }));
  }

  /** Records in import order; duplicates removed by dedupe are left out unless asked for. */
  async records(opts: RecordPage = {}): Promise<ScreeningRecord[]> {
    return (await this.stored(opts)).map((s) => s.record);
  }

  async stored(opts: RecordPage = {}): Promise<StoredRecord[]> {
    let q = this.db.selectFrom("screening_records").selectAll().where("project_id", "=", this.id);
    if (!opts.includeDuplicates) q = q.where("duplicate_of", "is", null);
    q = q.orderBy("import_id").orderBy("ordinal");
    if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset ?? 0);
    else if (opts.offset !== undefined) q = q.limit(Number.MAX_SAFE_INTEGER).offset(opts.offset);
    return (await q.execute()).map(toStored);
  }

  async recordCount(opts: { includeDuplicates?: boolean } = {}): Promise<number> {
    let q = this.db.selectFrom("screening_records").select((eb) => eb.fn.countAll<number>().as("n")).where("project_id", "=", this.id);
    if (!opts.includeDuplicates) q = q.where("duplicate_of", "is", null);
    return Number((await q.executeTakeFirst())?.n ?? 0);
  }

  /** The record at a 0-based position in import order (duplicates left out unless asked for), or null. */
  async recordAt(index: number, opts: { includeDuplicates?: boolean } = {}): Promise<StoredRecord | null> {
    if (!Number.isInteger(index) || index < 0) return null;
    return (await this.stored({ ...opts, offset: index, limit: 1 }))[0] ?? null;
  }

  async recordById(id: string): Promise<StoredRecord | null> {
    const r = await this.db.selectFrom("screening_records").selectAll().where("project_id", "=", this.id).where("id", "=", id).executeTakeFirst();
    return r ? toStored(r) : null;
  }

  /** Ids of the unique records (not removed by dedupe), in import order. */
  async recordIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("screening_records")
      .select("id")
      .where("project_id", "=", this.id)
      .where("duplicate_of", "is", null)
      .orderBy("import_id")
      .orderBy("ordinal")
      .execute();
    return rows.map((r) => r.id);
  }

  async hasRecord(id: string): Promise<boolean> {
    const r = await this.db.selectFrom("screening_records").select("id").where("project_id", "=", this.id).where("id", "=", id).executeTakeFirst();
    return r !== undefined;
  }

  /**
   * Record a dedupe run over all records (it replaces any earlier run): removed records point to the
   * record kept; kept records store their merged version (empty fields filled from their duplicates).
   */
  async applyDedupe(result: DedupeResult): Promise<void> {
    await writeTransaction(this.db, async (trx) => {
      await trx
        .updateTable("screening_records")
        .set({ duplicate_of: null, duplicate_reason: null, duplicate_similarity: null })
        .where("project_id", "=", this.id)
        .execute();
      for (const g of result.groups)
        for (const l of g.removed)
          await trx
            .updateTable("screening_records")
            .set({ duplicate_of: g.kept, duplicate_reason: l.reason, duplicate_similarity: l.similarity })
            .where("project_id", "=", this.id)
            .where("id", "=", l.id)
            .execute();
      const kept = new Set(result.groups.map((g) => g.kept));
      for (const r of result.records)
        if (kept.has(r.id))
          await trx
            .updateTable("screening_records")
            .set({ json: JSON.stringify(r), doi: r.doi, year: r.year })
            .where("project_id", "=", this.id)
            .where("id", "=", r.id)
            .execute();
    });
  }

  /** Append a decision to the log; the store assigns `seq` (1, 2, … within the project). */
  async appendDecision(d: Omit<Decision, "seq">): Promise<Decision> {
    return (await this.appendDecisions([d]))[0]!;
  }

  /** Append several decisions in one transaction (all or none), with consecutive `seq`. */
  async appendDecisions(ds: readonly Omit<Decision, "seq">[]): Promise<Decision[]> {
    if (ds.length === 0) return [];
    return writeTransaction(this.db, async (trx) => {
      // PostgreSQL: concurrent appends to one project queue on the project row, so seq has no gaps or clashes;
      // SQLite: the connection is held by this transaction
      if (this.dialect === "postgres") await trx.selectFrom("screening_projects").select("id").where("id", "=", this.id).forUpdate().execute();
      const last = await trx
        .selectFrom("screening_decisions")
        .select((eb) => eb.fn.max("seq").as("m"))
        .where("project_id", "=", this.id)
        .executeTakeFirst();
      let seq = Number(last?.m ?? 0);
      const out: Decision[] = ds.map((d) => ({ ...d, seq: ++seq }));
      for (const part of chunks(out))
        await trx
          .insertInto("screening_decisions")
          .values(
            part.map((d) => ({
              project_id: this.id,
              seq: d.seq,
              record_id: d.recordId,
              stage: d.stage,
              reviewer: d.reviewer,
              decision: d.decision,
              reason_code: d.reasonCode,
              note: d.note,
              time: d.time,
              resolution: d.resolution ? 1 : 0,
            })),
          )
          .execute();
      return out;
    });
  }

  /** The decision log in order of `seq`, optionally one stage only. */
  async decisions(opts: { stage?: ScreeningStage } = {}): Promise<Decision[]> {
    let q = this.db.selectFrom("screening_decisions").selectAll().where("project_id", "=", this.id);
    if (opts.stage) q = q.where("stage", "=", opts.stage);
    return (await q.orderBy("seq").execute()).map(toDecision);
  }

  /**
   * Attach full texts to records already in the project, all or nothing. A full text matches the record
   * whose id is `key`, or ends in `:key`, or whose source id is `key` (e.g. a CNKI file name); no match,
   * or more than one, is an error naming the file.
   */
  async attachFullTexts(items: { key: string; file: string; text: string }[]): Promise<string[]> {
    return writeTransaction(this.db, async (trx) => {
      const rows = await trx.selectFrom("screening_records").select(["id", "json"]).where("project_id", "=", this.id).orderBy("import_id").orderBy("ordinal").execute();
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
        const json = JSON.stringify(rec);
        hits[0]!.json = json;
        await trx.updateTable("screening_records").set({ json }).where("project_id", "=", this.id).where("id", "=", rec.id).execute();
        done.push(rec.id);
      }
      return done;
    });
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.db.selectFrom("screening_meta").select("value").where("project_id", "=", this.id).where("key", "=", key).executeTakeFirst();
    return r ? r.value : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto("screening_meta")
      .values({ project_id: this.id, key, value })
      .onConflict((oc) => oc.columns(["project_id", "key"]).doUpdateSet({ value }))
      .execute();
  }

  /** Ids of the unique records (not removed by dedupe) this reviewer has decided at `stage`. */
  async decidedBy(reviewer: string, stage: ScreeningStage): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom("screening_decisions as d")
      .innerJoin("screening_records as r", (j) => j.onRef("r.project_id", "=", "d.project_id").onRef("r.id", "=", "d.record_id"))
      .select("d.record_id")
      .distinct()
      .where("d.project_id", "=", this.id)
      .where("d.reviewer", "=", reviewer)
      .where("d.stage", "=", stage)
      .where("r.duplicate_of", "is", null)
      .execute();
    return new Set(rows.map((r) => r.record_id));
  }

  /**
   * The first unique record, in `order` (record ids, e.g. a stored ranking; ids not in the project are
   * skipped, records missing from it follow in import order) or else in import order, that `reviewer`
   * has not decided at `stage`; null when none is left.
   */
  async nextUndecided(reviewer: string, stage: ScreeningStage, order?: readonly string[]): Promise<StoredRecord | null> {
    if (!order || order.length === 0) {
      const r = await this.db
        .selectFrom("screening_records as r")
        .selectAll("r")
        .where("r.project_id", "=", this.id)
        .where("r.duplicate_of", "is", null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("screening_decisions as d")
                .select(sql`1`.as("one"))
                .whereRef("d.project_id", "=", "r.project_id")
                .whereRef("d.record_id", "=", "r.id")
                .where("d.stage", "=", stage)
                .where("d.reviewer", "=", reviewer),
            ),
          ),
        )
        .orderBy("r.import_id")
        .orderBy("r.ordinal")
        .limit(1)
        .executeTakeFirst();
      return r ? toStored(r) : null;
    }
    const decided = await this.decidedBy(reviewer, stage);
    for (const id of order) {
      if (decided.has(id)) continue;
      const s = await this.recordById(id);
      if (s && s.duplicateOf === null) return s;
    }
    const listed = new Set(order);
    // records imported after the ranking was stored: import order
    for (let offset = 0; ; offset += 500) {
      const page = await this.stored({ offset, limit: 500 });
      if (page.length === 0) return null;
      const hit = page.find((s) => !listed.has(s.record.id) && !decided.has(s.record.id));
      if (hit) return hit;
    }
  }
}
