/**
 * HTTP(S) fetch for captures (adapter: network). Redirects are followed by hand (at most `maxRedirects`)
 * so that every exchange is recorded; the body is read as a stream and the capture is aborted when it
 * exceeds `maxBytes`; the whole capture has one timeout. Only http: and https: URLs are accepted.
 * `Accept-Encoding: identity` is requested so that servers usually send the body as stored.
 */
import { OrganAuditError } from "../../core/errors.js";
import { TOOL_VERSION } from "../../core/version.js";
import type { HttpExchange } from "./warc.js";

export interface FetchOptions {
  /** default 30 000 ms for the whole capture (all redirects) */
  timeoutMs?: number;
  /** default 50 MiB per response body */
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  /**
   * called with every URL before it is requested (the first and each redirect target); throw to refuse
   * it (a server checks here that the host is not on its own network)
   */
  checkUrl?: (url: string) => Promise<void>;
}

export interface FetchResult {
  exchanges: HttpExchange[];
  /** the last exchange (after redirects) */
  final: HttpExchange;
}

export const DEFAULT_MAX_CAPTURE_BYTES = 50 * 1024 * 1024;

export function checkCaptureUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OrganAuditError("EV_CAPTURE_URL", { url });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new OrganAuditError("EV_CAPTURE_URL", { url });
  return u;
}

async function readLimited(res: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new OrganAuditError("EV_CONTENT_TOO_LARGE", { what: `response of ${url}`, size: declared, limit: maxBytes });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new OrganAuditError("EV_CONTENT_TOO_LARGE", { what: `response of ${url}`, size: total, limit: maxBytes });
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export async function fetchWithExchanges(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  const maxRedirects = opts.maxRedirects ?? 5;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const exchanges: HttpExchange[] = [];
  let current = checkCaptureUrl(url).href;
  try {
    for (let hop = 0; ; hop++) {
      const requestHeaders: [string, string][] = [
        ["User-Agent", opts.userAgent ?? `organ-audit/${TOOL_VERSION} (evidence capture)`],
        ["Accept", "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"],
        ["Accept-Encoding", "identity"],
        ["Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"],
      ];
      if (opts.checkUrl) await opts.checkUrl(current);
      const date = new Date().toISOString();
      let res: Response;
      try {
        res = await fetch(current, { method: "GET", headers: requestHeaders, redirect: "manual", signal: controller.signal });
      } catch (e) {
        if (controller.signal.aborted) throw new OrganAuditError("EV_CAPTURE_TIMEOUT", { url: current, ms: timeoutMs });
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new OrganAuditError("EV_CAPTURE_FETCH", { url: current, detail: cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)) });
      }
      let body: Uint8Array;
      try {
        body = await readLimited(res, current, maxBytes);
      } catch (e) {
        if (controller.signal.aborted) throw new OrganAuditError("EV_CAPTURE_TIMEOUT", { url: current, ms: timeoutMs });
        throw e;
      }
      const ex: HttpExchange = {
        url: current,
        method: "GET",
        requestHeaders,
        status: res.status,
        statusText: res.statusText,
        responseHeaders: [...res.headers.entries()],
        body,
        date,
      };
      exchanges.push(ex);
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        if (hop >= maxRedirects) throw new OrganAuditError("EV_CAPTURE_FETCH", { url, detail: `more than ${maxRedirects} redirects` });
        current = checkCaptureUrl(new URL(location, current).href).href;
        continue;
      }
      return { exchanges, final: ex };
    }
  } finally {
    clearTimeout(timer);
  }
}
