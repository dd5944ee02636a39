/**
 * Literature screening routes (adapter; thin handlers over src/screening and its store): projects,
 * streamed imports of bibliographic exports, screening rules, the next record to screen with rule
 * highlights, decisions (the reviewer is the signed-in user), conflicts, agreement and the PRISMA flow.
 * Every write is also recorded in the evidence custody log with the user's name as actor.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { OrganAuditError } from "../../core/errors.js";
import { plainFileName } from "../../evidence/content/safe-name.js";
import { IMPORT_FORMATS } from "../../screening/records/detect.js";
import { importBytes } from "../../screening/records/import-file.js";
import type { ScreeningRecord } from "../../screening/records/record.js";
import { prismaSvg } from "../../screening/prisma/svg.js";
import { agreementFinding } from "../../screening/review/agreement-report.js";
import { listConflicts, reviewersAt, stageOutcomes } from "../../screening/review/conflicts.js";
import { DECISION_VALUES, makeDecision, SCREENING_STAGES, type ScreeningStage } from "../../screening/review/decision.js";
import { evaluateRules } from "../../screening/rules/evaluate.js";
import { parseRules, type RuleSet } from "../../screening/rules/parse.js";
import { MODEL_NAMES, type ModelName } from "../../screening/rank/models.js";
import { projectPrismaFinding } from "../../screening/store/prisma-flow.js";
import type { ScreeningProject } from "../../screening/store/project.js";
import { loadRanking, updateRanking } from "../../screening/store/ranking.js";
import type { ServerContext } from "../context.js";
import { registerErrorStatus } from "../errors.js";
import { errorRef, idParams, notFoundResponses, pageQueryProperties, pageSchema } from "../schemas.js";

registerErrorStatus("S_SC_NO_PROJECT", 404);
registerErrorStatus("S_SC_UPLOAD_TOO_LARGE", 413);
registerErrorStatus("SC_STORE_EXISTS", 409);

/** Content types an import may declare; anything else is refused with 415 before a byte is read. */
export const IMPORT_CONTENT_TYPES = [
  "application/x-research-info-systems",
  "text/csv",
  "text/tab-separated-values",
  "text/plain",
  "application/xml",
  "text/xml",
  "application/octet-stream",
];

/** meta key of a project's rule file */
const RULES_KEY = "rules";
/** the name rule errors carry as their "file" */
const RULES_NAME = "rules";


const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

const stageProp = { type: "string", enum: [...SCREENING_STAGES], default: "title-abstract" } as const;

const conflictSchema = {
  type: "object",
  required: ["recordId", "stage", "status", "reviews"],
  properties: {
    recordId: { type: "string" },
    stage: { type: "string" },
    status: { type: "string" },
    reasonCode: { type: ["string", "null"] },
    resolvedBy: { type: ["string", "null"] },
    reviews: {
      type: "array",
      items: {
        type: "object",
        required: ["reviewer", "decision"],
        properties: { reviewer: { type: "string" }, decision: { type: "string" }, reasonCode: { type: ["string", "null"] }, note: { type: ["string", "null"] } },
      },
    },
  },
} as const;

const projectSchema = {
  type: "object",
  required: ["id", "name", "createdAt", "records", "decided", "conflicts"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    createdAt: { type: "string" },
    records: { type: "integer", description: "unique records (after dedupe)" },
    decided: { type: "integer", description: "unique records with at least one decision at the title/abstract stage" },
    conflicts: { type: "integer", description: "records whose reviewers disagree at the title/abstract stage, without resolution" },
  },
} as const;

const importSchema = {
  type: "object",
  required: ["id", "file", "format", "sha256", "bytes", "encoding", "records", "importedAt"],
  properties: {
    id: { type: "integer" },
    file: { type: "string" },
    format: { type: "string" },
    sha256: { type: "string" },
    bytes: { type: "integer" },
    encoding: { type: "string" },
    records: { type: "integer" },
    importedAt: { type: "string" },
  },
} as const;

const recordSchema = {
  type: "object",
  required: ["id", "title", "abstract", "authors", "year", "doi", "journal", "keywords", "language", "source", "hasFullText"],
  properties: {
    id: { type: "string" },
    title: { type: "string" },
    abstract: { type: "string" },
    authors: { type: "array", items: { type: "string" } },
    year: { type: ["integer", "null"] },
    doi: { type: ["string", "null"] },
    journal: { type: ["string", "null"] },
    keywords: { type: "array", items: { type: "string" } },
    language: { type: "string", enum: ["zh", "en", "und"] },
    pmid: { type: "string" },
    source: {
      type: "object",
      required: ["file", "format", "line"],
      properties: { file: { type: "string" }, format: { type: "string" }, line: { type: "integer" }, sourceId: { type: "string" } },
    },
    hasFullText: { type: "boolean" },
  },
} as const;

