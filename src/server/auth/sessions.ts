import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { DEFAULT_PROJECT } from "./accounts.js";
import { canSeeSensitive, isRole } from "./roles.js";
import type { RequestUser } from "./request-user.js";
import type { TeamDb } from "./schema.js";

export const SESSION_COOKIE = "oa_session";
/** A token is 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Create a session; returns the token (shown once to the client; only its SHA-256 is stored). */
export async function createSession(db: Kysely<TeamDb>, userId: string, ttlMs: number): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await db.insertInto("sessions").values({ token_hash: tokenHash(token), user_id: userId, created_at: now.toISOString(), expires_at: expiresAt, last_seen: now.toISOString() }).execute();
  return { token, expiresAt };
}

export async function deleteSession(db: Kysely<TeamDb>, token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  await db.deleteFrom("sessions").where("token_hash", "=", tokenHash(token)).execute();
}

/** Remove expired sessions (called now and then). */
export async function purgeExpired(db: Kysely<TeamDb>): Promise<void> {
  await db.deleteFrom("sessions").where("expires_at", "<=", new Date().toISOString()).execute();
}

/**
 * The user of a token, or undefined when the token is malformed, unknown, expired, or its user is
 * disabled. Updates last_seen at most once a minute (no write per request).
 */
export async function userForToken(db: Kysely<TeamDb>, token: string): Promise<RequestUser | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const h = tokenHash(token);
  const r = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .leftJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "users.id").on("memberships.project", "=", DEFAULT_PROJECT))
    .select(["users.id", "users.name", "users.disabled", "memberships.role", "sessions.expires_at", "sessions.last_seen"])
    .where("sessions.token_hash", "=", h)
    .executeTakeFirst();
  if (!r) return undefined;
  const now = new Date();
  if (r.expires_at <= now.toISOString() || Number(r.disabled) === 1 || !isRole(r.role)) return undefined;
  if (now.getTime() - Date.parse(r.last_seen) > 60_000)
    await db.updateTable("sessions").set({ last_seen: now.toISOString() }).where("token_hash", "=", h).execute();
  return { id: r.id, name: r.name, role: r.role, canSeeSensitive: canSeeSensitive(r.role) };
}

/** The value of one cookie from a Cookie header (no decoding beyond trimming). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", 0, secure);
}
