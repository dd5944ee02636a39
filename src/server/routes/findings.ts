import type { FastifyInstance } from "fastify";
import type { StandardAudit } from "../../audit/standard.js";
import { OrganAuditError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { chartsForAudit, type ChartSpec } from "../../report/charts.js";
import type { ServerContext } from "../context.js";
import { errorResponses, notFoundResponses, pageQueryProperties, pageSchema } from "../schemas.js";
import { pageOf, serverFault } from "./data.js";

/**
 * Findings and charts of the standard audit (viewer). The audit is `ctx.audit()`: computed once per
 * server process on first use and shared by concurrent first requests. Findings are served exactly as
 * the library computed them; charts are the report's own Vega-Lite specs (src/report/charts.ts).
 *
 *   GET /api/findings        page of findings: ?offset&limit&verdict=&method=&section=, with `meta`
 *   GET /api/findings/:id    one finding
 *   GET /api/charts          the report's charts: id, title, caption, finding ids
 *   GET /api/charts/:id      one chart's Vega-Lite spec
 */

export const SECTIONS = ["forensics", "ratios", "aggregation", "accounting", "waittime", "changepoint", "capacity"] as const;
export type Section = (typeof SECTIONS)[number];
export const VERDICTS = ["flag", "pass", "insufficient-data", "estimate"] as const;

/** An audit indexed for the API: sections by finding id, findings and charts by id. */
export interface IndexedAudit {
  audit: StandardAudit;
  sectionOf: Map<string, Section>;
  byId: Map<string, Finding>;
  charts: ChartSpec[];
  chartById: Map<string, ChartSpec>;
  /** each finding's JSON text, serialized once (the findings list is the load test's hot path) */
  jsonById: Map<string, string>;
  /** the same JSON as UTF-8 bytes: a page is a Buffer.concat (no per-request string building or encoding) */
  bytesById: Map<string, Buffer>;
  /** JSON text of auditMeta() */
  metaJson: string;
}

const indexCache = new WeakMap<StandardAudit, IndexedAudit>();
const COMMA = Buffer.from(",");

/** Index an audit (cached per audit object: the charts are built once). */
export function indexAudit(audit: StandardAudit): IndexedAudit {
  const hit = indexCache.get(audit);
  if (hit) return hit;
  const s = audit.sections;
  const sectionOf = new Map<string, Section>();
  const mark = (fs: readonly Finding[], section: Section) => {
    for (const f of fs) if (!sectionOf.has(f.id)) sectionOf.set(f.id, section);
  };
  mark(s.forensics.findings, "forensics");
  mark(s.ratios.findings, "ratios");
  mark(s.aggregation.findings, "aggregation");
  mark(s.accounting.flatMap((a) => (a.sensitivity ? [a.accounting, a.sensitivity] : [a.accounting])), "accounting");
  mark(s.waittime.findings, "waittime");
  mark(s.changepoint.findings, "changepoint");
  mark(s.capacity.findings, "capacity");
  const byId = new Map<string, Finding>();
  for (const f of audit.findings) if (!byId.has(f.id)) byId.set(f.id, f);
  const charts = chartsForAudit(audit);
  const jsonById = new Map([...byId].map(([id, f]) => [id, JSON.stringify(f)]));
  const bytesById = new Map([...jsonById].map(([id, j]) => [id, Buffer.from(j, "utf8")]));
  const out: IndexedAudit = { audit, sectionOf, byId, charts, chartById: new Map(charts.map((c) => [c.id, c])), jsonById, bytesById, metaJson: "" };
  out.metaJson = JSON.stringify(auditMeta(out));
  indexCache.set(audit, out);
  return out;
}

export interface FindingFilter {
  verdict?: string;
  /** a method name, or a prefix of method names ending before a "." (e.g. "forensics.digits") */
  method?: string;
  section?: Section;
}

/** Findings of the audit matching the filter, in the audit's order. */
export function filterFindings(ix: IndexedAudit, f: FindingFilter): Finding[] {
  return ix.audit.findings.filter(
    (x) =>
      (f.verdict === undefined || x.verdict === f.verdict) &&
      (f.method === undefined || x.method === f.method || x.method.startsWith(`${f.method}.`)) &&
      (f.section === undefined || ix.sectionOf.get(x.id) === f.section),
  );
}

/** The audit's manifest information: tool version, parameters, input hashes, findings per section. */
export function auditMeta(ix: IndexedAudit): Record<string, unknown> {
  const counts: Record<string, number> = {};
  for (const s of SECTIONS) counts[s] = 0;
  for (const f of ix.audit.findings) {
    const s = ix.sectionOf.get(f.id);
    if (s) counts[s] = counts[s]! + 1;
  }
  return { toolVersion: ix.audit.toolVersion, parameters: ix.audit.parameters, inputs: ix.audit.inputs, sections: counts, findings: ix.audit.findings.length };
}

/** The title of a chart's spec as one line. */
export function chartTitle(c: ChartSpec): string {
  const t = c.spec.title as { text?: string | string[] } | string | undefined;
  const text = typeof t === "string" ? t : t?.text;
  return Array.isArray(text) ? text.join(" ") : (text ?? c.id);
}

const findingSchema = {
  type: "object",
  required: ["id", "method", "title", "verdict", "statement", "result", "caveats", "provenance"],
  additionalProperties: true,
  description: "a Finding (src/core/finding.ts): verdict, statement, statistic, result, caveats, provenance",
  properties: {
    id: { type: "string" },
    method: { type: "string" },
    title: { type: "string" },
    verdict: { type: "string", enum: [...VERDICTS] },
    statement: { type: "string" },
  },
} as const;

const metaSchema = {
  type: "object",
  required: ["toolVersion", "parameters", "inputs", "sections", "findings"],
  properties: {
    toolVersion: { type: "string" },
    parameters: { type: "object", additionalProperties: true },
    inputs: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "sha256"],
        additionalProperties: true,
        properties: { name: { type: "string" }, sha256: { type: "string" }, n: { type: "integer" } },
      },
    },
    sections: { type: "object", additionalProperties: { type: "integer" } },
    findings: { type: "integer", description: "number of findings in the audit" },
  },
} as const;

