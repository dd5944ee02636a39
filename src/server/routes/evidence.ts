import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { OrganAuditError, isOrganAuditError } from "../../core/errors.js";
import { captureUrl } from "../../evidence/capture/capture.js";
import { publicCaptureGuard } from "../../evidence/capture/address-policy.js";
import { publicKeyToBase64 } from "../../evidence/custody/sth.js";
import type { LogEntry } from "../../evidence/custody/entry.js";
import { plainFileName } from "../../evidence/content/safe-name.js";
import { searchArchiveWith } from "../../evidence/search/backend.js";
import type { SearchOptions, SearchResponse } from "../../evidence/search/index-store.js";
import type { Archive, ItemRecord } from "../../evidence/store/archive.js";
import { ingestFile } from "../../evidence/store/ingest.js";
import { paths } from "../../evidence/store/layout.js";
import { listItemsPage } from "../../evidence/store/list-items.js";
import { evidenceTypeCodes } from "../../evidence/store/taxonomy.js";
import { verifyArchive, type VerifyReport } from "../../evidence/store/verify.js";
import { verifyItem } from "../../evidence/store/verify-item.js";
import type { ServerContext } from "../context.js";
import { registerErrorStatus } from "../errors.js";
import { errorRef, errorResponses, idParams, notFoundResponses, pageQueryProperties, pageSchema } from "../schemas.js";

/**
 * Evidence archive routes (adapter; thin handlers over src/evidence): items (list, streamed upload,
 * item view with custody entries and per-item verification, extracted text, original bytes under a
 * sandboxing CSP), search, capture (SSRF-guarded), full verify, custody log and signed tree head.
 * Sealed witness fields are opened only for users who can see them, on request (?reveal=1), and
 * every reveal is itself a custody entry.
 */

registerErrorStatus("S_EV_UPLOAD_TOO_LARGE", 413);
registerErrorStatus("S_EV_RESTRICTED", 403);
registerErrorStatus("S_EV_REVEAL_FORBIDDEN", 403);
registerErrorStatus("S_EV_CAPTURE_BUSY", 429);
registerErrorStatus("EV_ARCH_TOO_LARGE", 413);
registerErrorStatus("EV_CAPTURE_FETCH", 502);
registerErrorStatus("EV_CAPTURE_TIMEOUT", 504);
registerErrorStatus("EV_CONTENT_TOO_LARGE", 502);

/** At most this many captures run at once per server (each may start a Chromium). */
export const MAX_CONCURRENT_CAPTURES = 2;

/** Content types an upload may declare (anything else: 415 before a byte is read). */
export const UPLOAD_CONTENT_TYPES: string[] = [
  "text/html",
  "text/plain",
  "application/pdf",
  "image/png",
  "image/jpeg",
  "application/octet-stream",
];
const UPLOAD_AUDIO = /^audio\/[a-z0-9.+-]+$/i;

/**
 * The sandbox for original bytes: no script, no same-origin access, nothing fetched but data: images;
 * framed only by the app itself (the item view's <iframe sandbox>).
 */
export const RAW_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

/** Image types shown inline (SVG is not among them: it can carry script). */
const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

// ---------------------------------------------------------------- search (one switch point)

/** Full-text search of the server's archive, on SQLite (FTS5) or PostgreSQL (pg_trgm): the search backend. */
export async function searchEvidence(ctx: ServerContext, query: string, opts: SearchOptions): Promise<SearchResponse> {
  return searchArchiveWith(ctx.archive, query, opts);
}

// ---------------------------------------------------------------- JSON schemas

const strArr = { type: "array", items: { type: "string", maxLength: 200 }, maxItems: 20 } as const;
const day = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } as const;

