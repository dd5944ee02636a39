/**
 * The web app's only door to the server: JSON over fetch, same origin, the HttpOnly session cookie sent by
 * the browser (the app never sees or stores a token). Errors come back as the server's
 * `{ error: { code, message } }` body and are thrown as ApiError.
 */

export type Role = "viewer" | "analyst" | "reviewer" | "admin";
const ROLE_ORDER: Role[] = ["viewer", "analyst", "reviewer", "admin"];

export interface User {
  id: string;
  name: string;
  role: Role;
  canSeeSensitive?: boolean;
}

/** true when `role` includes `needed` (roles are ordered viewer < analyst < reviewer < admin) */
export function hasRole(user: User | null, needed: Role): boolean {
  if (!user) return false;
  return ROLE_ORDER.indexOf(user.role) >= ROLE_ORDER.indexOf(needed);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Called on any 401 so the app can go back to the login page. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function withQuery(path: string, q?: Query): string {
  if (!q) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(
  method: string,
  path: string,
  opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const init: RequestInit = { method, headers, credentials: "same-origin" };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(withQuery(path, opts.query), init);
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && onUnauthorized && path !== "/api/session") onUnauthorized();
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return json as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  api<T>("GET", path, signal ? { query, signal } : { query });
export const post = <T>(path: string, body?: unknown, signal?: AbortSignal) =>
  api<T>("POST", path, signal ? { body, signal } : { body });

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** Accept `{items}`, `{results}` or a bare array (endpoints differ in name, not in meaning). */
export function itemsOf<T>(x: unknown, key = "items"): T[] {
  if (Array.isArray(x)) return x as T[];
  if (x && typeof x === "object") {
    const o = x as Record<string, unknown>;
    for (const k of [key, "items", "results"]) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}

// ---- auth -------------------------------------------------------------------------------------------
export async function login(username: string, password: string): Promise<User> {
  const r = await post<{ user: User }>("/api/session", { username, password });
  return r.user;
}
export async function logout(): Promise<void> {
  await api<unknown>("DELETE", "/api/session");
}
export async function me(): Promise<User | null> {
  try {
    const r = await get<{ user?: User } & Partial<User>>("/api/me");
    if (r.user) return r.user;
    if (r.id && r.role) return r as User;
    return null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

// ---- findings and charts ----------------------------------------------------------------------------
export type Verdict = "flag" | "pass" | "insufficient-data" | "estimate";
export interface Finding {
  id: string;
  method: string;
  title: string;
  verdict: Verdict;
  statement: string;
  section?: string;
  statistic?: { name: string; value: number };
  pValue?: number | null;
  pAdjusted?: number | null;
  interval?: { level: number; low: number; high: number };
  caveats: { code: string; message: string }[];
  provenance?: {
    methodVersion?: string;
    seed?: number | null;
    parameters?: Record<string, unknown>;
    inputs?: { name: string; sha256: string }[];
  };
  result?: unknown;
}
export interface ChartRef {
  id: string;
  caption: string;
  findingIds: string[];
}
export interface Chart extends ChartRef {
  spec: Record<string, unknown>;
}

// ---- evidence ---------------------------------------------------------------------------------------
export interface SearchHit {
  id: string;
  sha256: string;
  snippet: string;
  highlights: [number, number][];
  title: string | null;
  evidenceType: string | null;
  language: string | null;
  capturedAt: string | null;
  tags: string[];
  score: number;
}
