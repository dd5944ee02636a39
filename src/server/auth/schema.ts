/** Kysely table types of the team database (accounts, memberships, sessions). */
export interface UsersTable {
  id: string;
  name: string;
  /** "scrypt$N$r$p$salt$hash" (salt and hash base64url) */
  password_hash: string;
  created_at: string;
  /** 0 or 1 */
  disabled: number;
}

export interface MembershipsTable {
  user_id: string;
  project: string;
  role: string;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the random 32-byte token; the token itself is never stored */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen: string;
}

export interface TeamDb {
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
}
