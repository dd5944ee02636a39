import type { Kysely } from "kysely";

/**
 * One schema migration. `id` is unique and sorts in application order within its module
 * ("core-0001-...", "search-0001-...", "claims-0001-..."). `up` must use portable SQL through the
 * schema builder where possible; where a dialect differs, branch inside `up` on dialectOf(db)
 * (src/evidence/store/sqlite-dialect.ts).
 */
export interface Migration {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up: (db: Kysely<any>) => Promise<void>;
  /** the dialects this migration is meant for (default: all); runMigrations skips it on the others */
  dialects?: ("sqlite" | "postgres")[];
}
