/**
 * MIME type of evidence bytes from magic numbers first, the file name's extension second (no I/O).
 * The magic number wins because file names of downloaded evidence are often wrong.
 */

const BY_EXT: Record<string, string> = {
  html: "text/html",
  htm: "text/html",
  xhtml: "application/xhtml+xml",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  tif: "image/tiff",
  tiff: "image/tiff",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  warc: "application/warc",
  gz: "application/gzip",
  mp4: "video/mp4",
  zip: "application/zip",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

/** Extension of a file name or URL path, lower-case, without the dot. */
export function extensionOf(name: string | undefined): string {
  if (!name) return "";
  const path = name.replace(/[?#].*$/, "");
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(path);
  return m?.[1]?.toLowerCase() ?? "";
}

/** MIME type from a file name's extension alone (for a record made before its bytes are read). */
export function mimeFromName(name: string | undefined): string {
  return BY_EXT[extensionOf(name)] ?? "application/octet-stream";
}

/** The MIME type of the bytes; `hint` is a declared type (e.g. HTTP Content-Type) used when magic says nothing. */
export function sniffMime(bytes: Uint8Array, filename?: string, hint?: string | null): string {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "image/tiff";
  if (startsWith(bytes, [0x49, 0x44, 0x33])) return "audio/mpeg";
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x41, 0x56, 0x45], 8)) return "audio/wav";
  if (startsWith(bytes, [0x1f, 0x8b])) return extensionOf(filename) === "warc" || /\.warc\.gz$/i.test(filename ?? "") ? "application/warc" : "application/gzip";
  const head = asciiHead(bytes);
  if (/^\s*(<!doctype html|<html\b|<head\b|<body\b)/i.test(head) || /<meta\b[^>]*charset/i.test(head)) return "text/html";
  if (/^WARC\/1\.[01]\r?\n/.test(head)) return "application/warc";
  const declared = hint?.split(";")[0]?.trim().toLowerCase();
  if (declared && declared !== "application/octet-stream") return declared;
  const byExt = BY_EXT[extensionOf(filename)];
  if (byExt) return byExt;
  return looksLikeText(bytes) ? "text/plain" : "application/octet-stream";
}

function asciiHead(bytes: Uint8Array): string {
  let s = "";
  const n = Math.min(bytes.length, 1024);
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]!);
  return s.replace(/^\ufeff|^\xef\xbb\xbf/, "");
}

/** No NUL bytes and few C0 control characters in the first 8 KiB. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  if (n === 0) return false;
  let ctrl = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) ctrl++;
  }
  return ctrl / n < 0.01;
}

export function isTextMime(mime: string): boolean {
  return mime.startsWith("text/") || mime === "application/json" || mime === "application/xhtml+xml";
}
