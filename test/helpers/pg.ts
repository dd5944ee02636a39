/**
 * PostgreSQL for tests. `.ci/run` installs Debian's postgresql, starts it and sets ORGAN_AUDIT_TEST_PG
 * (and ORGAN_AUDIT_REQUIRE_PG=1, which turns "server not reachable" into a failure instead of a skip).
 * Locally: export ORGAN_AUDIT_TEST_PG=postgres://organ_audit:organ_audit@127.0.0.1:5432/organ_audit_test
 *
 * Each call of freshPgLocation() returns a location with its own schema, so tests never see each other's
 * tables; dropPgSchema() removes it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_URL = process.env.ORGAN_AUDIT_TEST_PG ?? "";
const REQUIRED = process.env.ORGAN_AUDIT_REQUIRE_PG === "1";

async function reachable(): Promise<boolean> {
  if (PG_URL === "") return false;
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** True when PostgreSQL tests should run; throws when they are required (CI) but the server is not reachable. */
export const pgAvailable: boolean = await (async () => {
  const ok = await reachable();
  if (!ok && REQUIRED) throw new Error(`ORGAN_AUDIT_REQUIRE_PG=1 but PostgreSQL is not reachable at ${PG_URL || "(ORGAN_AUDIT_TEST_PG unset)"}`);
  return ok;
})();

/** A PostgreSQL location with a new, empty schema (e.g. postgres://...?schema=t_3f2a...). */
export function freshPgLocation(): string {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const u = new URL(PG_URL);
  u.searchParams.set("schema", schema);
  return u.toString();
}

/** Drop the schema of a location made by freshPgLocation (and everything in it). */
export async function dropPgSchema(location: string): Promise<void> {
  const u = new URL(location);
  const schema = u.searchParams.get("schema");
  if (!schema || !/^t_[0-9a-f]{12}$/.test(schema)) return;
  u.searchParams.delete("schema");
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
