import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import { runStandardAudit, type StandardAudit } from "../audit/standard.js";
import { openDatabase, type Dialect } from "../db/open.js";
import { openArchive, type Archive } from "../evidence/store/archive.js";
import { isArchiveDir } from "../evidence/store/layout.js";
import { runMigrations } from "../evidence/store/migrate.js";
import { attachSearch } from "../evidence/search/backend.js";
import { ScreeningStore } from "../screening/store/store.js";
import { authMigrations } from "./auth/migrations.js";
import { DEFAULT_SCRYPT, type ScryptParams } from "./auth/password.js";
import { LoginLimiter } from "./auth/rate-limit.js";
import type { TeamDb } from "./auth/schema.js";

export type { Role, Access } from "./auth/roles.js";
export { ROLES, roleAtLeast } from "./auth/roles.js";
export type { RequestUser } from "./auth/request-user.js";

export interface ServerLimits {
  /** largest evidence upload (bytes), streamed */
  maxUploadBytes: number;
  /** largest JSON request body (bytes): fastify's bodyLimit */
  maxJsonBytes: number;
  /** most Monte Carlo draws a client may ask for */
  maxDraws: number;
}

export const DEFAULT_LIMITS: ServerLimits = { maxUploadBytes: 256 * 1024 ** 2, maxJsonBytes: 1024 ** 2, maxDraws: 100_000 };

/** Everything a route module needs. Created once per server by openServerContext(). */
export interface ServerContext {
  /** the server folder (team.sqlite, archive/, screening.sqlite) */
  dir: string;
  dialect: Dialect;
  /** where the tables live: a SQLite file (team.sqlite) or the postgres:// location */
  dbLocation: string;
  /** accounts, memberships, sessions */
  teamDb: Kysely<TeamDb>;
  /** the evidence archive (custody log; every API write is recorded here with the user's name as actor) */
  archive: Archive;
  /**
   * The screening store (helper C): dir/screening.sqlite on SQLite; on PostgreSQL the screening_* tables
   * live in the same database as the others (dbLocation). Opened by openServerContext, closed by closeServerContext.
   */
  screening: ScreeningStore;
  /** data package folder (undefined: the shipped data) */
  dataDir: string | undefined;
  /** the standard audit on the data package, computed once on first use */
  audit(): Promise<StandardAudit>;
  limits: ServerLimits;
  /** fastify's pino logger once buildApp ran (silent before). Never log passwords, tokens, cookies or witness fields. */
  log: FastifyBaseLogger;
  /** session lifetime */
  sessionTtlMs: number;
  /** add "Secure" to the session cookie (set when served behind TLS) */
  secureCookies: boolean;
  /** scrypt cost for new password hashes */
  scrypt: ScryptParams;
  /** failed-login throttle (per user name + client address) */
  loginLimiter: LoginLimiter;
  /** what happened while opening, for the operator (archive created, starter case loaded or why not) */
  notes: string[];
  /**
   * (helper E, evidence routes) let POST /api/evidence/capture fetch loopback/private addresses: off by
   * default (SSRF); tests that capture from a local HTTP server turn it on
   */
  captureAllowPrivate: boolean;
  /** (helper I) the DNS look-up of captures (default: the system resolver); tests inject one to simulate rebinding */
  captureResolve?: (host: string) => Promise<string[]>;
}

export interface OpenServerOptions {
  /** server folder (default ./organ-audit-server); created if missing */
  dir?: string;
  /** "postgres://..." to keep all tables in PostgreSQL (default: SQLite files in dir) */
  db?: string;
  /** data package folder (default: the shipped data) */
  dataDir?: string;
  limits?: Partial<ServerLimits>;
  sessionTtlHours?: number;
  secureCookies?: boolean;
  /** scrypt cost (tests lower it); default N=2^15, r=8, p=1 */
  scrypt?: ScryptParams;
  /** login throttle: failures allowed per window (default 10 per 5 minutes) */
  loginMaxFailures?: number;
  loginWindowMs?: number;
  /** archive durability (default "full"); "relaxed" for benchmarks */
  durability?: "full" | "relaxed";
  /** actor recorded when the archive is created */
  actor?: string;
  /** load the starter case (data/case/) when this call creates the archive (default false) */
  starter?: boolean;
  /** (helper E) allow captures of loopback/private addresses (default false) */
  captureAllowPrivate?: boolean;
  /** (helper I) DNS look-up for captures (tests) */
  captureResolve?: (host: string) => Promise<string[]>;
}