const chartSummarySchema = {
  type: "object",
  required: ["id", "title", "caption", "findingIds"],
  properties: { id: { type: "string" }, title: { type: "string" }, caption: { type: "string" }, findingIds: { type: "array", items: { type: "string" } } },
} as const;

const idParams = (what: string) => ({
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", maxLength: 200, description: what } },
});

export async function findingsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const indexed = async (): Promise<IndexedAudit> => {
    let audit: StandardAudit;
    try {
      audit = await ctx.audit();
    } catch (e) {
      throw serverFault("the standard audit failed", e);
    }
    return indexAudit(audit);
  };

  app.get<{ Querystring: { offset: number; limit: number; verdict?: string; method?: string; section?: Section } }>(
    "/findings",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listFindings",
        tags: ["findings"],
        summary: "Findings of the standard audit (filter by verdict, method or method prefix, section), with the audit's manifest information",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            verdict: { type: "string", enum: [...VERDICTS] },
            method: { type: "string", minLength: 1, maxLength: 200, description: 'a method, or a method prefix such as "forensics.digits"' },
            section: { type: "string", enum: [...SECTIONS] },
          },
        },
        response: { 200: pageSchema(findingSchema, { meta: metaSchema }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const ix = await indexed();
      const q = req.query;
      const filter: FindingFilter = {};
      if (q.verdict !== undefined) filter.verdict = q.verdict;
      if (q.method !== undefined) filter.method = q.method;
      if (q.section !== undefined) filter.section = q.section;
      const page = pageOf(filterFindings(ix, filter), q.offset, q.limit);
      // assembled from the findings' JSON serialized and UTF-8 encoded once per audit (same content as the
      // schema's serializer); a Buffer, so neither fastify (Content-Length) nor the socket re-encodes ~200 KB
      // of text per request (that was most of the CPU time under load)
      const parts: Buffer[] = [Buffer.from('{"items":[')];
      page.items.forEach((f, i) => {
        if (i > 0) parts.push(COMMA);
        parts.push(ix.bytesById.get(f.id)!);
      });
      parts.push(Buffer.from(`],"total":${page.total},"offset":${page.offset},"limit":${page.limit},"meta":${ix.metaJson}}`));
      return reply.type("application/json; charset=utf-8").send(Buffer.concat(parts));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/findings/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getFinding",
        tags: ["findings"],
        summary: "One finding of the standard audit",
        params: idParams("finding id, e.g. F-0123456789abcdef"),
        response: { 200: findingSchema, ...notFoundResponses },
      },
    },
    async (req, reply) => {
      const json = (await indexed()).jsonById.get(req.params.id);
      if (json === undefined) throw new OrganAuditError("S_NOT_FOUND", { what: `finding "${req.params.id.slice(0, 100)}"` });
      return reply.type("application/json; charset=utf-8").send(json);
    },
  );

  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/charts",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listCharts",
        tags: ["findings"],
        summary: "The report's charts, in report order: id, title, caption and the findings each shows",
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageSchema(chartSummarySchema), ...errorResponses },
      },
    },
    async (req) => {
      const ix = await indexed();
      const all = ix.charts.map((c) => ({ id: c.id, title: chartTitle(c), caption: c.caption, findingIds: c.findingIds }));
      return pageOf(all, req.query.offset, req.query.limit);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/charts/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getChart",
        tags: ["findings"],
        summary: "One chart's Vega-Lite spec: the same spec object the report renders",
        params: idParams("chart id from GET /api/charts"),
        response: { 200: { type: "object", additionalProperties: true, description: "a Vega-Lite v6 spec" }, ...notFoundResponses },
      },
    },
    async (req) => {
      const c = (await indexed()).chartById.get(req.params.id);
      if (!c) throw new OrganAuditError("S_NOT_FOUND", { what: `chart "${req.params.id.slice(0, 100)}"` });
      return c.spec;
    },
  );
}
