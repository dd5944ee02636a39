/**
 * HTML to plain text with linkedom (no I/O, no script execution: linkedom builds a DOM and never runs
 * scripts). Scripts, styles, templates, embedded frames and objects are dropped; block elements become line
 * breaks; runs of spaces collapse; the page <title> and <html lang> are returned separately.
 */
import { parseHTML } from "linkedom";

export interface HtmlText {
  text: string;
  title: string | null;
  /** the document's declared language (`<html lang>`), if any */
  lang: string | null;
}

const DROP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "SVG", "CANVAS", "HEAD"]);
const BLOCK = new Set([
  "ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "BR", "DD", "DIV", "DL", "DT", "FIELDSET", "FIGCAPTION", "FIGURE",
  "FOOTER", "FORM", "H1", "H2", "H3", "H4", "H5", "H6", "HEADER", "HR", "LI", "MAIN", "NAV", "OL", "P", "PRE",
  "SECTION", "TABLE", "TBODY", "TD", "TFOOT", "TH", "THEAD", "TR", "UL", "CAPTION", "BODY", "HTML",
]);

interface MinimalNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<MinimalNode>;
}

export function htmlToText(html: string): HtmlText {
  const { document } = parseHTML(html);
  if (!document.documentElement) return { text: "", title: null, lang: null };
  const titleEl = document.querySelector("title");
  const title = titleEl?.textContent ? collapse(titleEl.textContent) : null;
  const lang = document.documentElement?.getAttribute("lang") ?? null;
  const parts: string[] = [];
  const walk = (node: MinimalNode): void => {
    if (node.nodeType === 3) {
      parts.push((node.textContent ?? "").replace(/\s+/g, " "));
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (DROP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) parts.push("\n");
    const kids = node.childNodes;
    for (let i = 0; i < kids.length; i++) walk(kids[i]!);
    if (block) parts.push("\n");
  };
  const root = (document.body ?? document.documentElement) as unknown as MinimalNode | null;
  if (root) walk(root);
  const text = parts
    .join("")
    .split("\n")
    .map((l) => collapse(l))
    .filter((l) => l !== "")
    .join("\n");
  return { text, title: title && title !== "" ? title : null, lang: lang && lang !== "" ? lang : null };
}

function collapse(s: string): string {
  return s.replace(/[ \t\u00a0\u3000]+/g, " ").trim();
}
