/**
 * File names given by a remote client (pure). An uploaded file keeps its name as metadata only (blobs
 * are content-addressed), but a name is shown, exported and may be written to disk by a reader's tools,
 * so names that point elsewhere are refused rather than silently rewritten: path separators, "..",
 * drive letters, control characters, and names longer than 255 UTF-8 bytes.
 */

/** The name itself when it is a plain file name, else null. Leading/trailing spaces are trimmed; NFC. */
export function plainFileName(raw: string): string | null {
  const name = raw.normalize("NFC").trim();
  if (name === "" || name === "." || name === "..") return null;
  if (/[/\\]/.test(name)) return null;
  if (name.includes("..")) return null;
  if (/^[A-Za-z]:/.test(name)) return null;
  // C0, DEL, C1 controls, and Unicode line/paragraph separators and bidi overrides (spoofed extensions)
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    )
      return null;
  }
  if (Buffer.byteLength(name, "utf8") > 255) return null;
  return name;
}
