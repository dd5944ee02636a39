/**
 * The web app's only door to the server: JSON over fetch, same origin, the HttpOnly session cookie sent by
 * the browser (the app never sees or stores a token). Errors come back as the server's
 * `{ error: { code, message } }` body and are thrown as ApiError.
 */

export type Role = "viewer" | "analyst" | "reviewer" | "admin";
const ROLE_ORDER: Role[] = ["viewer", "analyst", "reviewer", "admin"];
/** the roles, lowest first */
export const ROLES: readonly Role[] = ROLE_ORDER;

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

/** Where the server says the input was wrong (file, line, column, field), when it says. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
  path?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly location?: ErrorLocation,
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
  return readResponse<T>(res, path);
}

/** The JSON body of a response, or the server's `{ error }` thrown as ApiError (a 401 ends the session). */
async function readResponse<T>(res: Response, path: string): Promise<T> {
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
    const err = (json as { error?: { code?: string; message?: string; location?: ErrorLocation } } | null)?.error;
    // a wrong password (sign-in, or the current password when changing it) is not the end of the session
    if (res.status === 401 && onUnauthorized && path !== "/api/session" && err?.code !== "S_BAD_LOGIN")
      onUnauthorized();
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText}`,
      err?.location,
    );
  }
  return json as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  api<T>("GET", path, signal ? { query, signal } : { query });
export const post = <T>(path: string, body?: unknown, signal?: AbortSignal) =>
  api<T>("POST", path, signal ? { body, signal } : { body });

export const put = <T>(path: string, body?: unknown) => api<T>("PUT", path, { body });

/**
 * Send a file as the raw request body (streamed by the browser, not read into a string), with its own
 * content type and extra headers; the answer is JSON like any other call.
 */
export async function sendFile<T>(
  path: string,
  file: Blob,
  opts: { query?: Query; contentType: string; headers?: Record<string, string>; signal?: AbortSignal },
): Promise<T> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": opts.contentType,
    ...opts.headers,
  };
  const init: RequestInit = { method: "POST", headers, credentials: "same-origin", body: file };
  if (opts.signal) init.signal = opts.signal;
  const res = await fetch(withQuery(path, opts.query), init);
  return readResponse<T>(res, path);
}

/**
 * The same as sendFile, with upload progress (XMLHttpRequest: fetch reports none). `onProgress` gets the
 * bytes sent and the total. A connection closed before an answer (e.g. a proxy's limit) is an ApiError
 * with status 0 and code E_NETWORK.
 */
export function sendFileWithProgress<T>(
  path: string,
  file: Blob,
  opts: {
    query?: Query;
    contentType: string;
    headers?: Record<string, string>;
    onProgress: (sent: number, total: number) => void;
  },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", withQuery(path, opts.query));
    const headers: Record<string, string> = {
      accept: "application/json",
      "content-type": opts.contentType,
      ...opts.headers,
    };
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      const body = xhr.status === 204 || xhr.status === 304 ? null : xhr.responseText;
      readResponse<T>(new Response(body, { status: xhr.status, statusText: xhr.statusText }), path).then(
        resolve,
        reject,
      );
    };
    xhr.onerror = () =>
      reject(
        new ApiError(
          0,
          "E_NETWORK",
          "the connection closed before the server answered (network error, or the server refused the upload and closed the connection); nothing is known to be stored",
        ),
      );
    xhr.onabort = () => reject(new ApiError(0, "E_ABORTED", "the upload was cancelled"));
    xhr.send(file);
  });
}

/** base64url (no padding) of a text's UTF-8 bytes, e.g. for the upload's x-witness-fields header. */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

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