export const DEFAULT_SERVER_DIR = "organ-audit-server";

function silentLogger(): FastifyBaseLogger {
  const noop = (): void => undefined;
  const l: FastifyBaseLogger = {
    level: "silent",
    fatal: noop,
    error: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    silent: noop,
    child: () => l,
  } as unknown as FastifyBaseLogger;
  return l;
}

/** Open (and create when missing) the server's storage: team tables, evidence archive, screening store. */
export async function openServerContext(opts: OpenServerOptions = {}): Promise<ServerContext> {
  const dir = resolve(opts.dir ?? DEFAULT_SERVER_DIR);
  mkdirSync(dir, { recursive: true });
  const dbLocation = opts.db ?? join(dir, "team.sqlite");
  const opened = await openDatabase<TeamDb>(dbLocation);
  let archive: Archive | undefined;
  let screening: ScreeningStore | undefined;
  const notes: string[] = [];
  const archiveDir = join(dir, "archive");
  try {
    await runMigrations(opened.db, authMigrations);
    // On PostgreSQL the archive's tables live in the same database (and schema) as the team tables; its blobs,
    // config and keys stay in dir/archive.
    const fresh = !isArchiveDir(archiveDir);
    const actor = opts.actor ?? "organ-audit-server";
    archive = await openArchive(archiveDir, { create: true, actor, durability: opts.durability ?? "full", ...(opts.db ? { db: opts.db } : {}) });
    attachSearch(archive); // (helper E) the search backend: FTS5 on SQLite, pg_trgm on PostgreSQL
    if (fresh) notes.push(`created the evidence archive in ${archiveDir}`);
    if (fresh && opts.starter) {
      try {
        const { loadStarterCase } = await import("../evidence/claims/starter.js");
        await loadStarterCase(archive, { actor, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
        notes.push("loaded the starter case");
      } catch (e) {
        notes.push(`the starter case was not loaded: ${(e as Error).message}`);
      }
    }
    // (helper C) the screening store: its own SQLite file, or the shared PostgreSQL database (screening_* tables)
    screening = await ScreeningStore.open(opened.dialect === "postgres" ? dbLocation : join(dir, "screening.sqlite"), { create: true });
  } catch (e) {
    await screening?.close().catch(() => undefined);
    await archive?.close().catch(() => undefined);
    await opened.db.destroy();
    throw e;
  }
  let auditPromise: Promise<StandardAudit> | undefined;
  const dataDir = opts.dataDir;
  return {
    dir,
    dialect: opened.dialect,
    dbLocation,
    teamDb: opened.db,
    archive,
    screening,
    dataDir,
    // computed once; a failure is not cached (the next call tries again)
    audit: () =>
      (auditPromise ??= Promise.resolve()
        .then(() => runStandardAudit(dataDir ? { dataDir } : {}))
        .catch((e: unknown) => {
          auditPromise = undefined;
          throw e;
        })),
    limits: { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) },
    log: silentLogger(),
    sessionTtlMs: (opts.sessionTtlHours ?? 12) * 3600_000,
    secureCookies: opts.secureCookies ?? false,
    scrypt: opts.scrypt ?? DEFAULT_SCRYPT,
    loginLimiter: new LoginLimiter(opts.loginMaxFailures ?? 10, opts.loginWindowMs ?? 5 * 60_000),
    notes,
    captureAllowPrivate: opts.captureAllowPrivate ?? false,
    ...(opts.captureResolve ? { captureResolve: opts.captureResolve } : {}),
  };
}

/** Close the archive and the databases (idempotent enough: errors in one do not skip the others). */
export async function closeServerContext(ctx: ServerContext): Promise<void> {
  const errors: unknown[] = [];
  await ctx.archive.close().catch((e: unknown) => errors.push(e));
  await ctx.screening.close().catch((e: unknown) => errors.push(e));
  await ctx.teamDb.destroy().catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
}
