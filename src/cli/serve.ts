import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { OrganAuditError } from "../core/errors.js";
import { buildApp, type BuildOptions } from "../server/app.js";
import {
  closeServerContext,
  DEFAULT_SERVER_DIR,
  openServerContext,
  ROLES,
  type OpenServerOptions,
  type ServerContext,
} from "../server/context.js";
import {
  countUsers,
  createUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  setPassword,
  setRole,
} from "../server/auth/accounts.js";
import { randomPassword } from "../server/auth/password.js";
import type { CliContext } from "./main.js";
import { numberOption, printJson, type Io } from "./io.js";

/**
 * `organ-audit serve`: the HTTP API and the web app on localhost; `organ-audit user ...`: accounts, without
 * a running server (the first admin, password resets).
 */

function cliActor(): string {
  if (process.env.ORGAN_AUDIT_ACTOR) return process.env.ORGAN_AUDIT_ACTOR;
  try {
    return `cli:${userInfo().username || "unknown"}`;
  } catch {
    return "cli:unknown";
  }
}

/** A password from a file: the first line, without its line ending. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new OrganAuditError("S_PASSWORD_FILE", { file, detail: (e as NodeJS.ErrnoException).code ?? "unreadable" });
  }
  const line = text.split(/\r?\n/)[0] ?? "";
  if (line === "") throw new OrganAuditError("S_PASSWORD_FILE", { file, detail: "the first line is empty" });
  return line;
}

export interface StartServerOptions extends OpenServerOptions {
  host?: string;
  port?: number;
  /** password of the first admin, when no user exists yet (default: a random one, reported once) */
  adminPassword?: string;
  build?: BuildOptions;
  /**
   * compute the standard audit before listening (default true). It is synchronous CPU work (1-5 s) that
   * would block the event loop, so it runs before the port opens: once the URL is known, every route
   * (including /api/health) answers promptly. A failure does not stop the server (/api/findings retries).
   */
  precomputeAudit?: boolean;
  /** progress lines for the operator ("computing the standard audit...") */
  progress?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  /** set when this start created the first admin with a random password (show it once) */
  firstAdmin?: { name: string; password: string | null };
  /** how long the standard audit took before listening (ms), or why it failed */
  audit?: { ms: number } | { error: string };
  close(): Promise<void>;
}

