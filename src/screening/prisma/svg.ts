/**
 * PRISMA 2020 flow diagram (new systematic reviews, databases and registers only) as an SVG string.
 * Pure and deterministic: the same counts give byte-identical output (no clock, no random ids).
 */
import type { PrismaCounts } from "./counts.js";

const W = 820;
const LEFT_X = 110;
const BOX_W = 330;
const RIGHT_X = 480;
const LINE_H = 16;
const PAD = 10;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Split a line at spaces so that it fits roughly `max` characters (CJK counts double). */
function wrap(line: string, max = 44): string[] {
  const width = (s: string): number => Array.from(s).reduce((w, c) => w + (/[\u2e80-\uffff]/.test(c) ? 2 : 1), 0);
  if (width(line) <= max) return [line];
  const out: string[] = [];
  let cur = "";
  for (const word of line.split(" ")) {
    const next = cur === "" ? word : `${cur} ${word}`;
    if (width(next) > max && cur !== "") {
      out.push(cur);
      cur = `  ${word}`;
    } else cur = next;
  }
  if (cur !== "") out.push(cur);
  return out;
}

interface Box {
  x: number;
  y: number;
  h: number;
  svg: string;
}

function box(x: number, y: number, lines: string[], bold = 0): Box {
  const wrapped = lines.flatMap((l, i) => wrap(l).map((t) => ({ t, b: i < bold })));
  const h = wrapped.length * LINE_H + 2 * PAD;
  const text = wrapped
    .map((l, i) => `<text x="${x + PAD}" y="${y + PAD + (i + 1) * LINE_H - 4}"${l.b ? ' font-weight="bold"' : ""}>${esc(l.t)}</text>`)
    .join("");
  return { x, y, h, svg: `<rect x="${x}" y="${y}" width="${BOX_W}" height="${h}" fill="#fff" stroke="#000"/>${text}` };
}

const n = (v: number): string => `(n = ${v})`;

export function prismaSvg(c: PrismaCounts, opts: { title?: string } = {}): string {
  const parts: string[] = [];
  let y = 50;
  const row = (left: string[], right: string[] | null): { l: Box; r: Box | null } => {
    const l = box(LEFT_X, y, left);
    const r = right ? box(RIGHT_X, y, right) : null;
    const h = Math.max(l.h, r?.h ?? 0);
    parts.push(l.svg);
    if (r) {
      parts.push(r.svg);
      parts.push(`<line x1="${LEFT_X + BOX_W}" y1="${y + l.h / 2}" x2="${RIGHT_X}" y2="${y + l.h / 2}" stroke="#000" marker-end="url(#arrow)"/>`);
    }
    const res = { l, r };
    y += h + 40;
    return res;
  };
  const down = (from: Box, toY: number): void => {
    parts.push(`<line x1="${from.x + BOX_W / 2}" y1="${from.y + from.h}" x2="${from.x + BOX_W / 2}" y2="${toY}" stroke="#000" marker-end="url(#arrow)"/>`);
  };
  const idLines = ["Records identified from:", ...c.identified.map((s) => `${s.source} ${n(s.n)}`), `Total ${n(c.identifiedTotal)}`];
  const r1 = row(idLines, ["Records removed before screening:", `Duplicate records removed ${n(c.duplicatesRemoved)}`]);
  const yScreen = y;
  const taReasons = c.screeningExcludedByReason.length > 1 ? c.screeningExcludedByReason.map((r) => `  ${r.reason} ${n(r.n)}`) : [];
  const r2 = row([`Records screened ${n(c.screened)}`, ...(c.screeningAwaiting > 0 ? [`Awaiting a decision ${n(c.screeningAwaiting)}`] : [])], [`Records excluded ${n(c.screeningExcluded)}`, ...taReasons]);
  down(r1.l, r2.l.y);
  const r3 = row([`Reports sought for retrieval ${n(c.sought)}`], [`Reports not retrieved ${n(c.notRetrieved)}`]);
  down(r2.l, r3.l.y);
  const r4 = row(
    [`Reports assessed for eligibility ${n(c.assessed)}`, ...(c.fullTextAwaiting > 0 ? [`Awaiting a decision ${n(c.fullTextAwaiting)}`] : [])],
    ["Reports excluded:", ...(c.excludedWithReasons.length === 0 ? [`${n(0)}`] : c.excludedWithReasons.map((r) => `${r.reason} ${n(r.n)}`))],
  );
  down(r3.l, r4.l.y);
  const yIncl = y;
  const r5 = row([`Studies included in review ${n(c.included)}`], null);
  down(r4.l, r5.l.y);
  // the last band needs room for its rotated label
  const H = Math.max(y, yIncl + 120);
  const band = (y0: number, y1: number, label: string): string =>
    `<rect x="20" y="${y0}" width="60" height="${y1 - y0 - 40}" fill="#cfe2f3" stroke="#000"/><text transform="translate(${55},${(y0 + y1 - 40) / 2}) rotate(-90)" text-anchor="middle" font-weight="bold">${label}</text>`;
  const title = opts.title ?? "PRISMA 2020 flow diagram";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, 'Noto Sans CJK SC', sans-serif" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>`,
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    band(50, yScreen, "Identification"),
    band(yScreen, yIncl, "Screening"),
    band(yIncl, H, "Included"),
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
