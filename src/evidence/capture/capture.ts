/**
 * `evidence capture URL` (adapter): fetch the page (every redirect recorded), build the WARC 1.1 records,
 * extract the decoded text, optionally render a screenshot and a PDF with Chromium, and only then store:
 * the response body as the item's original (its SHA-256 is the payload digest in the WARC), the WARC as a
 * derived `warc` record, the text as a derived `text` record (indexed), the screenshot and PDF as derived
 * records. A failure before storing (network, timeout, size limit, undecodable text) stores nothing.
 */
import { OrganAuditError } from "../../core/errors.js";
import type { AddDerivedInput, Archive } from "../store/archive.js";
import { extractText } from "../content/extract.js";
import { guessLanguage } from "../content/language.js";
import { sniffMime } from "../content/mime.js";
import { renderCapture, type RenderOutput } from "./browser.js";
import { fetchWithExchanges, type FetchOptions } from "./fetch.js";
import { buildWarc } from "./warc.js";

export interface CaptureOptions extends FetchOptions {
  screenshot?: boolean;
  pdf?: boolean;
  chromiumPath?: string;
  /** filter for the live subresource requests of the screenshot/PDF rendering (see renderCapture) */
  allowRequest?: (url: string) => Promise<boolean>;
}

export interface CaptureMeta {
  evidenceType: string;
  addedBy: string;
  language?: string;
  source?: string;
  tags?: string[];
  capturedAt?: string;
  note?: string;
}

export interface CaptureResult {
  id: string;
  sha256: string;
  size: number;
  mime: string;
  /** an item with these bytes, URL and type existed: this capture added a new WARC (and missing text) to it */
  existing: boolean;
  duplicateOf?: string;
  charset?: string;
  language?: string;
  textId?: string;
  url: string;
  finalUrl: string;
  status: number;
  redirects: number;
  warcId: string;
  warcSha256: string;
  screenshotId?: string;
  pdfId?: string;
  /** non-fatal problems (e.g. no Chromium for --screenshot) */
  warnings: string[];
}

export async function captureUrl(archive: Archive, url: string, meta: CaptureMeta, opts: CaptureOptions = {}): Promise<CaptureResult> {
  const fetched = await fetchWithExchanges(url, opts);
  const final = fetched.final;
  if (final.body.length === 0) throw new OrganAuditError("EV_ARCH_EMPTY_FILE", { file: final.url });
  const warc = await buildWarc(fetched.exchanges, { "organ-audit-requested-url": url });
  const contentType = final.responseHeaders.find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? null;
  const mime = sniffMime(final.body, final.url, contentType);
  const ex = await extractText(final.body, { mime, contentType });
  const language = meta.language ?? ex.lang ?? (ex.text ? guessLanguage(ex.text) : undefined);
  const warnings: string[] = [];
  let rendered: RenderOutput = {};
  if (opts.screenshot || opts.pdf) {
    try {
      rendered = await renderCapture(
        { url: final.url, status: final.status, headers: final.responseHeaders, body: final.body },
        { screenshot: opts.screenshot, pdf: opts.pdf, timeoutMs: opts.timeoutMs, chromiumPath: opts.chromiumPath, ...(opts.allowRequest ? { allowRequest: opts.allowRequest } : {}) },
      );
    } catch (e) {
      if (e instanceof OrganAuditError && e.code === "EV_CAPTURE_NO_CHROMIUM") warnings.push(e.message);
      else throw e;
    }
  }
  const note = [
    `captured over HTTP: status ${final.status}`,
    fetched.exchanges.length > 1 ? `redirected from ${url} (${fetched.exchanges.length - 1} redirect(s))` : null,
    meta.note ?? null,
  ]
    .filter((s) => s !== null)
    .join("; ");
  const by = meta.addedBy;
  const textRec: AddDerivedInput | null =
    ex.text !== null
      ? { kind: "text", text: ex.text, mime: "text/plain; charset=utf-8", method: ex.method + (ex.charset ? ` (charset ${ex.charset} from ${ex.charsetSource})` : ""), createdBy: by, ...(language ? { language } : {}) }
      : null;
  const warcRec: AddDerivedInput = {
    kind: "warc",
    bytes: warc,
    mime: "application/warc",
    method: `warcio 2.4.11 WARC/1.1 gzip per record; ${fetched.exchanges.length} request/response pair(s)`,
    createdBy: by,
  };
  const extra: AddDerivedInput[] = [];
  if (rendered.screenshot) extra.push({ kind: "screenshot", bytes: rendered.screenshot, mime: "image/png", method: "chromium full-page screenshot (playwright-core 1.65.1)", createdBy: by });
  if (rendered.pdf) extra.push({ kind: "pdf", bytes: rendered.pdf, mime: "application/pdf", method: "chromium print-to-PDF A4 (playwright-core 1.65.1)", createdBy: by });
  // one transaction: the original, its text, the WARC and the renderings are committed together
  const item = await archive.addItem({
    bytes: final.body,
    url: final.url,
    mime,
    evidenceType: meta.evidenceType,
    addedBy: by,
    capturedAt: meta.capturedAt ?? final.date,
    note,
    ...(language ? { language } : {}),
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    ...(meta.tags !== undefined ? { tags: meta.tags } : {}),
    derived: [...(textRec ? [textRec] : []), warcRec, ...extra],
  });
  let derived = item.derived;
  if (item.existing) {
    // a re-capture of identical bytes: record this capture's WARC (and renderings, and text if missing)
    const have = (await archive.getItem(item.id))?.derived ?? [];
    const todo = [...(textRec && !have.some((d) => d.kind === "text") ? [textRec] : []), warcRec, ...extra];
    derived = [];
    for (const d of todo) {
      const r = await archive.addDerived(item.id, d);
      derived.push({ id: r.id, kind: d.kind, sha256: r.sha256 });
    }
    const oldText = have.find((d) => d.kind === "text");
    if (oldText && !derived.some((d) => d.kind === "text")) derived.push({ id: oldText.id, kind: "text", sha256: oldText.sha256 });
  }
  const find = (kind: string): { id: string; sha256: string } | undefined => derived.find((d) => d.kind === kind);
  const w = find("warc");
  if (!w) throw new Error("capture: the WARC record was not stored");
  const out: CaptureResult = {
    id: item.id,
    sha256: item.sha256,
    size: item.size,
    mime,
    existing: item.existing,
    url,
    finalUrl: final.url,
    status: final.status,
    redirects: fetched.exchanges.length - 1,
    warcId: w.id,
    warcSha256: w.sha256,
    warnings,
  };
  if (item.duplicateOf) out.duplicateOf = item.duplicateOf;
  if (ex.charset) out.charset = ex.charset;
  if (language) out.language = language;
  const t = find("text");
  if (t) out.textId = t.id;
  const sc = find("screenshot");
  if (sc) out.screenshotId = sc.id;
  const pd = find("pdf");
  if (pd) out.pdfId = pd.id;
  return out;
}
