import type { FastifyInstance } from "fastify";
import { buildReport, type BuiltReport } from "../../report/build.js";
import type { ServerContext } from "../context.js";
import { errorResponses } from "../schemas.js";
import { serverFault } from "./data.js";

/**
 * The audit report (viewer), built by src/report from the server's cached standard audit
 * (`ctx.audit()`), once per server process; concurrent first requests share one build.
 *
 *   GET /api/report            report.html (self-contained: inline CSS and SVG, no scripts)
 *   GET /api/report/manifest   manifest.json of that report (hashes of inputs, findings, charts, HTML)
 */

const reports = new WeakMap<ServerContext, Promise<BuiltReport>>();

/** The report of the server's audit, built once per context (a failed build is retried on the next call). */
export function serverReport(ctx: ServerContext): Promise<BuiltReport> {
  let p = reports.get(ctx);
  if (!p) {
    p = ctx.audit().then((audit) =>
      buildReport({ ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}), runner: () => audit }),
    );
    reports.set(ctx, p);
    p.catch(() => {
      if (reports.get(ctx) === p) reports.delete(ctx);
    });
  }
  return p;
}

async function report(ctx: ServerContext): Promise<BuiltReport> {
  try {
    return await serverReport(ctx);
  } catch (e) {
    throw serverFault("the report cannot be built", e);
  }
}

/** The report's own policy, repeated as a header: no scripts, no external resources. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

export async function reportRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    "/report",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getReport",
        tags: ["report"],
        summary: "The audit report as one self-contained HTML page",
        response: { 200: { description: "report.html", content: { "text/html": { schema: { type: "string" } } } }, ...errorResponses },
      },
    },
    async (_req, reply) => {
      const built = await report(ctx);
      return reply
        .header("content-security-policy", REPORT_CSP)
        .header("x-content-type-options", "nosniff")
        // the web app may show the report in a same-origin frame; no scripts run in it (CSP above)
        .header("x-frame-options", "SAMEORIGIN")
        .type("text/html; charset=utf-8")
        .send(built.html);
    },
  );

  app.get(
    "/report/manifest",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getReportManifest",
        tags: ["report"],
        summary: "manifest.json of the report: tool, run parameters, SHA-256 of every input, finding, chart and the HTML",
        response: { 200: { type: "object", additionalProperties: true, description: "manifest.json (src/report/manifest.ts)" }, ...errorResponses },
      },
    },
    async (_req, reply) => {
      const built = await report(ctx);
      // the manifest's exact bytes, as `organ-audit report` writes them
      return reply.type("application/json; charset=utf-8").send(built.manifestText);
    },
  );
}
