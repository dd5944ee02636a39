/**
 * Character-set resolution and strict decoding of captured or imported text (no I/O).
 *
 * Order of evidence, as browsers do it: a byte-order mark, then the HTTP `Content-Type` charset, then an
 * HTML `<meta charset>` / `http-equiv` declaration in the first 4 KiB, then detection (strict UTF-8 first,
 * then chardet checked against strict GB18030 and Big5 decoding). Decoding is always strict: bytes that are
 * not valid in the chosen charset raise EV_CONTENT_ENCODING with the byte offset, never U+FFFD.
 * GB2312 and GBK labels are decoded with GB18030 (a strict superset), as pages labelled gb2312 routinely
 * contain GBK-only characters.
 */
import { OrganAuditError } from "../../core/errors.js";
import iconv from "iconv-lite";
import { detectEncoding } from "../../data/csv.js";

export type CharsetSource = "bom" | "header" | "meta" | "detected";

export interface DecodedText {
  text: string;
  /** WHATWG encoding name used to decode, e.g. "utf-8", "gb18030", "big5" */
  charset: string;
  source: CharsetSource;
  /** the label as declared (header or meta), when one was declared */
  declared?: string;
}

const ALIASES: Record<string, string> = {
  gb2312: "gb18030",
  gbk: "gb18030",
  "x-gbk": "gb18030",
  cp936: "gb18030",
  "windows-936": "gb18030",
  gb18030: "gb18030",
  "gb_2312-80": "gb18030",
  "big5-hkscs": "big5",
  big5: "big5",
  "x-x-big5": "big5",
  cp950: "big5",
  utf8: "utf-8",
  "utf-8": "utf-8",
};

/** Map a declared charset label to the WHATWG encoding used for decoding; undefined if unknown. */
export function canonicalCharset(label: string): string | undefined {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, "");
  if (l === "") return undefined;
  const alias = ALIASES[l];
  if (alias) return alias;
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header value, e.g. `text/html; charset=GBK` → "GBK". */
export function charsetFromContentType(contentType: string | undefined | null): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return m?.[2];
}

/** The charset declared by `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 4 KiB. */
export function charsetFromMeta(bytes: Uint8Array): string | undefined {
  const head = latin1(bytes.subarray(0, 4096));
  const metas = head.match(/<meta\b[^>]*>/gi) ?? [];
  for (const tag of metas) {
    const direct = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(tag);
    if (direct?.[1]) return direct[1];
  }
  return undefined;
}

function isMultiByte(charset: string): boolean {
  return ["utf-8", "gb18030", "gbk", "big5", "euc-jp", "shift_jis", "euc-kr", "utf-16le", "utf-16be", "iso-2022-jp"].includes(charset);
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return true;
  return false;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function bomOf(bytes: Uint8Array): { charset: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: "utf-16be", length: 2 };
  return undefined;
}

/** Decode strictly; on failure throw EV_CONTENT_ENCODING with the offset of the first bad byte. */
export function decodeStrict(bytes: Uint8Array, charset: string): string {
  const text = tryDecode(bytes, charset);
  if (text !== undefined) return text;
  throw new OrganAuditError("EV_CONTENT_ENCODING", { charset, offset: firstBadOffset(bytes, charset) });
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

/**
 * Strict decoding that also refuses text with C0 control characters (binary data, not text). Node's Big5
 * decoder silently drops some invalid bytes (0xFF) even in fatal mode, so Big5 is cross-checked with
 * iconv-lite, which marks them with U+FFFD.
 */
function tryDecode(bytes: Uint8Array, charset: string): string | undefined {
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (CONTROL.test(text)) return undefined;
  if (charset === "big5" && iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "big5").includes("\ufffd")) return undefined;
  return text;
}

/** Smallest prefix length at which strict decoding fails (binary search on prefixes; approximate for multi-byte). */
function firstBadOffset(bytes: Uint8Array, charset: string): number {
  let lo = 0;
  let hi = bytes.length;
  // invariant: prefix of length lo decodes (stream mode), prefix of length hi does not (or is the whole)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    let ok = true;
    try {
      new TextDecoder(charset, { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
    } catch {
      ok = false;
    }
    if (ok) lo = mid;
    else hi = mid;
  }
  // control bytes (refused as binary) are the same bytes in every ASCII-compatible charset
  for (let i = 0; i < lo; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return i;
  }
  return lo;
}

/** Detect the charset of undeclared bytes: UTF-8 if it decodes strictly, else GB18030/Big5/chardet's guess. */
export function detectCharset(bytes: Uint8Array): string {
  if (tryDecode(bytes, "utf-8") !== undefined) return "utf-8";
  const guess = detectEncoding(bytes);
  return canonicalCharset(guess) ?? "utf-8";
}

/**
 * Decode text bytes. `contentType` is the HTTP header (if any); `html` enables the `<meta>` declaration.
 * A declared charset that does not decode strictly is not trusted: detection is tried next, and only if
 * nothing decodes strictly is EV_CONTENT_ENCODING thrown (naming the declared or detected charset).
 */
export function decodeText(bytes: Uint8Array, opts: { contentType?: string | null; html?: boolean } = {}): DecodedText {
  const bom = bomOf(bytes);
  if (bom) return { text: decodeStrict(bytes.subarray(bom.length), bom.charset), charset: bom.charset, source: "bom" };
  const candidates: { label: string; source: CharsetSource }[] = [];
  const header = charsetFromContentType(opts.contentType);
  if (header) candidates.push({ label: header, source: "header" });
  if (opts.html) {
    const meta = charsetFromMeta(bytes);
    if (meta) candidates.push({ label: meta, source: "meta" });
  }
  let firstDeclared: string | undefined;
  for (const c of candidates) {
    const cs = canonicalCharset(c.label);
    if (!cs) continue;
    firstDeclared ??= cs;
    // A Latin-1 declaration (WHATWG windows-1252) decodes any bytes; on bytes that are valid UTF-8 or
    // Chinese it is a common server misconfiguration, so detection wins when it finds a multi-byte charset.
    if (cs === "windows-1252") {
      const detected = detectCharset(bytes);
      const dt = detected !== "windows-1252" && hasNonAscii(bytes) ? tryDecode(bytes, detected) : undefined;
      if (dt !== undefined) return { text: dt, charset: detected, source: "detected", declared: c.label };
    }
    const text = tryDecode(bytes, cs);
    if (text !== undefined) return { text, charset: cs, source: c.source, declared: c.label };
  }
  const detected = detectCharset(bytes);
  // Bytes that start as valid multi-byte UTF-8 and then break are broken UTF-8: a single-byte guess would
  // decode them without error, as mojibake, so they are refused with the offset of the first bad byte.
  if (detected !== "utf-8" && !isMultiByte(detected)) {
    const utf8Bad = firstBadOffset(bytes, "utf-8");
    // valid UTF-8 up to utf8Bad: any byte above 0x7f there belongs to a valid multi-byte sequence
    if (hasNonAscii(bytes.subarray(0, utf8Bad))) throw new OrganAuditError("EV_CONTENT_ENCODING", { charset: "utf-8", offset: utf8Bad });
  }
  const text = tryDecode(bytes, detected);
  if (text !== undefined) {
    const out: DecodedText = { text, charset: detected, source: "detected" };
    if (candidates[0]) out.declared = candidates[0].label;
    return out;
  }
  // nothing decodes: name the declared charset if there was one, else the detected one
  return { text: decodeStrict(bytes, firstDeclared ?? detected), charset: detected, source: "detected" };
}
