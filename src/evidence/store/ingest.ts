import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { OrganAuditError } from "../../core/errors.js";
import { extractText } from "../content/extract.js";
import { guessLanguage } from "../content/language.js";
import type { AddItemInput, AddItemResult, Archive } from "./archive.js";

/**
 * Add one local file with its extracted text (adapter). The text is extracted BEFORE anything is
 * stored (the content module's extractText: charset detection, HTML, PDF, plain text), so a file that cannot be read
 * (truncated PDF, invalid encoding) is refused with nothing stored; the item and its text are then
 * committed in one transaction. Files above `extractLimit` are streamed into the store without text.
 * Re-adding the same file is idempotent, and completes an item whose text is missing.
 */
export const DEFAULT_EXTRACT_LIMIT = 64 * 1024 * 1024;

export interface IngestResult extends AddItemResult {
  textId: string | null;
  /** why no text was stored, when none was */
  noText?: string;
}

export async function ingestFile(
  a: Archive,
  file: string,
  meta: Omit<AddItemInput, "bytes" | "path" | "derived">,
  opts: { extractLimit?: number } = {},
): Promise<IngestResult> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: `${file} is not a regular file` }, { file });
    size = st.size;
  } catch (e) {
    if (e instanceof OrganAuditError) throw e;
    throw new OrganAuditError("E_FILE_NOT_FOUND", { file });
  }
  if (size === 0) throw new OrganAuditError("EV_ARCH_EMPTY_FILE", { file });
  const filename = meta.filename ?? basename(file);
  const limit = opts.extractLimit ?? DEFAULT_EXTRACT_LIMIT;
  if (size > limit || size > a.maxItemBytes) {
    const r = await a.addItem({ ...meta, filename, path: file });
    return { ...r, textId: null, noText: `larger than the text-extraction limit of ${limit} bytes` };
  }
  const bytes = await readFile(file);
  const ext = await extractText(bytes, { filename, ...(meta.mime ? { mime: meta.mime } : {}) });
  const text = ext.text;
  const guessed = text ? guessLanguage(text) : "und";
  const language = meta.language ?? ext.lang ?? (guessed !== "und" ? guessed : undefined);
  const r = await a.addItem({
    ...meta,
    filename,
    bytes,
    mime: meta.mime ?? ext.mime,
    ...(language ? { language } : {}),
    derived: text ? [{ kind: "text", text, method: ext.method, mime: "text/plain; charset=utf-8", createdBy: meta.addedBy }] : [],
  });
  if (!text) return { ...r, textId: null, noText: `no text layer (${ext.mime})` };
  if (!r.existing) return { ...r, textId: r.derived[0]?.id ?? null };
  const got = await a.getItem(r.id);
  const have = got?.derived.find((d) => d.kind === "text" && d.method === ext.method);
  if (have) return { ...r, textId: have.id };
  const d = await a.addDerived(r.id, { kind: "text", text, method: ext.method, createdBy: meta.addedBy });
  return { ...r, textId: d.id };
}