const sensitiveSealed = { anyOf: [{ type: "string", enum: ["sealed"] }, { type: "null" }] } as const;
const itemProps = {
  id: { type: "string" },
  sha256: { type: "string" },
  size: { type: "integer" },
  mime: { type: "string" },
  filename: { type: ["string", "null"] },
  url: { type: ["string", "null"] },
  capturedAt: { type: "string" },
  addedAt: { type: "string" },
  addedBy: { type: "string" },
  language: { type: ["string", "null"] },
  evidenceType: { type: "string" },
  source: { type: ["string", "null"] },
  tags: { type: "array", items: { type: "string" } },
  duplicateOf: { type: ["string", "null"] },
  restricted: { type: "boolean" },
  note: { type: ["string", "null"] },
} as const;
const itemRequired = [
  "id",
  "sha256",
  "size",
  "mime",
  "capturedAt",
  "addedBy",
  "evidenceType",
  "tags",
  "restricted",
  "sensitive",
];
/** an item in lists: sealed witness fields are only ever flagged */
const itemListSchema = {
  type: "object",
  required: itemRequired,
  properties: { ...itemProps, sensitive: sensitiveSealed },
} as const;
/** an item in the item view: witness fields in clear only after an authorised, logged reveal */
const itemViewSchema = {
  type: "object",
  required: itemRequired,
  properties: {
    ...itemProps,
    sensitive: {
      anyOf: [
        { type: "string", enum: ["sealed"] },
        { type: "null" },
        { type: "object", additionalProperties: { type: "string" } },
      ],
    },
  },
} as const;
const derivedSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    kind: { type: "string" },
    sha256: { type: "string" },
    size: { type: "integer" },
    blobSha256: { type: "string" },
    mime: { type: "string" },
    method: { type: "string" },
    language: { type: ["string", "null"] },
    createdAt: { type: "string" },
    createdBy: { type: "string" },
    sealed: { type: "boolean" },
    redacts: { type: ["string", "null"] },
  },
} as const;
const entrySchemaJson = {
  type: "object",
  required: ["v", "seq", "time", "actor", "action"],
  properties: {
    v: { type: "integer" },
    seq: { type: "integer" },
    time: { type: "string" },
    actor: { type: "string" },
    action: { type: "string" },
    itemId: { type: "string" },
    blob: { type: "string" },
    rows: {
      type: "array",
      items: {
        type: "object",
        properties: { table: { type: "string" }, id: { type: "string" }, sha256: { type: "string" } },
      },
    },
    deleted: {
      type: "array",
      items: { type: "object", properties: { table: { type: "string" }, id: { type: "string" } } },
    },
    data: { type: "object", additionalProperties: true },
  },
} as const;
const treeHeadSchema = {
  type: ["object", "null"],
  properties: {
    v: { type: "integer" },
    archiveId: { type: "string" },
    treeSize: { type: "integer" },
    rootHash: { type: "string" },
    timestamp: { type: "string" },
    keyId: { type: "string" },
    signature: { type: "string" },
  },
} as const;
const failureSchema = {
  type: "object",
  properties: {
    kind: { type: "string" },
    message: { type: "string" },
    itemId: { type: "string" },
    table: { type: "string" },
    rowId: { type: "string" },
    seq: { type: "integer" },
    sha256: { type: "string" },
  },
} as const;
const itemVerificationSchema = {
  type: "object",
  required: ["ok", "failures"],
  properties: {
    itemId: { type: "string" },
    ok: { type: "boolean" },
    treeHead: treeHeadSchema,
    treeHeadSignatureOk: { type: "boolean" },
    blobs: {
      type: "array",
      items: {
        type: "object",
        properties: {
          role: { type: "string" },
          id: { type: "string" },
          sha256: { type: "string" },
          ok: { type: "boolean" },
          problem: { type: "string" },
        },
      },
    },
    rows: {
      type: "array",
      items: {
        type: "object",
        properties: {
          table: { type: "string" },
          id: { type: "string" },
          pinnedBy: { type: ["integer", "null"] },
          ok: { type: "boolean" },
        },
      },
    },
    entries: {
      type: "array",
      items: {
        type: "object",
        properties: {
          seq: { type: "integer" },
          action: { type: "string" },
          actor: { type: "string" },
          time: { type: "string" },
          leafOk: { type: "boolean" },
          included: { type: "boolean" },
          proof: { type: "array", items: { type: "string" } },
        },
      },
    },
    failures: { type: "array", items: failureSchema },
    scope: { type: "string" },
  },
} as const;
/** a query-string switch: ?reveal=1 (also true/false/0) */
const flag = { type: "string", enum: ["1", "0", "true", "false"] } as const;
type Flag = "1" | "0" | "true" | "false";
const isSet = (f: Flag | undefined): boolean => f === "1" || f === "true";

// ---------------------------------------------------------------- helpers

/** Clear witness fields only leave the server after an authorised, logged reveal: otherwise "sealed". */
function sealedView(it: ItemRecord): ItemRecord {
  return { ...it, sensitive: it.sensitive === null ? null : "sealed" };
}

function notFound(what: string): OrganAuditError {
  return new OrganAuditError("S_NOT_FOUND", { what });
}