/** Open the context, create the first admin if there is no user, build the app and listen. */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const ctx = await openServerContext(opts);
  let app: FastifyInstance | undefined;
  try {
    let firstAdmin: RunningServer["firstAdmin"];
    if ((await countUsers(ctx)) === 0) {
      const password = opts.adminPassword ?? randomPassword();
      await createUser(ctx, { name: "admin", password, role: "admin" }, cliActor());
      firstAdmin = { name: "admin", password: opts.adminPassword ? null : password };
    }
    app = await buildApp(ctx, opts.build ?? {});
    let audit: RunningServer["audit"];
    if (opts.precomputeAudit ?? true) {
      opts.progress?.("computing the standard audit...");
      const t0 = performance.now();
      try {
        await ctx.audit();
        audit = { ms: Math.round(performance.now() - t0) };
      } catch (e) {
        audit = { error: e instanceof Error ? e.message : String(e) };
        app.log.error({ err: e }, "the standard audit failed");
      }
    }
    const address = await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 8080 });
    const a = app;
    let closed = false;
    return {
      url: `${address.replace("://[::1]", "://localhost")}/`,
      app: a,
      ctx,
      ...(firstAdmin ? { firstAdmin } : {}),
      ...(audit ? { audit } : {}),
      async close() {
        if (closed) return;
        closed = true;
        try {
          await a.close();
        } finally {
          await closeServerContext(ctx);
        }
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    await closeServerContext(ctx).catch(() => undefined);
    throw e;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

interface Where {
  dir?: string;
  db?: string;
  json?: boolean;
}

function whereOptions(c: Command): Command {
  return c
    .option("--dir <dir>", `server folder: team.sqlite, archive/, screening.sqlite (default ./${DEFAULT_SERVER_DIR})`)
    .option(
      "--db <location>",
      "postgres://user@host/db?schema=NAME to keep all tables in PostgreSQL (default: SQLite files in --dir)",
    );
}

function openOpts(o: Where): OpenServerOptions {
  return { ...(o.dir ? { dir: o.dir } : {}), ...(o.db ? { db: o.db } : {}) };
}

async function withContext<T>(o: Where, fn: (ctx: ServerContext) => Promise<T>): Promise<T> {
  const ctx = await openServerContext(openOpts(o));
  try {
    return await fn(ctx);
  } finally {
    await closeServerContext(ctx);
  }
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

function printFirstAdmin(io: Io, first: NonNullable<RunningServer["firstAdmin"]>): void {
  if (first.password === null)
    io.err(`created the first user "${first.name}" (role admin) with the password from --admin-password-file`);
  else
    io.err(
      `created the first user "${first.name}" (role admin) with the one-time password: ${first.password}\n` +
        `it is shown only now; sign in and change it (PUT /api/me/password), or set one with "organ-audit user password ${first.name} --password-file FILE"`,
    );
}

export function register(program: Command, ctx: CliContext): void {
  whereOptions(program.command("serve"))
    .description("start the HTTP API and the web app (localhost only by default); stops cleanly on Ctrl-C / SIGTERM")
    .option("--host <host>", "address to listen on (default 127.0.0.1: this machine only)", "127.0.0.1")
    .option("--port <port>", "port (0: any free port)", "8080")
    .option("--data <dir>", "data package folder (default: the shipped data)")
    .option(
      "--admin-password-file <file>",
      "password of the first admin, created when no user exists (default: a random one, printed once)",
    )
    .option("--empty", "do not load the starter case into a new archive")
    .option("--secure-cookies", "mark the session cookie Secure (when served behind TLS)")
    .option("--trust-proxy", "trust X-Forwarded-* headers (only behind your own reverse proxy)")
    .option(
      "--log-level <level>",
      "fatal, error, warn, info, debug (logs are JSON lines on stdout; credentials are redacted)",
      "info",
    )
    .option(
      "--allow-private-capture",
      "let web captures fetch loopback, private and link-local addresses (off: the server refuses them, SSRF)",
    )
    .action(
      async (
        o: Where & {
          host: string;
          port: string;
          data?: string;
          adminPasswordFile?: string;
          empty?: boolean;
          secureCookies?: boolean;
          trustProxy?: boolean;
          logLevel: string;
          allowPrivateCapture?: boolean;
        },
      ) => {
        const port = numberOption(o.port, "--port", { integer: true, min: 0, max: 65535 }) ?? 8080;
        const adminPassword = o.adminPasswordFile ? readPasswordFile(o.adminPasswordFile) : undefined;
        const server = await startServer({
          ...openOpts(o),
          host: o.host,
          port,
          starter: !o.empty,
          ...(o.data ? { dataDir: o.data } : {}),
          ...(adminPassword ? { adminPassword } : {}),
          ...(o.secureCookies ? { secureCookies: true } : {}),
          ...(o.allowPrivateCapture ? { captureAllowPrivate: true } : {}),
          build: { logger: { level: o.logLevel }, ...(o.trustProxy ? { trustProxy: true } : {}) },
          progress: (line) => ctx.io.err(line),
        });
        for (const n of server.ctx.notes) ctx.io.err(n);
        if (server.audit && "error" in server.audit)
          ctx.io.err(`warning: the standard audit failed (${server.audit.error}); /api/findings will try again`);
        if (server.firstAdmin) printFirstAdmin(ctx.io, server.firstAdmin);
        if (!LOOPBACK.has(o.host))
          ctx.io.err(
            `warning: listening on ${o.host}, reachable from other machines; put it behind TLS (and use --secure-cookies)`,
          );
        if (o.allowPrivateCapture)
          ctx.io.err(
            "warning: --allow-private-capture: web captures may fetch loopback, private and link-local addresses (this machine, its network, cloud metadata); use it only on a trusted single-user machine",
          );
        ctx.io.err(`Organ Audit server: ${server.url} (${server.ctx.dialect}; stop with Ctrl-C)`);
        const sig = await waitForSignal();
        ctx.io.err(`${sig}: shutting down`);
        await server.close();
      },
    );

  const user = program.command("user").description("manage server accounts (works without a running server)");
  const roleList = ROLES.join(", ");

  whereOptions(user.command("add"))
    .description("add a user with a role (password from --password-file, or a random one printed once)")
    .argument("<name>", "user name")
    .requiredOption("--role <role>", `role: ${roleList}`)
    .option("--password-file <file>", "file whose first line is the password")
    .option("--json", "machine-readable output")
    .action(async (name: string, o: Where & { role: string; passwordFile?: string }) => {
      const given = o.passwordFile ? readPasswordFile(o.passwordFile) : undefined;
      const password = given ?? randomPassword();
      const u = await withContext(o, (c) => createUser(c, { name, password, role: o.role }, cliActor()));
      if (o.json) printJson(ctx.io, { user: u });
      else ctx.io.out(`added user ${u.name} (${u.role})`);
      if (!given) ctx.io.err(`one-time password for ${u.name}: ${password} (shown only now)`);
    });

  whereOptions(user.command("list"))
    .description("list users and their roles")
    .option("--json", "machine-readable output")
    .action(async (o: Where) => {
      const r = await withContext(o, (c) => listUsers(c));
      if (o.json) printJson(ctx.io, r);
      else for (const u of r.items) ctx.io.out(`${u.name}\t${u.role}${u.disabled ? "\tdisabled" : ""}`);
    });

  whereOptions(user.command("role"))
    .description("change a user's role")
    .argument("<name>", "user name")
    .argument("<role>", `new role: ${roleList}`)
    .option("--json", "machine-readable output")
    .action(async (name: string, role: string, o: Where) => {
      const u = await withContext(o, (c) => setRole(c, name, role, cliActor()));
      if (o.json) printJson(ctx.io, { user: u });
      else ctx.io.out(`${u.name} is now ${u.role}`);
    });

  whereOptions(user.command("disable"))
    .description("disable a user: sign-in refused, sessions ended")
    .argument("<name>", "user name")
    .option("--json", "machine-readable output")
    .action(async (name: string, o: Where) => {
      const u = await withContext(o, (c) => disableUser(c, name, cliActor()));
      if (o.json) printJson(ctx.io, { user: u });
      else ctx.io.out(`disabled ${u.name}`);
    });

  whereOptions(user.command("enable"))
    .description("enable a disabled user again (sign-in with the existing password)")
    .argument("<name>", "user name")
    .option("--json", "machine-readable output")
    .action(async (name: string, o: Where) => {
      const u = await withContext(o, (c) => enableUser(c, name, cliActor()));
      if (o.json) printJson(ctx.io, { user: u });
      else ctx.io.out(`enabled ${u.name}`);
    });

  whereOptions(user.command("password"))
    .description("set a user's password (ends their sessions); from --password-file, or a random one printed once")
    .argument("<name>", "user name")
    .option("--password-file <file>", "file whose first line is the password")
    .action(async (name: string, o: Where & { passwordFile?: string }) => {
      const given = o.passwordFile ? readPasswordFile(o.passwordFile) : undefined;
      const password = given ?? randomPassword();
      await withContext(o, async (c) => {
        if (!(await getUser(c, name))) throw new OrganAuditError("S_NO_USER", { name });
        await setPassword(c, name, password, cliActor());
      });
      ctx.io.out(`password of ${name} changed; their sessions ended`);
      if (!given) ctx.io.err(`one-time password for ${name}: ${password} (shown only now)`);
    });
}
