import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { OrganAuditError } from "../../core/errors.js";
import type { Archive } from "../../evidence/store/archive.js";
import { hashPassword, verifyPassword, DEFAULT_SCRYPT, type ScryptParams } from "./password.js";
import { isRole, ROLES, type Role } from "./roles.js";
import type { TeamDb } from "./schema.js";

/** The server holds one project for now. */
export const DEFAULT_PROJECT = "default";
export const MIN_PASSWORD_LENGTH = 10;
const NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

/** What account operations need: the team database, the archive (custody log) and the scrypt cost. */
export interface AccountsHost {
  teamDb: Kysely<TeamDb>;
  archive: Archive;
  scrypt?: ScryptParams;
}

/** A user as listed (never with the password hash). */
export interface UserInfo {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export function checkUsername(name: string): void {
  if (!NAME.test(name)) throw new OrganAuditError("S_BAD_USERNAME", { value: name.slice(0, 80) }, { field: "name" });
}

export function checkRole(role: string): Role {
  if (!isRole(role)) throw new OrganAuditError("S_BAD_ROLE", { value: role.slice(0, 40), allowed: ROLES.join(", ") }, { field: "role" });
  return role;
}

export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new OrganAuditError("S_WEAK_PASSWORD", { min: MIN_PASSWORD_LENGTH }, { field: "password" });
}

function userId(): string {
  return `U-${randomBytes(8).toString("hex")}`;
}

async function row(host: AccountsHost, name: string) {
  return host.teamDb
    .selectFrom("users")
    .leftJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "users.id").on("memberships.project", "=", DEFAULT_PROJECT))
    .select(["users.id", "users.name", "users.password_hash", "users.created_at", "users.disabled", "memberships.role"])
    .where("users.name", "=", name.normalize("NFC"))
    .executeTakeFirst();
}

function toInfo(r: { id: string; name: string; created_at: string; disabled: number; role: string | null }): UserInfo {
  return { id: r.id, name: r.name, role: isRole(r.role) ? r.role : "viewer", disabled: Number(r.disabled) === 1, createdAt: r.created_at };
}

export async function countUsers(host: Pick<AccountsHost, "teamDb">): Promise<number> {
  const r = await host.teamDb.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listUsers(host: Pick<AccountsHost, "teamDb">, opts: { offset?: number; limit?: number } = {}): Promise<{ items: UserInfo[]; total: number }> {
  const rows = await host.teamDb
    .selectFrom("users")
    .leftJoin("memberships", (j) => j.onRef("memberships.user_id", "=", "users.id").on("memberships.project", "=", DEFAULT_PROJECT))
    .select(["users.id", "users.name", "users.created_at", "users.disabled", "memberships.role"])
    .orderBy("users.name")
    .offset(opts.offset ?? 0)
    .limit(opts.limit ?? 500)
    .execute();
  return { items: rows.map(toInfo), total: await countUsers(host) };
}

export async function getUser(host: Pick<AccountsHost, "teamDb">, name: string): Promise<UserInfo | undefined> {
  const r = await row(host as AccountsHost, name);
  return r ? toInfo(r) : undefined;
}

async function activeAdmins(host: AccountsHost): Promise<string[]> {
  const rows = await host.teamDb
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select("users.name")
    .where("memberships.project", "=", DEFAULT_PROJECT)
    .where("memberships.role", "=", "admin")
    .where("users.disabled", "=", 0)
    .execute();
  return rows.map((r) => r.name);
}

/** Create a user with a role in the default project; recorded in the custody log (no secrets). */
export async function createUser(host: AccountsHost, inputRaw: { name: string; password: string; role: string }, actor: string): Promise<UserInfo> {
  const input = { ...inputRaw, name: inputRaw.name.normalize("NFC") };
  checkUsername(input.name);
  const role = checkRole(input.role);
  checkPassword(input.password);
  // names are unique regardless of case ("Admin" next to "admin" would blur who did what in the custody log)
  const clash = await host.teamDb.selectFrom("users").select("name").where(sql<string>`lower(name)`, "=", input.name.toLowerCase()).executeTakeFirst();
  if (clash) throw new OrganAuditError("S_USER_EXISTS", { name: clash.name }, { field: "name" });
  const hash = await hashPassword(input.password, host.scrypt ?? DEFAULT_SCRYPT);
  const id = userId();
  const createdAt = new Date().toISOString();
  try {
    await host.teamDb.transaction().execute(async (trx) => {
      await trx.insertInto("users").values({ id, name: input.name, password_hash: hash, created_at: createdAt, disabled: 0 }).execute();
      await trx.insertInto("memberships").values({ user_id: id, project: DEFAULT_PROJECT, role }).execute();
    });
  } catch (e) {
    // a concurrent insert of the same name lost the race: the unique index refused it
    // names are unique regardless of case ("Admin" next to "admin" would blur who did what in the custody log)
  const clash = await host.teamDb.selectFrom("users").select("name").where(sql<string>`lower(name)`, "=", input.name.toLowerCase()).executeTakeFirst();
  if (clash) throw new OrganAuditError("S_USER_EXISTS", { name: clash.name }, { field: "name" });
    throw e;
  }
  await host.archive.record({ actor, action: "account", data: { event: "user-created", user: input.name, userId: id, project: DEFAULT_PROJECT, role } });
  return { id, name: input.name, role, disabled: false, createdAt };
}

async function requireRow(host: AccountsHost, name: string) {
  const r = await row(host, name);
  if (!r) throw new OrganAuditError("S_NO_USER", { name }, { field: "name" });
  return r;
}

/** Change a user's role in the default project (refuses to demote the last active admin). */
export async function setRole(host: AccountsHost, name: string, roleIn: string, actor: string): Promise<UserInfo> {
  const role = checkRole(roleIn);
  const r = await requireRow(host, name);
  const before = isRole(r.role) ? r.role : null;
  if (before === "admin" && role !== "admin" && Number(r.disabled) === 0) {
    const admins = await activeAdmins(host);
    if (admins.length <= 1) throw new OrganAuditError("S_LAST_ADMIN", {});
  }
  await host.teamDb.transaction().execute(async (trx) => {
    await trx.deleteFrom("memberships").where("user_id", "=", r.id).where("project", "=", DEFAULT_PROJECT).execute();
    await trx.insertInto("memberships").values({ user_id: r.id, project: DEFAULT_PROJECT, role }).execute();
  });
  await host.archive.record({ actor, action: "account", data: { event: "role-changed", user: name, userId: r.id, project: DEFAULT_PROJECT, from: before, to: role } });
  return toInfo({ ...r, role });
}

/** Set a new password; ends the user's sessions. */
export async function setPassword(host: AccountsHost, name: string, password: string, actor: string): Promise<void> {
  checkPassword(password);
  const r = await requireRow(host, name);
  const hash = await hashPassword(password, host.scrypt ?? DEFAULT_SCRYPT);
  await host.teamDb.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: hash }).where("id", "=", r.id).execute();
    await trx.deleteFrom("sessions").where("user_id", "=", r.id).execute();
  });
  await host.archive.record({ actor, action: "account", data: { event: "password-changed", user: name, userId: r.id } });
}

