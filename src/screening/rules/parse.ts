/**
 * Parser of the screening rule language (documented in docs/SCREENING.md, "Rule language").
 *
 *   # a comment
 *   list donor = "供体", "供者", "donor"
 *   rule dead_donor in fulltext:
 *     fuzzy(@intubation, 0.28) NEAR/70 "供"
 *   rule english in title, abstract:
 *     ("organ procurement" OR "organ harvest*") AND NOT "animal model"
 *
 * Grammar (keywords case-insensitive):
 *   file    := (list | rule)*
 *   list    := "list" NAME "=" STRING ("," STRING)*
 *   rule    := "rule" NAME ["in" FIELD ("," FIELD)*] ":" expr
 *   expr    := and ("OR" and)*
 *   and     := unary ("AND" unary)*
 *   unary   := "NOT" unary | prox
 *   prox    := atom (("NEAR/" INT | "NOTNEAR/" INT) atom)*
 *   atom    := STRING | "@" NAME | "fuzzy" "(" (STRING | "@" NAME) "," NUMBER ")" | "(" expr ")"
 *
 * Pure: no I/O. Errors are OrganAuditError SC_RULE_SYNTAX naming line and column.
 */
import { OrganAuditError } from "../../core/errors.js";

export const RULE_FIELDS = ["title", "abstract", "keywords", "fulltext"] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export type RuleExpr =
  | { kind: "phrase"; phrases: string[]; source: string }
  | { kind: "fuzzy"; phrases: string[]; maxDistance: number; source: string }
  | { kind: "and"; items: RuleExpr[] }
  | { kind: "or"; items: RuleExpr[] }
  | { kind: "not"; item: RuleExpr }
  | { kind: "near"; left: RuleExpr; right: RuleExpr; distance: number; negated: boolean };

export interface Rule {
  name: string;
  fields: RuleField[];
  expr: RuleExpr;
  line: number;
}

export interface RuleSet {
  lists: Record<string, string[]>;
  rules: Rule[];
}

type TokKind = "string" | "name" | "number" | "at" | "lparen" | "rparen" | "comma" | "colon" | "eq" | "near" | "eof";
interface Tok {
  kind: TokKind;
  text: string;
  value?: string | number;
  line: number;
  col: number;
}

function syntax(file: string | undefined, line: number, col: number, detail: string): OrganAuditError {
  return new OrganAuditError("SC_RULE_SYNTAX", { column: col, detail }, { ...(file ? { file } : {}), line }, { line, column: col });
}

function lex(src: string, file: string | undefined): Tok[] {
  const toks: Tok[] = [];
  const chars = Array.from(src);
  let i = 0;
  let line = 1;
  let col = 1;
  const adv = (): string => {
    const c = chars[i++]!;
    if (c === "\n") {
      line++;
      col = 1;
    } else col++;
    return c;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === "\r" || c === "\n" || c === " " || c === "\t" || c === "\u3000" || c === "\ufeff") {
      adv();
      continue;
    }
    if (c === "#") {
      while (i < chars.length && chars[i] !== "\n") adv();
      continue;
    }
    const l = line;
    const cl = col;
    if (c === '"' || c === "“") {
      const close = c === '"' ? '"' : "”";
      adv();
      let s = "";
      while (true) {
        if (i >= chars.length || chars[i] === "\n") throw syntax(file, l, cl, "unterminated string (missing closing quote)");
        const d = adv();
        if (d === close) break;
        if (d === "\\" && close === '"') {
          if (i >= chars.length) throw syntax(file, l, cl, "unterminated string");
          s += adv();
          continue;
        }
        s += d;
      }
      if (s.trim() === "") throw syntax(file, l, cl, "empty phrase");
      toks.push({ kind: "string", text: s, value: s, line: l, col: cl });
      continue;
    }
    const single: Record<string, TokKind> = { "(": "lparen", ")": "rparen", ",": "comma", ":": "colon", "=": "eq", "@": "at" };
    const sk = single[c];
    if (sk) {
      adv();
      toks.push({ kind: sk, text: c, line: l, col: cl });
      continue;
    }
    if (/[0-9.]/.test(c)) {
      let s = "";
      while (i < chars.length && /[0-9.]/.test(chars[i]!)) s += adv();
      if (!/^(\d+\.?\d*|\.\d+)$/.test(s)) throw syntax(file, l, cl, `malformed number "${s}"`);
      toks.push({ kind: "number", text: s, value: Number(s), line: l, col: cl });
      continue;
    }
    if (/[\p{L}_]/u.test(c)) {
      let s = "";
      while (i < chars.length && /[\p{L}\p{N}_-]/u.test(chars[i]!)) s += adv();
      const up = s.toUpperCase();
      if ((up === "NEAR" || up === "NOTNEAR") && chars[i] === "/") {
        adv();
        let n = "";
        while (i < chars.length && /[0-9]/.test(chars[i]!)) n += adv();
        if (n === "") throw syntax(file, line, col, `${up}/ must be followed by a whole number of characters, e.g. ${up}/70`);
        toks.push({ kind: "near", text: `${up}/${n}`, value: Number(n), line: l, col: cl });
        continue;
      }
      toks.push({ kind: "name", text: s, value: s, line: l, col: cl });
      continue;
    }
    throw syntax(file, l, cl, `unexpected character "${c}"`);
  }
  toks.push({ kind: "eof", text: "end of file", line, col });
  return toks;
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "LIST", "RULE", "IN", "FUZZY"]);

