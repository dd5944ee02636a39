/**
 * A small strict XML reader (pure), enough for PubMed XML: elements, attributes, text, the five
 * predefined entities and numeric character references, CDATA, comments, processing instructions and a
 * DOCTYPE (skipped). Not well-formed input (mismatched or unclosed tags, bad entities, text after the
 * root) raises an error naming the line. No external entities are ever resolved.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  line: number;
}
export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(detail);
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function parseXml(src: string): XmlElement {
  let i = 0;
  let line = 1;
  const n = src.length;
  const err = (d: string): XmlSyntaxError => new XmlSyntaxError(line, d);
  const advanceTo = (j: number): void => {
    for (let k = i; k < j; k++) if (src.charCodeAt(k) === 10) line++;
    i = j;
  };
  const decode = (s: string): string =>
    s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*)?(;)?/g, (m, e: string | undefined, semi: string | undefined) => {
      if (e === undefined || semi === undefined) throw err(`"&" must start an entity such as &amp; (found "${m}")`);
      if (e.startsWith("#")) {
        const cp = e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        if (!(cp > 0 && cp <= 0x10ffff)) throw err(`invalid character reference "${m}"`);
        return String.fromCodePoint(cp);
      }
      const v = ENTITIES[e];
      if (v === undefined) throw err(`unknown entity "&${e};"`);
      return v;
    });
  const skipMisc = (): void => {
    while (i < n) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      ws.exec(src);
      advanceTo(ws.lastIndex);
      if (src.startsWith("<?", i)) {
        const j = src.indexOf("?>", i);
        if (j < 0) throw err("unterminated processing instruction");
        advanceTo(j + 2);
      } else if (src.startsWith("<!--", i)) {
        const j = src.indexOf("-->", i);
        if (j < 0) throw err("unterminated comment");
        advanceTo(j + 3);
      } else if (src.startsWith("<!DOCTYPE", i)) {
        // skip to the matching '>' (internal subsets in [...] allowed)
        let depth = 0;
        let j = i;
        for (; j < n; j++) {
          const c = src[j];
          if (c === "[") depth++;
          else if (c === "]") depth--;
          else if (c === ">" && depth === 0) break;
        }
        if (j >= n) throw err("unterminated DOCTYPE");
        advanceTo(j + 1);
      } else return;
    }
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) throw err(`expected a name at "${src.slice(i, i + 10)}"`);
    advanceTo(NAME.lastIndex);
    return m[0];
  };
  const element = (): XmlElement => {
    if (src[i] !== "<") throw err("expected an element");
    const startLine = line;
    advanceTo(i + 1);
    const name = readName();
    const attrs: Record<string, string> = {};
    while (true) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      ws.exec(src);
      advanceTo(ws.lastIndex);
      if (i >= n) throw err(`unterminated start tag <${name}>`);
      if (src.startsWith("/>", i)) {
        advanceTo(i + 2);
        return { name, attrs, children: [], line: startLine };
      }
      if (src[i] === ">") {
        advanceTo(i + 1);
        break;
      }
      const an = readName();
      const eq = /\s*=\s*(["'])/y;
      eq.lastIndex = i;
      const m = eq.exec(src);
      if (!m) throw err(`attribute ${an} of <${name}> has no quoted value`);
      advanceTo(eq.lastIndex);
      const j = src.indexOf(m[1]!, i);
      if (j < 0) throw err(`unterminated attribute ${an}`);
      const v = src.slice(i, j);
      if (v.includes("<")) throw err(`"<" in attribute ${an}`);
      attrs[an] = decode(v);
      advanceTo(j + 1);
    }
    const children: XmlNode[] = [];
    while (true) {
      if (i >= n) throw err(`element <${name}> (line ${startLine}) is not closed; the file may be truncated`);
      if (src.startsWith("</", i)) {
        advanceTo(i + 2);
        const close = readName();
        if (close !== name) throw err(`closing tag </${close}> does not match <${name}> opened on line ${startLine}`);
        const gt = /\s*>/y;
        gt.lastIndex = i;
        if (!gt.exec(src)) throw err(`malformed closing tag </${close}`);
        advanceTo(gt.lastIndex);
        return { name, attrs, children, line: startLine };
      }
      if (src.startsWith("<![CDATA[", i)) {
        const j = src.indexOf("]]>", i);
        if (j < 0) throw err("unterminated CDATA section");
        children.push(src.slice(i + 9, j));
        advanceTo(j + 3);
      } else if (src.startsWith("<!--", i)) {
        const j = src.indexOf("-->", i);
        if (j < 0) throw err("unterminated comment");
        advanceTo(j + 3);
      } else if (src.startsWith("<?", i)) {
        const j = src.indexOf("?>", i);
        if (j < 0) throw err("unterminated processing instruction");
        advanceTo(j + 2);
      } else if (src[i] === "<") {
        children.push(element());
      } else {
        let j = src.indexOf("<", i);
        if (j < 0) j = n;
        children.push(decode(src.slice(i, j)));
        advanceTo(j);
      }
    }
  };
  skipMisc();
  if (i >= n) throw err("no root element");
  const root = element();
  skipMisc();
  if (i < n) throw err(`unexpected content after the root element </${root.name}>`);
  return root;
}

/** Child elements with a given name. */
export function childrenNamed(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

/** First descendant along a path of names (e.g. "Article/Journal/Title"). */
export function at(e: XmlElement | undefined, path: string): XmlElement | undefined {
  let cur = e;
  for (const p of path.split("/")) {
    if (!cur) return undefined;
    cur = childrenNamed(cur, p)[0];
  }
  return cur;
}

/** All text inside an element (inline markup such as <i> flattened), whitespace collapsed. */
export function textOf(e: XmlElement | undefined): string {
  if (!e) return "";
  const parts: string[] = [];
  const walk = (x: XmlElement): void => {
    for (const c of x.children) {
      if (typeof c === "string") parts.push(c);
      else walk(c);
    }
  };
  walk(e);
  return parts.join("").replace(/\s+/g, " ").trim();
}