/** Custody entries about one item: naming it, or pinning its row or one of its derived rows. */
async function itemEntries(a: Archive, itemId: string, derivedIds: ReadonlySet<string>): Promise<LogEntry[]> {
  return (await a.log.entries()).filter(
    (e) =>
      e.itemId === itemId ||
      (e.rows ?? []).some(
        (r) => (r.table === "items" && r.id === itemId) || (r.table === "derived" && derivedIds.has(r.id)),
      ),
  );
}

function tagsOf(s: string | undefined): string[] {
  return (s ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** RFC 6266/5987 attachment header with an ASCII fallback name. */
function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\;]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Stream the request body into `file`, refusing more than `limit` bytes; returns the size. On the
 * limit the request is paused, not destroyed, so that the 413 response can still reach the client
 * (the handler closes the connection after it).
 */
async function receive(body: NodeJS.ReadableStream, file: string, limit: number): Promise<number> {
  const out = createWriteStream(file, { flags: "wx", mode: 0o600 });
  let size = 0;
  let stopped = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        stopped = true;
        body.removeListener("data", onData);
        body.removeListener("end", onEnd);
        body.removeListener("error", onError);
        out.removeListener("error", onError);
      };
      const onData = (chunk: Buffer | string): void => {
        if (stopped) return;
        const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size > limit) {
          cleanup();
          body.pause();
          reject(new OrganAuditError("S_EV_UPLOAD_TOO_LARGE", { limit }));
          return;
        }
        if (!out.write(buf)) {
          body.pause();
          out.once("drain", () => {
            if (!stopped) body.resume();
          });
        }
      };
      const onEnd = (): void => {
        cleanup();
        resolve();
      };
      const onError = (e: unknown): void => {
        cleanup();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      body.on("data", onData);
      body.once("end", onEnd);
      body.once("error", onError);
      out.once("error", onError);
    });
  } finally {
    await new Promise<void>((r) => out.end(() => r()));
  }
  return size;
}

/** An error whose message names the server's temp file is re-worded with the client's file name. */
function scrub(e: unknown, tmp: string, filename: string): unknown {
  if (e instanceof Error && e.message.includes(tmp)) {
    return new OrganAuditError("S_BAD_REQUEST", { detail: e.message.split(tmp).join(filename) });
  }
  return e;
}

/**
 * Witness fields sent with an upload: header `x-witness-fields` = base64url of a JSON object of text
 * fields (e.g. {"name": "...", "phone": "..."}). A header, not the query string, so that the values
 * never appear in request logs; they are sealed with the witness key and the item becomes restricted.
 */
export const WITNESS_HEADER = "x-witness-fields";

export function witnessFields(header: string | string[] | undefined): Record<string, string> | undefined {
  if (header === undefined) return undefined;
  const bad = (detail: string): OrganAuditError =>
    new OrganAuditError("S_EV_WITNESS_HEADER", { detail }, { field: WITNESS_HEADER });
  if (Array.isArray(header)) throw bad("sent more than once");
  if (header.length > 64 * 1024 || !/^[A-Za-z0-9_-]*={0,2}$/.test(header)) throw bad("not base64url");
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch {
    throw bad("not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("not an object");
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 20) throw bad(`${entries.length} fields`);
  const out: Record<string, string> = {};
  for (const [k, x] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(k))
      throw bad("a field name is not a plain name of at most 64 characters");
    if (typeof x !== "string" || x.length === 0 || x.length > 4000)
      throw bad(`field ${k} is not a text of 1 to 4000 characters`);
    out[k] = x;
  }
  return out;
}

interface UploadQuery {
  filename: string;
  type: string;
  language?: string;
  source?: string;
  tags?: string;
  capturedAt?: string;
  restricted?: Flag;
}

// ---------------------------------------------------------------- routes

