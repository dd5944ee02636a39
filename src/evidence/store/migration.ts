import type { Kysely } from "kysely";

/**
 * One schema migration. `id` is unique and sorts in application order within its module
 * ("core-0001-...", "search-0001-...", "claims-0001-..."). `up` must use portable SQL through the
 * schema builder where possible.
 */
export interface Migration {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up: (db: Kysely<any>) => Promise<void>;
}
