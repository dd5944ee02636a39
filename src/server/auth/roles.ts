/** Roles per project, ordered: a higher role includes every lower one. */
export const ROLES = ["viewer", "analyst", "reviewer", "admin"] as const;
export type Role = (typeof ROLES)[number];
/** What a route declares in `config.access`. */
export type Access = "public" | Role;
export const ACCESS_LEVELS: readonly Access[] = ["public", ...ROLES];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

export function isAccess(v: unknown): v is Access {
  return typeof v === "string" && (ACCESS_LEVELS as readonly string[]).includes(v);
}

/** True when `have` includes `need` (viewer < analyst < reviewer < admin). */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Sealed witness fields are revealed only to roles that hold the witness key: admin. */
export function canSeeSensitive(role: Role): boolean {
  return role === "admin";
}
