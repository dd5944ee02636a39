import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";
import { OrganAuditError } from "../core/errors.js";

/** The Vite build output of the web app (`npm run build:web`): <package root>/dist/web. */
export function defaultWebDir(): string {
  // src/server/static.ts and dist/server/static.js are both two levels below the package root
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "web");
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Organ Audit</title></head><body>
<h1>Organ Audit server</h1>
<p>The API is running (<a href="/api/openapi.json">/api/openapi.json</a>), but the web application has not been built.</p>
<p>Build it with <code>npm run build:web</code> (output: <code>dist/web/</code>) and reload this page.</p>
</body></html>
`;

/**
 * Serve the single-page web app from `webDir`: files as they are, any other non-/api GET path → index.html
 * (client-side routing). Without a build, `/` explains how to make one.
 */
export async function staticRoutes(app: FastifyInstance, opts: { webDir?: string } = {}): Promise<void> {
  const root = resolve(opts.webDir ?? defaultWebDir());
  const built = existsSync(join(root, "index.html"));
  if (built) await app.register(fastifyStatic, { root, serve: false });
  const schema = { hide: true };

  const send = async (request: FastifyRequest, reply: FastifyReply, rel: string): Promise<unknown> => {
    if (!built) {
      if (rel === "" || rel === "index.html") return reply.type("text/html; charset=utf-8").send(NOT_BUILT);
      throw new OrganAuditError("S_NOT_FOUND", { what: `/${rel}`.slice(0, 200) });
    }
    const file = resolve(root, rel);
    const inside = file === root || file.startsWith(root + sep);
    if (inside && rel !== "" && existsSync(file) && statSync(file).isFile()) {
      const immutable = rel.startsWith("assets/");
      return reply.sendFile(rel, { maxAge: immutable ? 31_536_000_000 : 0, immutable, dotfiles: "deny" });
    }
    // unknown asset-like paths are 404s; anything else is a client-side route
    if (/\.[a-z0-9]{1,8}$/i.test(rel) || !inside) throw new OrganAuditError("S_NOT_FOUND", { what: `/${rel}`.slice(0, 200) });
    void request;
    return reply.header("Cache-Control", "no-cache").sendFile("index.html", { maxAge: 0 });
  };

  app.get("/", { config: { access: "public" }, schema }, (request, reply) => send(request, reply, ""));
  app.get<{ Params: { "*": string } }>("/*", { config: { access: "public" }, schema }, (request, reply) => {
    const rel = request.params["*"] ?? "";
    if (rel === "api" || rel.startsWith("api/")) throw new OrganAuditError("S_NOT_FOUND", { what: `${request.method} /${rel}`.slice(0, 200) });
    if (rel.split("/").some((seg) => seg === ".." || seg.startsWith("."))) throw new OrganAuditError("S_NOT_FOUND", { what: "file" });
    return send(request, reply, rel);
  });
}
