/**
 * Text extraction dispatcher: HTML (charset resolution + linkedom), PDF (pdfjs-dist, NFKC), plain text
 * (strict decoding), images (metadata only, no text). The original bytes are never changed; the result
 * is stored beside the item as a derived `text` record whose `method` names the extractor and version.
 */
import { decodeText, type CharsetSource } from "./charset.js";
import { htmlToText } from "./html-text.js";
import { imageMeta, type ImageMeta } from "./image-meta.js";
import { isTextMime, sniffMime } from "./mime.js";
import { extractPdfText } from "./pdf-text.js";

export const EXTRACTOR_VERSION = "1";

export interface ExtractedText {
  mime: string;
  /** null when the content has no text layer (images, audio, binary) */
  text: string | null;
  /** extractor and version, stored as the derived record's method */
  method: string;
  charset?: string;
  charsetSource?: CharsetSource;
  title?: string | null;
  lang?: string | null;
  pages?: number;
  image?: ImageMeta;
}

export interface ExtractOptions {
  filename?: string;
  /** HTTP Content-Type (captures) */
  contentType?: string | null;
  /** known MIME type; sniffed when absent */
  mime?: string;
}

export async function extractText(bytes: Uint8Array, opts: ExtractOptions = {}): Promise<ExtractedText> {
  const mime = opts.mime ?? sniffMime(bytes, opts.filename, opts.contentType);
  if (mime === "text/html" || mime === "application/xhtml+xml") {
    const dec = decodeText(bytes, { contentType: opts.contentType ?? null, html: true });
    const h = htmlToText(dec.text);
    return {
      mime,
      text: h.text,
      method: `html-linkedom/${EXTRACTOR_VERSION}`,
      charset: dec.charset,
      charsetSource: dec.source,
      title: h.title,
      lang: h.lang,
    };
  }
  if (mime === "application/pdf") {
    const p = await extractPdfText(bytes);
    return { mime, text: p.text, method: `pdfjs-dist-nfkc/${EXTRACTOR_VERSION}`, pages: p.pages };
  }
  if (isTextMime(mime)) {
    const dec = decodeText(bytes, { contentType: opts.contentType ?? null });
    return {
      mime,
      text: dec.text.normalize("NFC"),
      method: `text-decode/${EXTRACTOR_VERSION}`,
      charset: dec.charset,
      charsetSource: dec.source,
    };
  }
  if (mime.startsWith("image/")) {
    return { mime, text: null, method: `image-meta/${EXTRACTOR_VERSION}`, image: imageMeta(bytes, mime) };
  }
  return { mime, text: null, method: `none/${EXTRACTOR_VERSION}` };
}