/** Parse rule-language source. `file` is only used in error locations. */
export function parseRules(src: string, file?: string): RuleSet {
  const toks = lex(src, file);
  let k = 0;
  const peek = (): Tok => toks[k]!;
  const next = (): Tok => toks[k++]!;
  const isKw = (t: Tok, kw: string): boolean => t.kind === "name" && t.text.toUpperCase() === kw;
  const expect = (kind: TokKind, what: string): Tok => {
    const t = next();
    if (t.kind !== kind) throw syntax(file, t.line, t.col, `expected ${what}, found "${t.text}"`);
    return t;
  };
  const lists: Record<string, string[]> = {};
  const rules: Rule[] = [];
  const ruleNames = new Set<string>();

  const refList = (): { phrases: string[]; source: string } => {
    const at = next();
    const nameTok = expect("name", "a list name after @");
    const phrases = lists[nameTok.text];
    if (!phrases) {
      const known = Object.keys(lists);
      throw syntax(file, at.line, at.col, `unknown list @${nameTok.text} (define it with "list ${nameTok.text} = ..." before use${known.length ? `; defined: ${known.join(", ")}` : ""})`);
    }
    return { phrases, source: `@${nameTok.text}` };
  };

  const atom = (): RuleExpr => {
    const t = peek();
    if (t.kind === "string") {
      next();
      return { kind: "phrase", phrases: [t.text], source: JSON.stringify(t.text) };
    }
    if (t.kind === "at") return { kind: "phrase", ...refList() };
    if (t.kind === "lparen") {
      next();
      const e = expr();
      expect("rparen", '")"');
      return e;
    }
    if (isKw(t, "FUZZY")) {
      next();
      expect("lparen", '"(" after fuzzy');
      const target = peek().kind === "at" ? refList() : (() => {
        const s = expect("string", 'a phrase or @list');
        return { phrases: [s.text], source: JSON.stringify(s.text) };
      })();
      expect("comma", '"," then the maximum distance');
      const d = expect("number", "a maximum distance between 0 and 1");
      const maxDistance = d.value as number;
      if (!(maxDistance > 0 && maxDistance <= 1)) throw syntax(file, d.line, d.col, `maximum distance must be in (0, 1], found ${d.text}`);
      expect("rparen", '")"');
      return { kind: "fuzzy", phrases: target.phrases, maxDistance, source: `fuzzy(${target.source}, ${d.text})` };
    }
    throw syntax(file, t.line, t.col, `expected a phrase in quotes, @list, fuzzy(...) or "(", found "${t.text}"`);
  };

  const positional = (e: RuleExpr): boolean =>
    e.kind === "phrase" || e.kind === "fuzzy" || e.kind === "near" || ((e.kind === "and" || e.kind === "or") && e.items.some(positional));

  const prox = (): RuleExpr => {
    let left = atom();
    while (peek().kind === "near") {
      const op = next();
      const right = atom();
      if (!positional(left) || !positional(right)) throw syntax(file, op.line, op.col, `${op.text} needs phrases on both sides (not a NOT)`);
      left = { kind: "near", left, right, distance: op.value as number, negated: op.text.startsWith("NOTNEAR") };
    }
    return left;
  };
  const unary = (): RuleExpr => {
    if (isKw(peek(), "NOT")) {
      next();
      return { kind: "not", item: unary() };
    }
    return prox();
  };
  const and = (): RuleExpr => {
    const items = [unary()];
    while (isKw(peek(), "AND")) {
      next();
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const expr = (): RuleExpr => {
    const items = [and()];
    while (isKw(peek(), "OR")) {
      next();
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };

  while (peek().kind !== "eof") {
    const t = next();
    if (isKw(t, "LIST")) {
      const name = expect("name", "a list name");
      if (KEYWORDS.has(name.text.toUpperCase())) throw syntax(file, name.line, name.col, `"${name.text}" is a keyword`);
      if (lists[name.text]) throw syntax(file, name.line, name.col, `list "${name.text}" is defined twice`);
      expect("eq", '"="');
      const phrases = [expect("string", "a phrase in quotes").text];
      while (peek().kind === "comma") {
        next();
        phrases.push(expect("string", "a phrase in quotes").text);
      }
      lists[name.text] = phrases;
    } else if (isKw(t, "RULE")) {
      const name = expect("name", "a rule name");
      if (ruleNames.has(name.text)) throw syntax(file, name.line, name.col, `rule "${name.text}" is defined twice`);
      ruleNames.add(name.text);
      let fields: RuleField[] = [...RULE_FIELDS];
      if (isKw(peek(), "IN")) {
        next();
        fields = [];
        do {
          if (fields.length > 0) next();
          const f = expect("name", `a field (${RULE_FIELDS.join(", ")})`);
          const fl = f.text.toLowerCase();
          if (!(RULE_FIELDS as readonly string[]).includes(fl)) throw syntax(file, f.line, f.col, `unknown field "${f.text}" (fields: ${RULE_FIELDS.join(", ")})`);
          fields.push(fl as RuleField);
        } while (peek().kind === "comma");
      }
      expect("colon", '":" before the rule expression');
      const e = expr();
      const after = peek();
      if (after.kind !== "eof" && !isKw(after, "LIST") && !isKw(after, "RULE")) {
        throw syntax(file, after.line, after.col, `expected AND, OR, NEAR/n, NOTNEAR/n or a new "rule"/"list", found "${after.text}"`);
      }
      rules.push({ name: name.text, fields, expr: e, line: t.line });
    } else {
      throw syntax(file, t.line, t.col, `expected "list" or "rule", found "${t.text}"`);
    }
  }
  if (rules.length === 0) throw syntax(file, peek().line, peek().col, "no rule defined (write at least one \"rule NAME: ...\")");
  return { lists, rules };
}