const decisionSchema = {
  type: "object",
  required: ["seq", "recordId", "stage", "reviewer", "decision", "reasonCode", "note", "time", "resolution"],
  properties: {
    seq: { type: "integer" },
    recordId: { type: "string" },
    stage: { type: "string", enum: [...SCREENING_STAGES] },
    reviewer: { type: "string" },
    decision: { type: "string", enum: [...DECISION_VALUES] },
    reasonCode: { type: ["string", "null"] },
    note: { type: ["string", "null"] },
    time: { type: "string" },
    resolution: { type: "boolean" },
  },
} as const;

const highlightSchema = {
  type: "object",
  required: ["field", "start", "end", "rule", "polarity", "text"],
  properties: {
    field: { type: "string", enum: ["title", "abstract"] },
    start: { type: "integer", description: "0-based start in the field's text, in UTF-16 code units (JavaScript string index)" },
    end: { type: "integer", description: "end (exclusive), in UTF-16 code units: text = field.slice(start, end)" },
    rule: { type: "string" },
    polarity: { type: "string", enum: ["positive"], description: "a hit that makes the rule true (hits under NOT are not positions)" },
    text: { type: "string" },
    distance: { type: "number", description: "running-cosine distance, for fuzzy hits" },
  },
} as const;

const findingSchema = { type: "object", additionalProperties: true, description: "a Finding (docs/ARCHITECTURE.md)" } as const;

/** A record as the API shows it (the full text is not sent; `hasFullText` says whether one is attached). */
function recordOut(r: ScreeningRecord): Record<string, unknown> {
  const { fullText, labels: _labels, ...rest } = r;
  return { ...rest, hasFullText: fullText !== undefined && fullText !== "" };
}

/** 1-based inclusive code-point span (the rule evaluator's) → 0-based half-open UTF-16 span. */
function utf16Span(text: string, start: number, end: number): { start: number; end: number } {
  const cps = Array.from(text);
  const s = cps.slice(0, start - 1).join("").length;
  return { start: s, end: s + cps.slice(start - 1, end).join("").length };
}

/** Rule hits in the title and abstract of a record, as highlight spans. */
function highlights(set: RuleSet | null, r: ScreeningRecord): Record<string, unknown>[] {
  if (!set) return [];
  const out: Record<string, unknown>[] = [];
  // only title and abstract are shown: the full text (possibly long, with fuzzy rules) is not evaluated
  const { fullText: _fullText, ...shown } = r;
  for (const res of evaluateRules(set, shown)) {
    if (!res.matched) continue;
    for (const h of res.hits) {
      if (h.field !== "title" && h.field !== "abstract") continue;
      const span = utf16Span(h.field === "title" ? r.title : r.abstract, h.start, h.end);
      out.push({ field: h.field, ...span, rule: res.rule, polarity: "positive", text: h.text, ...(h.distance !== undefined ? { distance: h.distance } : {}) });
    }
  }
  return out;
}

/**
 * Read a request stream into memory, refusing more than `limit` bytes (413, nothing kept). Past the
 * limit the rest is read and dropped rather than the request stream destroyed, so that the refusal is
 * sent as a normal response (the route then closes the connection).
 */
function receive(body: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    body.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new OrganAuditError("S_SC_UPLOAD_TOO_LARGE", { limit }));
      } else chunks.push(chunk);
    });
    body.once("end", () => {
      if (!over) resolve(Buffer.concat(chunks, size));
    });
    body.once("error", (e: Error) => {
      if (!over) reject(e);
    });
  });
}

