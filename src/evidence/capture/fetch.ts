/**
 * HTTP(S) fetch for captures (adapter: network), on node:http / node:https. Redirects are followed by
 * hand (at most `maxRedirects`) so that every exchange is recorded; the body is read as a stream and the
 * capture is aborted when it exceeds `maxBytes`; the whole capture has one timeout. Only http: and https:
 * URLs are accepted. `Accept-Encoding: identity` is requested so that servers usually send the body as
 * stored; a gzip/deflate/br body is decoded (bounded by `maxBytes`) and the WARC keeps the original
 * encoding as X-Archive-Orig-Content-Encoding (warc.ts).
 *
 * `lookup` is the DNS look-up of every connection (a server passes publicOnlyLookup() from
 * address-policy.ts: the addresses it checks are the addresses connected to, no second resolution).
 * No connection pooling: each request has its own socket, so a socket opened for one host is never reused.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
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
  /** DNS look-up of every connection (default: the system's); throw/callback an error to refuse a host */
  lookup?: LookupFunction;
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

interface RawResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
}

function tooLarge(url: string, size: number, limit: number): OrganAuditError {
  return new OrganAuditError("EV_CONTENT_TOO_LARGE", { what: `response of ${url}`, size, limit });
}

/** Decode Content-Encoding (as browsers and Node's fetch do), the decoded size bounded by maxBytes. */
function decodeBody(raw: Buffer, encoding: string | undefined, url: string, maxBytes: number): Uint8Array {
  if (!encoding) return raw;
  const codings = encoding
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c !== "identity");
  let out = raw;
  const opts = { maxOutputLength: maxBytes };
  for (const c of codings.reverse()) {
    try {
      if (c === "gzip" || c === "x-gzip") out = gunzipSync(out, opts);
      else if (c === "deflate") {
        try {
          out = inflateSync(out, opts);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw e;
          out = inflateRawSync(out, opts);
        }
      } else if (c === "br") out = brotliDecompressSync(out, opts);
      else return out; // an unknown coding: kept as sent
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(url, maxBytes + 1, maxBytes);
      throw new OrganAuditError("EV_CAPTURE_FETCH", { url, detail: `the ${c} body does not decode` });
    }
  }
  return out;
}

/** One GET over node:http(s): status, raw header pairs, body (decoded, at most maxBytes). */
function getOnce(url: URL, headers: [string, string][], maxBytes: number, signal: AbortSignal, lookup: LookupFunction | undefined): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(e);
    };
    const req = send(url, {
      method: "GET",
      headers: Object.fromEntries(headers),
      agent: false,
      signal,
      ...(lookup ? { lookup } : {}),
    });
    req.on("error", fail);
    req.on("response", (res: IncomingMessage) => {
      const declared = Number(res.headers["content-length"] ?? "NaN");
      if (Number.isFinite(declared) && declared > maxBytes) return fail(tooLarge(url.href, declared, maxBytes));
      const chunks: Buffer[] = [];
      let total = 0;
      res.on("data", (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) return fail(tooLarge(url.href, total, maxBytes));
        chunks.push(c);
      });
      res.on("error", fail);
      res.on("aborted", () => fail(new Error("the connection closed before the end of the body")));
      res.on("end", () => {
        if (settled) return;
        try {
          const ce = res.headers["content-encoding"];
          const body = decodeBody(Buffer.concat(chunks, total), Array.isArray(ce) ? ce.join(",") : ce, url.href, maxBytes);
          const pairs: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          settled = true;
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: pairs, body });
        } catch (e) {
          fail(e);
        }
      });
    });
    req.end();
  });
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
      const target = new URL(current);
      // as Node's fetch did: credentials in a URL are not sent (nor archived in the WARC's request record)
      if (target.username !== "" || target.password !== "")
        throw new OrganAuditError("EV_CAPTURE_FETCH", { url: `${target.protocol}//${target.host}${target.pathname}`, detail: "the URL contains a user name or password" });
      // Node does not call `lookup` for a literal address: hand it to the look-up here, so that a policy
      // given as `lookup` alone also decides on http://127.0.0.1/ and http://[::1]/
      const literal = target.hostname.replace(/^\[|\]$/g, "");
      if (opts.lookup && isIP(literal)) {
        const check = opts.lookup;
        await new Promise<void>((resolve, reject) => check(literal, {}, (err) => (err ? reject(err) : resolve())));
      }
      const date = new Date().toISOString();
      let res: RawResponse;
      try {
        res = await getOnce(target, requestHeaders, maxBytes, controller.signal, opts.lookup);
      } catch (e) {
        if (controller.signal.aborted) throw new OrganAuditError("EV_CAPTURE_TIMEOUT", { url: current, ms: timeoutMs });
        if (e instanceof OrganAuditError) throw e; // refused by the look-up, too large
        const err = e as NodeJS.ErrnoException;
        throw new OrganAuditError("EV_CAPTURE_FETCH", { url: current, detail: err.code ?? (e instanceof Error ? e.message : String(e)) });
      }
      const ex: HttpExchange = {
        url: current,
        method: "GET",
        requestHeaders,
        status: res.status,
        statusText: res.statusText,
        responseHeaders: res.headers,
        body: res.body,
        date,
      };
      exchanges.push(ex);
      const location = res.headers.find(([k]) => k.toLowerCase() === "location")?.[1];
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
