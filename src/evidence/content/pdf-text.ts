/**
 * PDF text extraction through pdfjs-dist (legacy build for Node). Text is NFKC-normalised: Chromium's CJK
 * PDFs map some glyphs to Kangxi radicals (U+2FA6 ⾦ for 金), which NFKC folds back, and to CJK Radicals
 * Supplement forms (U+2EA0 ⺠ for 民), which cjk-compat.ts folds. JavaScript in the PDF is
 * never evaluated (`isEvalSupported: false`). A truncated or damaged file raises EV_CONTENT_PDF.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OrganAuditError } from "../../core/errors.js";
import { normalizeCjk } from "./cjk-compat.js";

export interface PdfText {
  text: string;
  pages: number;
  /** text per page, NFKC-normalised */
  pageTexts: string[];
}

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

let fontDir: string | undefined;
function standardFontDataUrl(): string {
  if (fontDir === undefined) {
    const require = createRequire(import.meta.url);
    fontDir = join(dirname(require.resolve("pdfjs-dist/package.json")), "standard_fonts") + "/";
  }
  return fontDir;
}

const CJK_LINE_BREAK = /(?<=[\p{Script=Han}\d\u3000-\u303f\uff01-\uff5e])\n(?=[\p{Script=Han}\d\u3000-\u303f\uff01-\uff5e])/gu;

/**
 * Join lines broken inside Chinese text by the PDF's layout ("…自2015年1月1\n日起…"): a line break between
 * two Han characters, digits or full-width punctuation is dropped, so that substring search finds phrases
 * that wrap. Breaks next to Latin text or spaces are kept.
 */
export function joinCjkLines(s: string): string {
  return s.replace(CJK_LINE_BREAK, "");
}

export async function extractPdfText(bytes: Uint8Array, opts: { maxPages?: number } = {}): Promise<PdfText> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  // pdfjs may transfer (detach) the buffer it is given: hand it a copy
  const data = new Uint8Array(bytes);
  const task = pdfjs.getDocument({
    data,
    standardFontDataUrl: standardFontDataUrl(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: true,
  });
  try {
    const doc = await task.promise;
    const total = doc.numPages;
    const n = Math.min(total, opts.maxPages ?? Number.MAX_SAFE_INTEGER);
    const pageTexts: string[] = [];
    for (let p = 1; p <= n; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let s = "";
      for (const it of content.items as TextItemLike[]) {
        if (typeof it.str === "string") s += it.str;
        if (it.hasEOL) s += "\n";
      }
      pageTexts.push(joinCjkLines(normalizeCjk(s)).trim());
      page.cleanup();
    }
    await doc.destroy();
    return { text: pageTexts.join("\n\f\n"), pages: total, pageTexts };
  } catch (e) {
    await task.destroy().catch(() => undefined);
    if (e instanceof OrganAuditError) throw e;
    throw new OrganAuditError("EV_CONTENT_PDF", { detail: e instanceof Error ? e.message : String(e) });
  }
}