/** Disable a user (cannot sign in; sessions end). Refuses to disable the last active admin. */
export async function disableUser(host: AccountsHost, name: string, actor: string): Promise<UserInfo> {
  const r = await requireRow(host, name);
  if (r.role === "admin" && Number(r.disabled) === 0) {
    const admins = await activeAdmins(host);
    if (admins.length <= 1) throw new OrganAuditError("S_LAST_ADMIN", {});
  }
  await host.teamDb.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ disabled: 1 }).where("id", "=", r.id).execute();
    await trx.deleteFrom("sessions").where("user_id", "=", r.id).execute();
  });
  await host.archive.record({ actor, action: "account", data: { event: "user-disabled", user: name, userId: r.id } });
  return toInfo({ ...r, disabled: 1 });
}

/** Enable a disabled user again (sign-in allowed with the existing password; no session is restored). */
export async function enableUser(host: AccountsHost, name: string, actor: string): Promise<UserInfo> {
  const r = await requireRow(host, name);
  if (Number(r.disabled) === 0) return toInfo(r);
  await host.teamDb.updateTable("users").set({ disabled: 0 }).where("id", "=", r.id).execute();
  await host.archive.record({ actor, action: "account", data: { event: "user-enabled", user: name, userId: r.id } });
  return toInfo({ ...r, disabled: 0 });
}

// A fixed hash to verify against when the user does not exist, so that an unknown name costs the same
// time as a wrong password (no user enumeration by timing).
const dummyHashes = new Map<string, Promise<string>>();
function dummyHash(params: ScryptParams): Promise<string> {
  const k = `${params.N}/${params.r}/${params.p}`;
  let h = dummyHashes.get(k);
  if (!h) dummyHashes.set(k, (h = hashPassword(randomBytes(16).toString("hex"), params)));
  return h;
}

/**
 * Check a name and password. Returns the user, or undefined for an unknown name, a wrong password or a
 * disabled user alike (callers answer all three with the same error).
 */
export async function authenticate(host: AccountsHost, name: string, password: string): Promise<UserInfo | undefined> {
  const r = NAME.test(name) ? await row(host, name) : undefined;
  const ok = await verifyPassword(password, r ? r.password_hash : await dummyHash(host.scrypt ?? DEFAULT_SCRYPT));
  if (!r || !ok || Number(r.disabled) === 1 || !isRole(r.role)) return undefined;
  return toInfo(r);
}