export async function evidenceRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const a = ctx.archive;
  let capturesRunning = 0;
  /** one full verify at a time: concurrent requests share the run in progress */
  let verifying: Promise<VerifyReport> | null = null;

  app.get<{
    Querystring: {
      offset: number;
      limit: number;
      type?: string;
      language?: string;
      tag?: string;
      from?: string;
      to?: string;
    };
  }>(
    "/evidence/items",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listEvidenceItems",
        tags: ["evidence"],
        summary: "Items of the evidence archive, oldest first, with filters",
        querystring: {
          type: "object",
          properties: {
            ...pageQueryProperties,
            type: { type: "string", enum: evidenceTypeCodes },
            language: { type: "string", maxLength: 35 },
            tag: { type: "string", maxLength: 200 },
            from: day,
            to: day,
          },
        },
        response: {
          200: pageSchema(itemListSchema),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await listItemsPage(a, {
        offset: q.offset,
        limit: q.limit,
        ...(q.type ? { evidenceType: q.type } : {}),
        ...(q.language ? { language: q.language } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
      });
      return { items: r.items.map(sealedView), total: r.total, offset: q.offset, limit: q.limit };
    },
  );

  // streamed upload: its own scope, so that its raw-body parsers apply to this route only
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(UPLOAD_CONTENT_TYPES, (_req, payload, done) => done(null, payload));
    scope.addContentTypeParser(UPLOAD_AUDIO, (_req, payload, done) => done(null, payload));
    scope.post<{ Querystring: UploadQuery }>(
      "/evidence/items",
      {
        config: { access: "analyst" },
        schema: {
          operationId: "uploadEvidenceItem",
          tags: ["evidence"],
          summary: "Add a file (raw request body, streamed) with its extracted text; the custody log records the user",
          description:
            "Body: the file's bytes. Content-Type: text/html, text/plain, application/pdf, image/png, image/jpeg, application/octet-stream or audio/*. The size limit is enforced while streaming (413, nothing stored). Witness fields (sealed, never shown without an admin reveal): header x-witness-fields = base64url(JSON object of text fields); the item becomes restricted.",
          headers: {
            type: "object",
            properties: {
              [WITNESS_HEADER]: {
                type: "string",
                maxLength: 65536,
                description: "base64url of a JSON object of witness fields (sealed)",
              },
            },
          },
          querystring: {
            type: "object",
            required: ["filename", "type"],
            properties: {
              filename: { type: "string", minLength: 1, maxLength: 1000 },
              type: { type: "string", enum: evidenceTypeCodes },
              language: { type: "string", minLength: 1, maxLength: 35, pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$" },
              source: { type: "string", maxLength: 500 },
              tags: { type: "string", maxLength: 2000 },
              capturedAt: { type: "string", maxLength: 40 },
              restricted: flag,
            },
          },
          response: {
            200: {
              type: "object",
              required: ["id", "sha256", "size", "existing"],
              properties: {
                id: { type: "string" },
                sha256: { type: "string" },
                size: { type: "integer" },
                duplicateOf: { type: "string" },
                existing: { type: "boolean" },
                textId: { type: ["string", "null"] },
                noText: { type: "string" },
              },
            },
            ...errorResponses,
            413: errorRef,
            415: errorRef,
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const limit = ctx.limits.maxUploadBytes;
        const body = request.body as NodeJS.ReadableStream | undefined;
        const declared = Number(request.headers["content-length"] ?? NaN);
        if (Number.isFinite(declared) && declared > limit) {
          void reply.header("connection", "close");
          throw new OrganAuditError("S_EV_UPLOAD_TOO_LARGE", { limit });
        }
        const filename = plainFileName(q.filename);
        if (filename === null)
          throw new OrganAuditError("S_EV_UPLOAD_NAME", { value: q.filename.slice(0, 100) }, { field: "filename" });
        const sensitive = witnessFields(request.headers[WITNESS_HEADER]);
        if (!body || typeof (body as { pipe?: unknown }).pipe !== "function") {
          if (declared === 0 || body === undefined) throw new OrganAuditError("S_EV_UPLOAD_EMPTY", {});
          throw new OrganAuditError("S_UNSUPPORTED_MEDIA_TYPE", {
            type: String(request.headers["content-type"] ?? "none").slice(0, 100),
          });
        }
        const tmpDir = paths(a.dir).tmp;
        mkdirSync(tmpDir, { recursive: true });
        // the PID prefix lets the archive's clean-up on open recognise a file of a live process
        const tmp = join(tmpDir, `${process.pid}-upload-${randomBytes(8).toString("hex")}.part`);
        try {
          let size: number;
          try {
            size = await receive(body, tmp, limit);
          } catch (e) {
            if (isOrganAuditError(e)) void reply.header("connection", "close");
            throw e;
          }
          if (size === 0) throw new OrganAuditError("S_EV_UPLOAD_EMPTY", {});
          const r = await ingestFile(a, tmp, {
            filename,
            evidenceType: q.type,
            addedBy: request.user.name,
            ...(q.language ? { language: q.language } : {}),
            ...(q.source ? { source: q.source } : {}),
            ...(q.tags ? { tags: tagsOf(q.tags) } : {}),
            ...(q.capturedAt ? { capturedAt: q.capturedAt } : {}),
            ...(isSet(q.restricted) ? { restricted: true } : {}),
            ...(sensitive ? { sensitive } : {}),
          }).catch((e: unknown) => {
            throw scrub(e, tmp, filename);
          });
          return {
            id: r.id,
            sha256: r.sha256,
            size: r.size,
            existing: r.existing,
            textId: r.textId,
            ...(r.duplicateOf ? { duplicateOf: r.duplicateOf } : {}),
            ...(r.noText ? { noText: r.noText } : {}),
          };
        } finally {
          await unlink(tmp).catch(() => undefined);
        }
      },
    );
  });

  app.get<{ Params: { id: string }; Querystring: { reveal?: Flag } }>(
    "/evidence/items/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getEvidenceItem",
        tags: ["evidence"],
        summary: "An item with its derived records, custody entries and the verification of this item",
        description: "?reveal=1 opens sealed witness fields (admin only); the reveal is recorded in the custody log.",
        params: idParams,
        querystring: { type: "object", properties: { reveal: flag } },
        response: {
          200: {
            type: "object",
            required: ["item", "derived", "custody", "verification"],
            properties: {
              item: itemViewSchema,
              derived: { type: "array", items: derivedSchema },
              custody: { type: "array", items: entrySchemaJson },
              verification: itemVerificationSchema,
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const reveal = isSet(request.query.reveal);
      if (reveal && !request.user.canSeeSensitive) throw new OrganAuditError("S_EV_REVEAL_FORBIDDEN", {});
      const plain = await a.getItem(id);
      if (!plain) throw notFound(`evidence item ${id}`);
      let item = plain.item;
      if (reveal && plain.item.sensitive !== null) {
        // recorded BEFORE the fields are opened: no reveal without its custody entry
        await a.record({
          actor: request.user.name,
          action: "record",
          itemId: id,
          data: { kind: "reveal-sensitive", via: "api" },
        });
        item = (await a.getItem(id, { reveal: true }))?.item ?? item;
      }
      const derivedIds = new Set(plain.derived.map((d) => d.id));
      const verification = await verifyItem(a, id);
      return {
        item: reveal ? item : sealedView(item),
        derived: plain.derived,
        custody: await itemEntries(a, id, derivedIds),
        verification,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { derived?: string } }>(
    "/evidence/items/:id/text",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getEvidenceItemText",
        tags: ["evidence"],
        summary: "The extracted (or redacted) text of an item, as plain text in JSON; never HTML",
        params: idParams,
        querystring: { type: "object", properties: { derived: { type: "string", maxLength: 200 } } },
        response: {
          200: {
            type: "object",
            required: ["itemId", "derivedId", "kind", "text"],
            properties: {
              itemId: { type: "string" },
              derivedId: { type: "string" },
              kind: { type: "string" },
              method: { type: "string" },
              language: { type: ["string", "null"] },
              text: { type: "string" },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const got = await a.getItem(id);
      if (!got) throw notFound(`evidence item ${id}`);
      // sealed texts (the originals of redactions) are never served here; a redaction wins over its original
      const texts = got.derived.filter(
        (d) => !d.sealed && ["redacted", "text", "transcript", "ocr", "translation"].includes(d.kind),
      );
      const order = ["redacted", "text", "transcript", "ocr", "translation"];
      const pick = request.query.derived
        ? texts.find((d) => d.id === request.query.derived)
        : [...texts].sort(
            (x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || (x.createdAt < y.createdAt ? 1 : -1),
          )[0];
      if (!pick)
        throw notFound(request.query.derived ? `text ${request.query.derived} of item ${id}` : `text of item ${id}`);
      const text = await a.readDerivedText(pick.id);
      void reply.header("x-content-type-options", "nosniff");
      return { itemId: id, derivedId: pick.id, kind: pick.kind, method: pick.method, language: pick.language, text };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { view?: "sandbox" | "download" } }>(
    "/evidence/items/:id/raw",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getEvidenceItemRaw",
        tags: ["evidence"],
        summary:
          "The original bytes, under a sandboxing Content-Security-Policy; HTML as text/plain unless ?view=sandbox",
        description: `Headers: Content-Security-Policy: ${RAW_CSP}; X-Content-Type-Options: nosniff; Content-Disposition: attachment except for text/plain and raster images (and HTML with ?view=sandbox, for an <iframe sandbox> without allow-scripts/allow-same-origin). Restricted items: admin only.`,
        params: idParams,
        querystring: { type: "object", properties: { view: { type: "string", enum: ["sandbox", "download"] } } },
        response: { 200: { description: "the original bytes", type: "string", format: "binary" }, ...notFoundResponses },
      },
    },
    async (
      request: FastifyRequest<{ Params: { id: string }; Querystring: { view?: "sandbox" | "download" } }>,
      reply: FastifyReply,
    ) => {
      const id = request.params.id;
      const got = await a.getItem(id);
      if (!got) throw notFound(`evidence item ${id}`);
      const it = got.item;
      if (it.restricted && request.user.role !== "admin") throw new OrganAuditError("S_EV_RESTRICTED", { id });
      return sendStored(reply, {
        file: a.blobs.path(it.sha256),
        size: it.size,
        mime: it.mime,
        name: it.filename ?? it.id,
        view: request.query.view,
        what: `original bytes of item ${id}`,
      });
    },
  );

  app.get<{ Params: { id: string; derivedId: string }; Querystring: { view?: "sandbox" | "download" } }>(
    "/evidence/items/:id/derived/:derivedId/raw",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getEvidenceDerivedRaw",
        tags: ["evidence"],
        summary:
          "The bytes of a derived record (screenshot, WARC, PDF rendering, text), with the same headers as the original's /raw",
        description: "Sealed records are never served. Derived records of restricted items: admin only.",
        params: {
          type: "object",
          required: ["id", "derivedId"],
          properties: { id: idParams.properties.id, derivedId: idParams.properties.id },
        },
        querystring: { type: "object", properties: { view: { type: "string", enum: ["sandbox", "download"] } } },
        response: {
          200: { description: "the derived record's bytes", type: "string", format: "binary" },
          ...notFoundResponses,
        },
      },
    },
    async (request, reply) => {
      const { id, derivedId } = request.params;
      const got = await a.getItem(id);
      const d = got?.derived.find((x) => x.id === derivedId);
      if (!got || !d || d.sealed) throw notFound(`derived record ${derivedId} of item ${id}`);
      if (got.item.restricted && request.user.role !== "admin") throw new OrganAuditError("S_EV_RESTRICTED", { id });
      const ext =
        d.kind === "warc"
          ? "warc.gz"
          : d.mime.startsWith("image/png")
            ? "png"
            : d.mime.startsWith("application/pdf")
              ? "pdf"
              : "txt";
      return sendStored(reply, {
        file: a.blobs.path(d.blobSha256),
        size: d.size,
        mime: d.mime,
        name: `${id}-${d.kind}.${ext}`,
        view: request.query.view,
        what: `derived record ${derivedId}`,
      });
    },
  );

  app.get<{
    Querystring: {
      q: string;
      type?: string[];
      language?: string[];
      tag?: string[];
      from?: string;
      to?: string;
      offset: number;
      limit: number;
    };
  }>(
    "/evidence/search",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "searchEvidence",
        tags: ["evidence"],
        summary: "Full-text search (Chinese simplified/traditional folding, substrings, English stemming)",
        description:
          "Each result's `snippet` is plain text from the extracted text (never HTML) with each match between « and »; `spans` gives the same snippet as [{text, match}] parts for rendering without parsing markers. `total` is exact when `more` is false; when `more` is true there are more than offset+limit matching items and `total` is offset+limit. `ranking` says how results were ordered: by relevance (bm25 on SQLite, occurrences of the terms on PostgreSQL) or, when more than `ranking.threshold` texts match, by recency without relevance ranking; `textsMatched` counts matching texts (relation `gte`: at least that many).",
        querystring: {
          type: "object",
          required: ["q"],
          properties: {
            q: { type: "string", minLength: 1, maxLength: 500 },
            type: strArr,
            language: strArr,
            tag: strArr,
            from: day,
            to: day,
            ...pageQueryProperties,
          },
        },
        response: {
          200: {
            type: "object",
            required: ["results", "total", "offset", "limit", "more"],
            properties: {
              results: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    sha256: { type: "string" },
                    snippet: { type: "string" },
                    spans: {
                      type: "array",
                      items: { type: "object", properties: { text: { type: "string" }, match: { type: "boolean" } } },
                    },
                    title: { type: ["string", "null"] },
                    evidenceType: { type: ["string", "null"] },
                    language: { type: ["string", "null"] },
                    capturedAt: { type: ["string", "null"] },
                    tags: { type: "array", items: { type: "string" } },
                    derivedId: { type: ["string", "null"] },
                  },
                },
              },
              total: { type: "integer" },
              offset: { type: "integer" },
              limit: { type: "integer" },
              more: { type: "boolean" },
              ranking: {
                type: "object",
                required: ["method", "description"],
                properties: {
                  method: { type: "string", enum: ["bm25", "recency", "occurrences"] },
                  threshold: { type: "integer" },
                  description: { type: "string" },
                },
              },
              textsMatched: {
                type: "object",
                required: ["texts", "relation"],
                properties: { texts: { type: "integer" }, relation: { type: "string", enum: ["eq", "gte"] } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      for (const t of q.type ?? []) {
        if (!(evidenceTypeCodes as string[]).includes(t))
          throw new OrganAuditError(
            "EV_ARCH_BAD_TYPE",
            { value: t.slice(0, 50), allowed: evidenceTypeCodes.join(", ") },
            { field: "type" },
          );
      }
      const want = Math.min(q.offset + q.limit + 1, 1000);
      const r = await searchEvidence(ctx, q.q, {
        limit: want,
        snippet: { open: "", close: "" },
        ...(q.type?.length ? { types: q.type } : {}),
        ...(q.language?.length ? { languages: q.language } : {}),
        ...(q.tag?.length ? { tags: q.tag } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
      });
      const pageRes = r.results.slice(q.offset, q.offset + q.limit);
      return {
        results: pageRes.map((x) => {
          const spans = snippetSpans(x.snippet, x.highlights);
          return {
            id: x.id,
            sha256: x.sha256,
            title: x.title,
            evidenceType: x.evidenceType,
            language: x.language,
            capturedAt: x.capturedAt,
            tags: x.tags,
            derivedId: x.derivedId,
            snippet: spans.map((s) => (s.match ? `«${s.text}»` : s.text)).join(""),
            spans,
          };
        }),
        total: Math.min(r.results.length, q.offset + q.limit),
        more: r.results.length > q.offset + q.limit,
        offset: q.offset,
        limit: q.limit,
        ...(r.ranking ? { ranking: r.ranking } : {}),
        ...(r.total ? { textsMatched: r.total } : {}),
      };
    },
  );

  app.post<{
    Body: { url: string; screenshot?: boolean; type?: string; language?: string; tags?: string[]; note?: string };
  }>(
    "/evidence/capture",
    {
      config: { access: "analyst" },
      schema: {
        operationId: "captureEvidence",
        tags: ["evidence"],
        summary:
          "Capture a public web page (WARC, original body, text; optional screenshot); the custody log records the user",
        body: {
          type: "object",
          required: ["url"],
          additionalProperties: false,
          properties: {
            url: { type: "string", minLength: 1, maxLength: 4000 },
            screenshot: { type: "boolean", default: false },
            type: { type: "string", enum: evidenceTypeCodes, default: "hospital-web-page" },
            language: { type: "string", maxLength: 35 },
            tags: { type: "array", items: { type: "string", maxLength: 200 }, maxItems: 50 },
            note: { type: "string", maxLength: 2000 },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              id: { type: "string" },
              sha256: { type: "string" },
              size: { type: "integer" },
              mime: { type: "string" },
              existing: { type: "boolean" },
              duplicateOf: { type: "string" },
              url: { type: "string" },
              finalUrl: { type: "string" },
              status: { type: "integer" },
              redirects: { type: "integer" },
              warcId: { type: "string" },
              textId: { type: "string" },
              screenshotId: { type: "string" },
              language: { type: "string" },
              warnings: { type: "array", items: { type: "string" } },
            },
          },
          ...errorResponses,
          429: errorRef,
          502: errorRef,
          504: errorRef,
        },
      },
    },
    async (request) => {
      const b = request.body;
      // SSRF: URL and redirect targets checked before each request, the connection's own DNS look-up
      // checked again (no rebinding), Chromium subresources filtered (src/evidence/capture/address-policy.ts)
      const guard = ctx.captureAllowPrivate ? null : publicCaptureGuard(ctx.captureResolve ? { resolve: ctx.captureResolve } : {});
      if (guard) await guard.checkUrl(b.url);
      if (capturesRunning >= MAX_CONCURRENT_CAPTURES)
        throw new OrganAuditError("S_EV_CAPTURE_BUSY", { running: capturesRunning });
      capturesRunning++;
      try {
        return await captureUrl(
          a,
          b.url,
          {
            evidenceType: b.type ?? "hospital-web-page",
            addedBy: request.user.name,
            ...(b.language ? { language: b.language } : {}),
            ...(b.tags ? { tags: b.tags } : {}),
            ...(b.note ? { note: b.note } : {}),
          },
          {
            screenshot: b.screenshot ?? false,
            maxBytes: Math.min(ctx.limits.maxUploadBytes, 50 * 1024 * 1024),
            ...(guard ?? {}),
          },
        );
      } finally {
        capturesRunning--;
      }
    },
  );

  app.post(
    "/evidence/verify",
    {
      config: { access: "reviewer" },
      schema: {
        operationId: "verifyEvidenceArchive",
        tags: ["evidence"],
        summary: "Verify the whole archive: blobs, rows against the custody log, Merkle roots, signatures",
        response: {
          200: {
            type: "object",
            required: ["ok", "failures"],
            properties: {
              ok: { type: "boolean" },
              archiveId: { type: "string" },
              keyId: { type: "string" },
              counts: { type: "object", additionalProperties: { type: "integer" } },
              treeHead: treeHeadSchema,
              failures: { type: "array", items: failureSchema },
              warnings: { type: "array", items: { type: "string" } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      verifying ??= verifyArchive(a).finally(() => {
        verifying = null;
      });
      return verifying;
    },
  );

  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/evidence/log",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listCustodyEntries",
        tags: ["evidence"],
        summary: "Custody-log entries in sequence order",
        querystring: { type: "object", properties: pageQueryProperties },
        response: {
          200: pageSchema(entrySchemaJson),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const total = await a.log.size();
      return { items: await a.log.entries(offset, offset + limit), total, offset, limit };
    },
  );

  app.get(
    "/evidence/tree-head",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getTreeHead",
        tags: ["evidence"],
        summary: "The latest signed tree head of the custody log and the archive's Ed25519 public key",
        response: {
          200: {
            type: "object",
            required: ["archiveId", "keyId", "publicKey", "treeHead"],
            properties: {
              archiveId: { type: "string" },
              keyId: { type: "string" },
              publicKey: { type: "string", description: "base64 SPKI DER" },
              treeHead: treeHeadSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({
      archiveId: a.config.archiveId,
      keyId: a.config.keyId,
      publicKey: publicKeyToBase64(a.keys.publicKey),
      treeHead: (await a.log.treeHead()) ?? null,
    }),
  );
}

/**
 * Send stored bytes so that nothing in them can run in the app's origin: a sandboxing CSP, nosniff, HTML as
 * text/plain unless view=sandbox (then as HTML under the sandbox, framable by the app only), inline only
 * for plain text and raster images, every other type as an attachment.
 */
function sendStored(
  reply: FastifyReply,
  o: { file: string; size: number; mime: string; name: string; view: "sandbox" | "download" | undefined; what: string },
): FastifyReply {
  if (!existsSync(o.file)) throw notFound(o.what);
  const mime = o.mime.split(";")[0]!.trim().toLowerCase();
  let type: string;
  let disposition: "attachment" | "inline";
  if (mime === "text/html" || mime === "application/xhtml+xml") {
    const sandbox = o.view === "sandbox";
    type = sandbox ? "text/html" : "text/plain; charset=utf-8";
    disposition = sandbox ? "inline" : "attachment";
  } else if (mime === "text/plain") {
    type = "text/plain; charset=utf-8";
    disposition = "inline";
  } else if (INLINE_IMAGES.has(mime)) {
    type = mime;
    disposition = "inline";
  } else {
    type = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mime) ? mime : "application/octet-stream";
    disposition = "attachment";
  }
  if (o.view === "download") disposition = "attachment";
  return reply
    .header("content-security-policy", RAW_CSP)
    .header("x-content-type-options", "nosniff")
    .header("cross-origin-resource-policy", "same-origin")
    .header("x-frame-options", "SAMEORIGIN")
    .header("cache-control", "private, no-store")
    .header("content-disposition", contentDisposition(disposition, o.name))
    .header("content-length", String(o.size))
    .type(type)
    .send(createReadStream(o.file));
}

/** Split a snippet into plain and matched parts from its highlight ranges. */
export function snippetSpans(text: string, ranges: readonly [number, number][]): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [s, e] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const start = Math.max(s, at);
    const end = Math.min(e, text.length);
    if (start >= end) continue;
    if (start > at) out.push({ text: text.slice(at, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}