export async function screeningRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const store = ctx.screening;

  async function project(id: string): Promise<ScreeningProject> {
    const row = await store.findProject(id);
    if (!row) throw new OrganAuditError("S_SC_NO_PROJECT", { id: id.slice(0, 200) }, { field: "id" });
    return store.project(row.id);
  }

  async function rulesOf(p: ScreeningProject): Promise<{ text: string; set: RuleSet } | null> {
    const text = await p.getMeta(RULES_KEY);
    return text === null ? null : { text, set: parseRules(text, RULES_NAME) };
  }

  async function summary(p: ScreeningProject, createdAt: string): Promise<Record<string, unknown>> {
    const ids = await p.recordIds();
    const unique = new Set(ids);
    const log = await p.decisions({ stage: "title-abstract" });
    const outcomes = stageOutcomes(log, "title-abstract", 1);
    const decided = [...outcomes.keys()].filter((id) => unique.has(id)).length;
    const conflicts = listConflicts(log, "title-abstract").filter((c) => unique.has(c.recordId)).length;
    return { id: p.id, name: p.name, createdAt, records: ids.length, decided, conflicts };
  }

  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/screening/projects",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listScreeningProjects",
        tags: ["screening"],
        summary: "Screening projects with their numbers of records, decided records and open conflicts (title/abstract)",
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: {
          200: pageSchema(projectSchema),
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const r = await store.projects({ offset, limit });
      const items = [];
      for (const row of r.items) items.push(await summary(await store.project(row.id), row.createdAt));
      return { items, total: r.total, offset, limit };
    },
  );

  app.post<{ Body: { name: string } }>(
    "/screening/projects",
    {
      config: { access: "admin" },
      schema: {
        operationId: "createScreeningProject",
        tags: ["screening"],
        summary: "Create a screening project",
        body: { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string", minLength: 1, maxLength: 100 } } },
        response: { 201: projectSchema, ...notFoundResponses, 409: errorRef },
      },
    },
    async (request, reply) => {
      const row = await store.createProject(request.body.name);
      await ctx.archive.record({ actor: request.user.name, action: "screening", data: { op: "create-project", project: row.id, name: row.name } });
      return reply.status(201).send(await summary(await store.project(row.id), row.createdAt));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/screening/projects/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getScreeningProject",
        tags: ["screening"],
        summary: "One screening project: numbers, imported files, rule names, stored rankings",
        params: idParams,
        response: {
          200: {
            type: "object",
            required: ["project", "imports", "rules", "rankings"],
            properties: {
              project: projectSchema,
              imports: { type: "array", items: importSchema },
              rules: { type: "array", items: { type: "string" } },
              rankings: {
                type: "array",
                items: {
                  type: "object",
                  required: ["stage", "model", "records", "nIncluded", "nExcluded", "computedAt"],
                  properties: { stage: { type: "string" }, model: { type: "string" }, records: { type: "integer" }, nIncluded: { type: "integer" }, nExcluded: { type: "integer" }, computedAt: { type: "string" } },
                },
              },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const row = await store.findProject(p.id);
      const rules = await rulesOf(p);
      const rankings = [];
      for (const stage of SCREENING_STAGES) {
        const r = await loadRanking(p, stage);
        if (r) rankings.push({ stage, model: r.model, records: r.ids.length, nIncluded: r.nIncluded, nExcluded: r.nExcluded, computedAt: r.computedAt });
      }
      return {
        project: await summary(p, row?.createdAt ?? ""),
        imports: (await p.imports()).map((i) => ({ id: i.id, file: i.file, format: i.format, sha256: i.sha256, bytes: i.bytes, encoding: i.encoding, records: i.nRecords, importedAt: i.importedAt })),
        rules: rules ? rules.set.rules.map((r) => r.name) : [],
        rankings,
      };
    },
  );

  // streamed import: its own scope, so that its raw-body parsers apply to this route only
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(IMPORT_CONTENT_TYPES, (_req, payload, done) => done(null, payload));
    scope.post<{ Params: { id: string }; Querystring: { filename: string; format?: string; encoding?: string } }>(
      "/screening/projects/:id/imports",
      {
        config: { access: "analyst" },
        schema: {
          operationId: "importScreeningRecords",
          tags: ["screening"],
          summary: "Import a bibliographic export (RIS, CSV/TSV, MEDLINE, PubMed XML, CNKI/Wanfang) into a project, all records or none",
          description:
            "Body: the file's bytes (streamed). Content-Type: application/x-research-info-systems, text/csv, text/tab-separated-values, text/plain, application/xml, text/xml or application/octet-stream (others: 415). " +
            "The file name (a plain name, no path) gives the record ids and, without ?format=, the format. Larger than the upload limit: 413. A malformed file: 400 naming file, line and field; nothing is stored.",
          params: idParams,
          querystring: {
            type: "object",
            required: ["filename"],
            additionalProperties: false,
            properties: {
              filename: { type: "string", minLength: 1, maxLength: 1000 },
              format: { type: "string", enum: [...IMPORT_FORMATS] },
              encoding: { type: "string", minLength: 1, maxLength: 40, pattern: "^[A-Za-z0-9_.:-]+$" },
            },
          },
          response: { 201: importSchema, ...notFoundResponses, 413: errorRef, 415: errorRef },
        },
      },
      async (request, reply: FastifyReply) => {
        const limit = ctx.limits.maxUploadBytes;
        const declared = Number(request.headers["content-length"] ?? NaN);
        if (Number.isFinite(declared) && declared > limit) {
          void reply.header("connection", "close");
          throw new OrganAuditError("S_SC_UPLOAD_TOO_LARGE", { limit });
        }
        const q = request.query;
        // the name is metadata only (never a path on this server); names that point elsewhere are refused
        const filename = plainFileName(q.filename);
        if (filename === null) throw new OrganAuditError("S_SC_UPLOAD_NAME", { value: q.filename.slice(0, 100) }, { field: "filename" });
        const p = await project(request.params.id);
        const body = request.body as NodeJS.ReadableStream | undefined;
        if (!body || typeof (body as { pipe?: unknown }).pipe !== "function") throw new OrganAuditError("S_SC_UPLOAD_EMPTY", {});
        let bytes: Buffer;
        try {
          bytes = await receive(body, limit);
        } catch (e) {
          void reply.header("connection", "close");
          throw e;
        }
        if (bytes.length === 0) throw new OrganAuditError("S_SC_UPLOAD_EMPTY", {});
        const imp = await importBytes(bytes, filename, { ...(q.format ? { format: q.format } : {}), ...(q.encoding ? { encoding: q.encoding } : {}) });
        const row = await p.addImport(imp, nowIso());
        await ctx.archive.record({
          actor: request.user.name,
          action: "screening",
          data: { op: "import", project: p.id, import: row.id, file: row.file, format: row.format, sha256: row.sha256, records: row.nRecords },
        });
        return reply.status(201).send({ id: row.id, file: row.file, format: row.format, sha256: row.sha256, bytes: row.bytes, encoding: row.encoding, records: row.nRecords, importedAt: row.importedAt });
      },
    );
  });

  app.get<{ Params: { id: string }; Querystring: { offset: number; limit: number } }>(
    "/screening/projects/:id/records",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listScreeningRecords",
        tags: ["screening"],
        summary: "The project's unique records (after dedupe), in import order",
        params: idParams,
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: {
          200: pageSchema(recordSchema),
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const { offset, limit } = request.query;
      return { items: (await p.records({ offset, limit })).map(recordOut), total: await p.recordCount(), offset, limit };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/screening/projects/:id/rules",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getScreeningRules",
        tags: ["screening"],
        summary: "The project's screening rules (text in the rule language of docs/SCREENING.md) and rule names",
        params: idParams,
        response: { 200: { type: "object", required: ["text", "rules"], properties: { text: { type: ["string", "null"] }, rules: { type: "array", items: { type: "string" } } } }, ...notFoundResponses },
      },
    },
    async (request) => {
      const r = await rulesOf(await project(request.params.id));
      return { text: r ? r.text : null, rules: r ? r.set.rules.map((x) => x.name) : [] };
    },
  );

  app.put<{ Params: { id: string }; Body: { text: string } }>(
    "/screening/projects/:id/rules",
    {
      config: { access: "analyst" },
      schema: {
        operationId: "setScreeningRules",
        tags: ["screening"],
        summary: "Replace the project's screening rules; a syntax error (400, naming line and column) changes nothing",
        params: idParams,
        body: { type: "object", required: ["text"], additionalProperties: false, properties: { text: { type: "string", maxLength: 200_000 } } },
        response: { 200: { type: "object", required: ["text", "rules"], properties: { text: { type: "string" }, rules: { type: "array", items: { type: "string" } } } }, ...notFoundResponses },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const set = parseRules(request.body.text, RULES_NAME);
      await p.setMeta(RULES_KEY, request.body.text);
      await ctx.archive.record({ actor: request.user.name, action: "screening", data: { op: "rules", project: p.id, rules: set.rules.map((r) => r.name) } });
      return { text: request.body.text, rules: set.rules.map((r) => r.name) };
    },
  );

  app.post<{ Params: { id: string }; Body: { stage: ScreeningStage; model?: ModelName } }>(
    "/screening/projects/:id/ranking",
    {
      config: { access: "analyst" },
      schema: {
        operationId: "rankScreeningRecords",
        tags: ["screening"],
        summary: "Rank the records without a settled decision by predicted relevance (trained on the settled include/exclude decisions) and store the order used by …/next",
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: { stage: stageProp, model: { type: "string", enum: [...MODEL_NAMES] } } },
        response: {
          200: {
            type: "object",
            required: ["stage", "model", "records", "nIncluded", "nExcluded", "computedAt", "top"],
            properties: {
              stage: { type: "string" },
              model: { type: "string" },
              records: { type: "integer" },
              nIncluded: { type: "integer" },
              nExcluded: { type: "integer" },
              computedAt: { type: "string" },
              top: { type: "array", items: { type: "string" }, description: "the first 20 record ids" },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const stage = request.body.stage;
      const r = await updateRanking(p, stage, nowIso(), request.body.model ? { model: request.body.model } : {});
      await ctx.archive.record({ actor: request.user.name, action: "screening", data: { op: "ranking", project: p.id, stage, model: r.model, records: r.ids.length } });
      return { stage, model: r.model, records: r.ids.length, nIncluded: r.nIncluded, nExcluded: r.nExcluded, computedAt: r.computedAt, top: r.ids.slice(0, 20) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { stage: ScreeningStage } }>(
    "/screening/projects/:id/next",
    {
      config: { access: "reviewer" },
      schema: {
        operationId: "nextScreeningRecord",
        tags: ["screening"],
        summary: "The next record you have not decided at this stage (in the stored ranking's order if there is one, else import order), with the project's rule hits in title and abstract",
        params: idParams,
        querystring: { type: "object", additionalProperties: false, properties: { stage: stageProp } },
        response: {
          200: {
            type: "object",
            required: ["record", "highlights", "progress", "order", "stage"],
            properties: {
              stage: { type: "string" },
              record: { anyOf: [recordSchema, { type: "null" }] },
              highlights: { type: "array", items: highlightSchema },
              progress: { type: "object", required: ["decided", "total", "remaining"], properties: { decided: { type: "integer" }, total: { type: "integer" }, remaining: { type: "integer" } } },
              order: { type: "string", enum: ["ranking", "import"] },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const stage = request.query.stage;
      const reviewer = request.user.name;
      const ranking = await loadRanking(p, stage);
      const next = await p.nextUndecided(reviewer, stage, ranking?.ids);
      const total = await p.recordCount();
      const decided = (await p.decidedBy(reviewer, stage)).size;
      const rules = next ? await rulesOf(p) : null;
      return {
        stage,
        record: next ? recordOut(next.record) : null,
        highlights: next ? highlights(rules?.set ?? null, next.record) : [],
        progress: { decided, total, remaining: Math.max(0, total - decided) },
        order: ranking ? "ranking" : "import",
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { recordId: string; stage: string; decision: string; reasonCode?: string; note?: string; resolution?: boolean } }>(
    "/screening/projects/:id/decisions",
    {
      config: { access: "reviewer" },
      schema: {
        operationId: "addScreeningDecision",
        tags: ["screening"],
        summary: "Record your decision on a record (the reviewer is the signed-in user; the body cannot name another)",
        params: idParams,
        body: {
          type: "object",
          required: ["recordId", "decision"],
          additionalProperties: false,
          properties: {
            recordId: { type: "string", minLength: 1, maxLength: 500 },
            stage: stageProp,
            decision: { type: "string", enum: [...DECISION_VALUES] },
            reasonCode: { type: "string", maxLength: 64 },
            note: { type: "string", maxLength: 5000 },
            resolution: { type: "boolean", default: false, description: "this decision settles a disagreement between reviewers" },
          },
        },
        response: { 201: decisionSchema, ...notFoundResponses },
      },
    },
    async (request, reply) => {
      const p = await project(request.params.id);
      const b = request.body;
      const d = makeDecision(
        { seq: 1, recordId: b.recordId, stage: b.stage, reviewer: request.user.name, decision: b.decision, reasonCode: b.reasonCode ?? null, note: b.note ?? null, time: nowIso(), resolution: b.resolution ?? false },
        {},
      );
      if (!(await p.hasRecord(d.recordId))) throw new OrganAuditError("SC_REV_UNKNOWN_RECORD", { id: d.recordId.slice(0, 200) }, { field: "recordId" });
      const { seq: _seq, ...rest } = d;
      const stored = await p.appendDecision(rest);
      await ctx.archive.record({
        actor: request.user.name,
        action: "screening",
        data: { project: p.id, recordId: stored.recordId, stage: stored.stage, decision: stored.decision, seq: stored.seq, ...(stored.resolution ? { resolution: true } : {}) },
      });
      return reply.status(201).send(stored);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { stage: ScreeningStage; offset: number; limit: number } }>(
    "/screening/projects/:id/conflicts",
    {
      config: { access: "reviewer" },
      schema: {
        operationId: "listScreeningConflicts",
        tags: ["screening"],
        summary: "Records whose reviewers disagree at the stage and that await resolution, by record id",
        params: idParams,
        querystring: { type: "object", additionalProperties: false, properties: { stage: stageProp, ...pageQueryProperties } },
        response: {
          200: pageSchema(conflictSchema, { stage: { type: "string" } }),
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const { stage, offset, limit } = request.query;
      const all = listConflicts(await p.decisions({ stage }), stage);
      return { stage, items: all.slice(offset, offset + limit), total: all.length, offset, limit };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { stage: ScreeningStage; reviewers?: string; level: number } }>(
    "/screening/projects/:id/agreement",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "screeningAgreement",
        tags: ["screening"],
        summary: "Agreement between two reviewers at the stage: percent agreement, Cohen's kappa and Gwet's AC1 with intervals, as a finding",
        description: "Without ?reviewers=a,b the two reviewers with most decisions at the stage are compared. With fewer than two reviewers, findings is empty.",
        params: idParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { stage: stageProp, reviewers: { type: "string", minLength: 3, maxLength: 200 }, level: { type: "number", minimum: 0.5, maximum: 0.999, default: 0.95 } },
        },
        response: {
          200: {
            type: "object",
            required: ["stage", "reviewers", "findings", "conflicts"],
            properties: {
              stage: { type: "string" },
              reviewers: { type: "array", items: { type: "string" }, description: "the pair compared, or (no finding) the reviewers who have decisions at the stage" },
              findings: { type: "array", items: findingSchema },
              conflicts: { type: "array", items: { type: "string" }, description: "ids of records on which the pair disagree, unresolved" },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const { stage, level } = request.query;
      const log = await p.decisions({ stage });
      let pair: string[];
      if (request.query.reviewers !== undefined) {
        pair = request.query.reviewers.split(",").map((s) => s.trim());
        if (pair.length !== 2 || pair[0] === "" || pair[1] === "" || pair[0] === pair[1])
          throw new OrganAuditError("S_BAD_REQUEST", { detail: `reviewers expects two different names "a,b", got "${request.query.reviewers.slice(0, 100)}"` }, { field: "reviewers" });
      } else {
        const available = reviewersAt(log, stage);
        if (available.length < 2) return { stage, reviewers: available, findings: [], conflicts: [] };
        pair = available.slice(0, 2).sort();
      }
      const [a, b] = pair as [string, string];
      const finding = agreementFinding(log, stage, a, b, { level, inputName: `screening:${p.id}#decisions` });
      const conflicts = listConflicts(log, stage)
        .filter((c) => c.reviews.some((r) => r.reviewer === a) && c.reviews.some((r) => r.reviewer === b))
        .map((c) => c.recordId);
      return { stage, reviewers: [a, b], findings: [finding], conflicts };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { reviewers: number; title?: string } }>(
    "/screening/projects/:id/prisma",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "screeningPrisma",
        tags: ["screening"],
        summary: "The PRISMA 2020 flow of the project (a finding) and its diagram as SVG",
        params: idParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { reviewers: { type: "integer", minimum: 1, maximum: 10, default: 1, description: "reviewers required per record (2 for dual screening)" }, title: { type: "string", maxLength: 200 } },
        },
        response: { 200: { type: "object", required: ["findings", "svg"], properties: { findings: { type: "array", items: findingSchema }, svg: { type: "string" } } }, ...notFoundResponses },
      },
    },
    async (request) => {
      const p = await project(request.params.id);
      const finding = await projectPrismaFinding(p, `screening:${p.id}`, request.query.reviewers);
      return { findings: [finding], svg: prismaSvg(finding.result, request.query.title ? { title: request.query.title } : {}) };
    },
  );
}
