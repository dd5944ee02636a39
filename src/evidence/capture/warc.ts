/**
 * WARC 1.1 records of an HTTP capture, written with warcio (no I/O): one `warcinfo` record, then a
 * `request` and a `response` record per exchange (redirects included), each response linked to its
 * request by WARC-Concurrent-To, each record gzip-compressed separately (a valid .warc.gz), with
 * `sha256:` block and payload digests (hex). The fetcher (fetch.ts) decodes Content-Encoding, so the
 * response payload is the decoded body: the original Content-Encoding header is kept as
 * X-Archive-Orig-Content-Encoding and Content-Length is set to the stored length (the pywb/warcio
 * convention for re-written headers).
 */
import { WARCParser, WARCRecord, WARCSerializer, WARC_1_1 } from "warcio";

export interface HttpExchange {
  url: string;
  method: string;
  requestHeaders: [string, string][];
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  body: Uint8Array;
  /** ISO 8601 time the response started */
  date: string;
}

export const WARC_SOFTWARE = "organ-audit evidence capture (warcio 2.4.11)";

function* once(bytes: Uint8Array): Iterable<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

const REWRITE = new Set(["content-encoding", "content-length", "transfer-encoding"]);

function responseHeaders(ex: HttpExchange): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of ex.responseHeaders) {
    const lk = k.toLowerCase();
    if (REWRITE.has(lk)) {
      if (lk === "content-encoding" && v.toLowerCase() !== "identity") out.push(["X-Archive-Orig-Content-Encoding", v]);
      continue;
    }
    out.push([k, v]);
  }
  out.push(["Content-Length", String(ex.body.length)]);
  return out;
}

function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** Build the .warc.gz bytes of a capture. */
export async function buildWarc(exchanges: HttpExchange[], info: Record<string, string> = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const first = exchanges[0];
  const warcinfo = WARCRecord.createWARCInfo(
    { warcVersion: WARC_1_1, date: first?.date ?? new Date().toISOString(), filename: "capture.warc.gz" },
    { software: WARC_SOFTWARE, format: "WARC File Format 1.1", conformsTo: "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/", ...info },
  );
  parts.push(await WARCSerializer.serialize(warcinfo, { gzip: true }));
  for (const ex of exchanges) {
    const req = WARCRecord.create(
      {
        url: ex.url,
        date: ex.date,
        type: "request",
        warcVersion: WARC_1_1,
        statusline: `${ex.method} ${requestTarget(ex.url)} HTTP/1.1`,
        httpHeaders: [["Host", new URL(ex.url).host], ...ex.requestHeaders],
      },
      once(new Uint8Array(0)),
    );
    const reqId = req.warcHeader("WARC-Record-ID") ?? "";
    const res = WARCRecord.create(
      {
        url: ex.url,
        date: ex.date,
        type: "response",
        warcVersion: WARC_1_1,
        statusline: `HTTP/1.1 ${ex.status} ${ex.statusText || "-"}`,
        httpHeaders: responseHeaders(ex),
        warcHeaders: { "WARC-Concurrent-To": reqId },
      },
      once(ex.body),
    );
    parts.push(await WARCSerializer.serialize(req, { gzip: true }));
    parts.push(await WARCSerializer.serialize(res, { gzip: true }));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface ParsedWarcRecord {
  type: string;
  targetUri: string | null;
  date: string | null;
  payloadDigest: string | null;
  blockDigest: string | null;
  concurrentTo: string[];
  recordId: string | null;
  version: string;
  status: number | null;
  httpHeaders: Record<string, string>;
  payload: Uint8Array;
}

/** Read the records of a (gzip or plain) WARC, for verification and tests. */
export async function readWarc(bytes: Uint8Array): Promise<ParsedWarcRecord[]> {
  const out: ParsedWarcRecord[] = [];
  const parser = new WARCParser(once(bytes));
  for await (const rec of parser) {
    const payload = await rec.readFully(false);
    const headers: Record<string, string> = {};
    const hh = rec.httpHeaders?.headers;
    if (hh) for (const [k, v] of hh as Iterable<[string, string]>) headers[k.toLowerCase()] = v;
    out.push({
      type: rec.warcType,
      targetUri: rec.warcTargetURI ?? null,
      date: rec.warcDate ?? null,
      payloadDigest: rec.warcPayloadDigest ?? null,
      blockDigest: rec.warcBlockDigest ?? null,
      concurrentTo: rec.warcConcurrentTo ?? [],
      recordId: rec.warcHeader("WARC-Record-ID") ?? null,
      version: rec.warcHeaders.statusline,
      status: rec.httpHeaders?.statusCode === undefined ? null : Number(rec.httpHeaders.statusCode),
      httpHeaders: headers,
      payload: new Uint8Array(payload),
    });
  }
  return out;
}
