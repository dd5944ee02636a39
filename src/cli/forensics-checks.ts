import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { hashValues, type Finding, type InputRef } from "../core/finding.js";
import { counterFinding, partsWholeFinding, type CounterPoint, type QualifiedValue } from "../forensics/aggregation.js";
import { runAudit, type AuditComparison, type AuditRatio } from "../forensics/audit.js";
import { consistencyFinding, type Expectation } from "../forensics/consistency.js";
import { benfordFinding, fmtP, lastDigitFinding, roundingFinding, type DigitTestKind, type RoundingUnit } from "../forensics/digits.js";
import { parseModelName } from "../forensics/models.js";
import { buildPeerSet } from "../forensics/peers.js";
import { ratioBoundsFinding, ratioConstancyFinding, ratioPeerLevelFinding, ratioSeries, type PeerWindow, type RatioSeries } from "../forensics/ratios.js";
import type { Series } from "../forensics/series.js";
import { columnIndex, parseNumberCell, readCsvFile, readSeriesCsv } from "../data/user-csv.js";
import type { CliContext } from "./main.js";
import { EXIT, printJson, numberOption } from "./io.js";

/**
 * `organ-audit forensics benford|lastdigit|ratios|consistency|aggregation|audit`: the checks half of the
 * forensic battery. Exit 1 when any finding is flagged, 0 otherwise, 2 on input errors.
 */

function usage(detail: string): OrganAuditError {
  return new OrganAuditError("E_USAGE", { detail });
}

const num = numberOption;

function int(v: string | undefined, flag: string, min: number, max = 0xffffffff): number | undefined {
  const n = num(v, flag);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) throw usage(`${flag} expects an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

/** Read one numeric column of a CSV (empty cells skipped; non-numeric cells are errors naming file, line and field). */
export function readColumn(file: string, column: string, encoding?: string): { values: number[]; input: InputRef } {
  const { table, sha256 } = readCsvFile(file, encoding);
  const ci = columnIndex(table, column);
  const values: number[] = [];
  for (const row of table.rows) {
    const raw = row.cells[ci] ?? "";
    if (raw.trim() === "") continue;
    values.push(parseNumberCell(raw, { file, line: row.line, field: column }));
  }
  if (values.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: `no numeric values in column "${column}"` }, { file, field: column });
  return { values, input: { name: `${file}#${column}`, sha256, n: values.length } };
}

/** Row filters "col=value" (all must match). */
function parseFilters(list: string[] | undefined): [string, string][] {
  return (list ?? []).map((w) => {
    const i = w.indexOf("=");
    if (i <= 0) throw usage(`--where expects column=value, got "${w}"`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Read keyed (x, y) rows where y may be a sum of columns "a+b+c" (a row is skipped when any of them is
 * empty). Duplicate (key, x) is an error naming the line.
 */
export function readSumSeries(
  file: string,
  opts: { x: string; y: string; key?: string; where?: [string, string][]; encoding?: string },
): { rows: { key: string; x: number; y: number; line: number }[]; sha256: string } {
  const { table, sha256 } = readCsvFile(file, opts.encoding);
  const xi = columnIndex(table, opts.x);
  const parts = opts.y.split("+").map((c) => c.trim());
  const yi = parts.map((c) => columnIndex(table, c));
  const ki = opts.key !== undefined ? columnIndex(table, opts.key) : -1;
  const wi = (opts.where ?? []).map(([c, v]) => [columnIndex(table, c), v] as const);
  const rows: { key: string; x: number; y: number; line: number }[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    if (wi.some(([i, v]) => (row.cells[i] ?? "").trim() !== v)) continue;
    const cells = yi.map((i) => row.cells[i] ?? "");
    if (cells.some((c) => c.trim() === "")) continue;
    const x = parseNumberCell(row.cells[xi] ?? "", { file, line: row.line, field: opts.x });
    const y = cells.reduce((s, c, j) => s + parseNumberCell(c, { file, line: row.line, field: parts[j]! }), 0);
    const key = ki >= 0 ? (row.cells[ki] ?? "").trim() : "";
    const k = `${key}\u0000${x}`;
    if (seen.has(k)) throw new OrganAuditError("E_DUPLICATE_X", { x: String(x) }, { file, line: row.line, field: opts.x });
    seen.add(k);
    rows.push({ key, x, y, line: row.line });
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.x - b.x));
  return { rows, sha256 };
}

function seriesFrom(rows: { x: number; y: number }[], name: string, input: InputRef): Series {
  return { name, x: rows.map((r) => r.x), y: rows.map((r) => r.y), input };
}

function report(ctx: CliContext, findings: Finding[], json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) printJson(ctx.io, { ...extra, findings });
  else {
    for (const f of findings) {
      const stat = f.statistic ? `${f.statistic.name} = ${Number(f.statistic.value.toPrecision(6))}` : "-";
      const p = typeof f.pValue === "number" ? fmtP(f.pValue) : "-";
      const pa = typeof f.pAdjusted === "number" ? fmtP(f.pAdjusted) : "-";
      ctx.io.out(`${f.title} | ${f.verdict} | ${stat} | p ${p} | adjusted p ${pa}\n  ${f.statement}`);
    }
  }
  ctx.setExit(findings.some((f) => f.verdict === "flag") ? EXIT.checkFailed : EXIT.ok);
}

/** Parse a stated whole like "11620", "570+", "more than 570", "~1700", "about 1,700". */
export function parseStated(raw: string, flag: string): QualifiedValue {
  const s = raw.trim();
  let m = /^(.*?)\s*\+$/.exec(s);
  if (m) return { value: parseStatedNumber(m[1]!, flag), qualifier: "more than" };
  m = /^~\s*(.*)$/.exec(s);
  if (m) return { value: parseStatedNumber(m[1]!, flag), qualifier: "about" };
  m = /^(more than|over|at least|about|approx|approximately|around|nearly|less than|under|at most|fewer than)\s+(.*)$/i.exec(s);
  if (m) return { value: parseStatedNumber(m[2]!, flag), qualifier: m[1]!.toLowerCase() };
  return { value: parseStatedNumber(s, flag), qualifier: "exact" };
}

function parseStatedNumber(s: string, flag: string): number {
  const t = s.trim().replace(/(\d),(?=\d{3}(\D|$))/g, "$1");
  const n = Number(t);
  if (t === "" || !Number.isFinite(n)) throw usage(`${flag}: cannot read a number from "${s}"`);
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  const forensics =
    program.commands.find((c) => c.name() === "forensics") ?? program.command("forensics").description("forensic tests of official statistics");

  forensics
    .command("benford")
    .description("Benford digit test (chi-square, MAD with Nigrini's bands, discrete KS with a Monte Carlo p-value)")
    .requiredOption("--csv <file>", "CSV file")
    .option("--column <col>", "numeric column", "value")
    .option("--digits <which>", "first | second | firsttwo", "first")
    .option("--alpha <a>", "significance level", "0.05")
    .option("--seed <n>", "seed of the KS Monte Carlo", "1")
    .option("--sims <n>", "Monte Carlo simulations for the KS p-value", "1000")
    .option("--encoding <enc>", "encoding of --csv when not UTF-8")
    .option("--json", "machine-readable output")
    .action((o: { csv: string; column: string; digits: string; alpha: string; seed: string; sims: string; encoding?: string; json?: boolean }) => {
      if (!["first", "second", "firsttwo"].includes(o.digits)) throw usage(`--digits must be first, second or firsttwo, got "${o.digits}"`);
      const { values, input } = readColumn(o.csv, o.column, o.encoding);
      const f = benfordFinding(values, o.digits as DigitTestKind, {
        input,
        name: o.column,
        alpha: num(o.alpha, "--alpha")!,
        seed: int(o.seed, "--seed", 0)!,
        sims: int(o.sims, "--sims", 1, 1_000_000)!,
      });
      const r = f.result;
      if (o.json) {
        printJson(ctx.io, { test: r.test, n: r.n, chi2: r.chi2, df: r.df, pValue: r.pValue, mad: r.mad, conformity: r.conformity, ks: r.ks, excluded: r.excluded, nMin: r.nMin, power: r.power, verdict: f.verdict, finding: f });
        ctx.setExit(f.verdict === "flag" ? EXIT.checkFailed : EXIT.ok);
      } else report(ctx, [f], false);
    });

  forensics
    .command("lastdigit")
    .description("last-digit uniformity (chi-square, df 9) and rounding/heaping (binomial test)")
    .requiredOption("--csv <file>", "CSV file")
    .option("--column <col>", "numeric column", "value")
    .option("--min <v>", "smallest value used by the last-digit test (default 100: three or more digits)", "100")
    .option("--unit <u>", "rounding unit for the heaping test: 5, 10 or 100", "5")
    .option("--alpha <a>", "significance level", "0.05")
    .option("--encoding <enc>", "encoding of --csv when not UTF-8")
    .option("--json", "machine-readable output")
    .action((o: { csv: string; column: string; min: string; unit: string; alpha: string; encoding?: string; json?: boolean }) => {
      const unit = num(o.unit, "--unit");
      if (unit !== 5 && unit !== 10 && unit !== 100) throw usage(`--unit must be 5, 10 or 100, got "${o.unit}"`);
      const { values, input } = readColumn(o.csv, o.column, o.encoding);
      const alpha = num(o.alpha, "--alpha")!;
      const findings: Finding[] = [
        lastDigitFinding(values, { input, name: o.column, alpha, minValue: num(o.min, "--min")! }),
        roundingFinding(values, { input, name: o.column, alpha, unit: unit as RoundingUnit }),
      ];
      report(ctx, findings, !!o.json);
    });

  forensics
    .command("ratios")
    .description("internal ratios (e.g. organs per donor): physical bounds, level among peers, constancy vs peers")
    .requiredOption("--csv <file>", "CSV file with numerator and denominator columns")
    .option("--x <col>", "x column", "year")
    .requiredOption("--num <cols>", "numerator column, or a sum such as dd_kidney_tx+dd_liver_tx")
    .requiredOption("--den <col>", "denominator column")
    .option("--where <col=value>", "keep only rows where the column equals the value (repeatable)", collect)
    .option("--name <name>", "name of the ratio", "ratio")
    .option("--min <v>", "lowest plausible ratio (default 1)", "1")
    .option("--max <v>", "highest plausible ratio (default 8 organs per deceased donor)", "8")
    .option("--no-bounds", "skip the bounds check's min and max (generic ratios)")
    .option("--peers <file>", "CSV with the same kind of columns for peers")
    .option("--peer-key <col>", "peer key column (e.g. country)", "country")
    .option("--peer-x <col>", "peer x column (default: --x)")
    .option("--peer-num <cols>", "peer numerator column(s) (default: --num)")
    .option("--peer-den <col>", "peer denominator column (default: --den)")
    .option("--exclude <key>", "peer key to leave out (e.g. the target country; repeatable)", collect)
    .option("--peer-where <col=value>", "keep only peer rows where the column equals the value (repeatable), e.g. series=GODT", collect)
    .option("--window <w>", "peer comparison: same-length | same-x | all", "same-length")
    .option("--alpha <a>", "significance level", "0.05")
    .option("--json", "machine-readable output")
    .action(
      (o: {
        csv: string; x: string; num: string; den: string; where?: string[]; name: string; min: string; max: string; bounds: boolean;
        peers?: string; peerKey: string; peerX?: string; peerNum?: string; peerDen?: string; exclude?: string[]; peerWhere?: string[]; window: string; alpha: string; json?: boolean;
      }) => {
        if (!["same-length", "same-x", "all"].includes(o.window)) throw usage(`--window must be same-length, same-x or all, got "${o.window}"`);
        const where = parseFilters(o.where);
        const n = readSumSeries(o.csv, { x: o.x, y: o.num, where });
        const d = readSumSeries(o.csv, { x: o.x, y: o.den, where });
        const input: InputRef = { name: `${o.csv}#${o.num}/${o.den}`, sha256: n.sha256, n: n.rows.length };
        const r = ratioSeries(seriesFrom(n.rows, o.num, input), seriesFrom(d.rows, o.den, input), o.name);
        const alpha = num(o.alpha, "--alpha")!;
        const findings: Finding[] = [ratioBoundsFinding(r, o.bounds ? { min: num(o.min, "--min")!, max: num(o.max, "--max")! } : { min: null, max: null })];
        if (o.peers) {
          const px = o.peerX ?? o.x;
          const pw = parseFilters(o.peerWhere);
          const pn = readSumSeries(o.peers, { x: px, y: o.peerNum ?? o.num, key: o.peerKey, where: pw });
          const pd = readSumSeries(o.peers, { x: px, y: o.peerDen ?? o.den, key: o.peerKey, where: pw });
          const exclude = new Set(o.exclude ?? []);
          const pinput: InputRef = { name: `${o.peers}#${o.peerNum ?? o.num}/${o.peerDen ?? o.den}`, sha256: pn.sha256 };
          const keys = [...new Set(pn.rows.map((q) => q.key))].filter((k) => !exclude.has(k));
          const peers: RatioSeries[] = [];
          for (const k of keys) {
            const a = pn.rows.filter((q) => q.key === k);
            const b = pd.rows.filter((q) => q.key === k);
            const shared = a.filter((q) => b.some((w) => w.x === q.x));
            if (shared.length === 0) continue;
            peers.push(ratioSeries(seriesFrom(a, `${k} num`, pinput), seriesFrom(b, `${k} den`, pinput), k));
          }
          const po = { alpha, window: o.window as PeerWindow };
          findings.push(ratioPeerLevelFinding(r, peers, po), ratioConstancyFinding(r, peers, po));
        }
        report(ctx, findings, !!o.json);
      },
    );

  forensics
    .command("consistency")
    .description("two series that should agree (or be independent): differences, ratios, identical-up-to-scale detection")
    .requiredOption("--csv <file>", "CSV file with series a (and b, unless --csv-b)")
    .option("--x <col>", "x column", "year")
    .requiredOption("--a <col>", "column of series a")
    .requiredOption("--b <col>", "column of series b")
    .option("--csv-b <file>", "read series b from this file instead (same --x column)")
    .requiredOption("--expect <e>", "equal | proportional | independent")
    .option("--tolerance <t>", "relative tolerance (equal: default 0; proportional: default 0.01)")
    .option("--json", "machine-readable output")
    .action((o: { csv: string; x: string; a: string; b: string; csvB?: string; expect: string; tolerance?: string; json?: boolean }) => {
      if (!["equal", "proportional", "independent"].includes(o.expect)) throw usage(`--expect must be equal, proportional or independent, got "${o.expect}"`);
      const sa = readSeriesCsv(o.csv, { x: o.x, y: o.a });
      const fileB = o.csvB ?? o.csv;
      const sb = readSeriesCsv(fileB, { x: o.x, y: o.b });
      const tol = num(o.tolerance, "--tolerance");
      const f = consistencyFinding(
        { name: o.a, x: sa.x, y: sa.y, input: { ...sa.input, name: `${o.csv}#${o.a}` } },
        { name: o.b, x: sb.x, y: sb.y, input: { ...sb.input, name: `${fileB}#${o.b}` } },
        { expect: o.expect as Expectation, ...(tol !== undefined ? { tolerance: tol } : {}) },
      );
      report(ctx, [f], !!o.json);
    });

  forensics
    .command("aggregation")
    .description("parts vs a stated whole (qualifiers honoured: 570+ = more than 570), or a cumulative counter over time")
    .option("--parts <list>", "comma-separated part values, e.g. 15,34,113,165,246 (or use --csv/--column)")
    .option("--csv <file>", "CSV with the parts (with --column), or the counter readings (with --date-column)")
    .option("--column <col>", "value column of --csv", "value")
    .option("--qualifier-column <col>", "qualifier column of --csv (exact, more than, about, ...)")
    .option("--date-column <col>", "date column: checks --csv as a cumulative counter")
    .option("--where <col=value>", "keep only rows where the column equals the value (repeatable)", collect)
    .option("--whole <v>", 'stated whole: 11620, "570+", "more than 18000", "~1700"')
    .option("--incomplete", "the parts are a subset of the whole: report the implied remainder")
    .option("--round-unit <u>", "counter: an exact increment that is a multiple of this is a round-number jump", "1000")
    .option("--max-per-day <v>", "counter: largest plausible increase per day")
    .option("--alpha <a>", "significance level", "0.05")
    .option("--json", "machine-readable output")
    .action(
      (o: {
        parts?: string; csv?: string; column: string; qualifierColumn?: string; dateColumn?: string; where?: string[]; whole?: string;
        incomplete?: boolean; roundUnit: string; maxPerDay?: string; alpha: string; json?: boolean;
      }) => {
        const where = parseFilters(o.where);
        if (o.dateColumn) {
          if (!o.csv) throw usage("--date-column needs --csv");
          const { table, sha256 } = readCsvFile(o.csv);
          const di = columnIndex(table, o.dateColumn);
          const vi = columnIndex(table, o.column);
          const qi = o.qualifierColumn ? columnIndex(table, o.qualifierColumn) : -1;
          const wi = where.map(([c, v]) => [columnIndex(table, c), v] as const);
          const pts: CounterPoint[] = [];
          for (const row of table.rows) {
            if (wi.some(([i, v]) => (row.cells[i] ?? "").trim() !== v)) continue;
            const raw = row.cells[vi] ?? "";
            if (raw.trim() === "") continue;
            const p: CounterPoint = { date: (row.cells[di] ?? "").trim(), value: parseNumberCell(raw, { file: o.csv, line: row.line, field: o.column }) };
            if (qi >= 0) p.qualifier = row.cells[qi] ?? "";
            pts.push(p);
          }
          const maxPerDay = num(o.maxPerDay, "--max-per-day");
          const f = counterFinding(pts, {
            input: { name: o.csv, sha256, n: pts.length },
            name: o.column,
            roundUnit: int(o.roundUnit, "--round-unit", 2)!,
            alpha: num(o.alpha, "--alpha")!,
            ...(maxPerDay !== undefined ? { maxPerDay } : {}),
          });
          report(ctx, [f], !!o.json);
          return;
        }
        if (!o.whole) throw usage("give --whole (parts mode) or --date-column (counter mode)");
        const whole = parseStated(o.whole, "--whole");
        let parts: QualifiedValue[];
        let input: InputRef;
        if (o.parts !== undefined) {
          if (o.csv) throw usage("give either --parts or --csv, not both");
          parts = splitParts(o.parts);
          input = { name: "command line --parts", sha256: hashValues({ parts, whole }), n: parts.length };
        } else if (o.csv) {
          const { table, sha256 } = readCsvFile(o.csv);
          const vi = columnIndex(table, o.column);
          const qi = o.qualifierColumn ? columnIndex(table, o.qualifierColumn) : -1;
          const wi = where.map(([c, v]) => [columnIndex(table, c), v] as const);
          parts = [];
          for (const row of table.rows) {
            if (wi.some(([i, v]) => (row.cells[i] ?? "").trim() !== v)) continue;
            const raw = row.cells[vi] ?? "";
            if (raw.trim() === "") continue;
            const p: QualifiedValue = { label: `line ${row.line}`, value: parseNumberCell(raw, { file: o.csv, line: row.line, field: o.column }) };
            if (qi >= 0) p.qualifier = row.cells[qi] ?? "";
            parts.push(p);
          }
          input = { name: `${o.csv}#${o.column}`, sha256, n: parts.length };
        } else throw usage("give the parts: --parts 1,2,3 or --csv FILE --column COL");
        const f = partsWholeFinding(parts, whole, { input, complete: !o.incomplete });
        report(ctx, [f], !!o.json);
      },
    );

  forensics
    .command("audit")
    .description("run the whole battery on a series and its peers, with Holm's correction across the p-values")
    .requiredOption("--csv <file>", "CSV with the series")
    .option("--x <col>", "x column", "year")
    .option("--y <col>", "y column", "value")
    .option("--where <col=value>", "keep only rows of --csv where the column equals the value (repeatable), e.g. geography=China", collect)
    .option("--peers <file>", "long CSV of peer series")
    .option("--peer-key <col>", "peer key column (e.g. country)", "country")
    .option("--peer-x <col>", "peer x column (default: --x)")
    .option("--peer-y <col>", "peer y column (default: --y)")
    .option("--exclude <key>", "peer key to leave out (repeatable)", collect)
    .option("--peer-where <col=value>", "keep only peer rows where the column equals the value (repeatable), e.g. series=GODT", collect)
    .option("--model <m>", "model: quadratic, quadratic1, linear, cubic, exponential, logistic, ...", "quadratic")
    .option("--from <x>", "first x to use")
    .option("--to <x>", "last x to use")
    .option("--seed <n>", "seed of every Monte Carlo draw", "1")
    .option("--sims <n>", "Monte Carlo simulations", "999")
    .option("--alpha <a>", "family-wise significance level (Holm)", "0.05")
    .option("--k <n>", "training points of the prediction check (default: all but the last)")
    .option("--no-digits", "skip the digit tests")
    .option("--ratio <num/den>", "also check the ratio of two columns of --csv, e.g. organs/donors (numerator may be a+b)", collect)
    .option("--ratio-max <v>", "highest plausible value of --ratio", "8")
    .option("--ratio-min <v>", "lowest plausible value of --ratio", "1")
    .option("--compare <col>", "also compare the series with another column of --csv (see --expect)", collect)
    .option("--expect <e>", "expectation for --compare: equal | proportional | independent", "equal")
    .option("--encoding <enc>", "encoding of --csv when not UTF-8")
    .option("--json", "machine-readable output")
    .action(
      (o: {
        csv: string; x: string; y: string; peers?: string; peerKey: string; peerX?: string; peerY?: string; exclude?: string[]; peerWhere?: string[]; model: string;
        from?: string; to?: string; seed: string; sims: string; alpha: string; k?: string; digits: boolean; encoding?: string; json?: boolean;
        ratio?: string[]; ratioMax: string; ratioMin: string; compare?: string[]; expect: string; where?: string[];
      }) => {
        if (!["equal", "proportional", "independent"].includes(o.expect)) throw usage(`--expect must be equal, proportional or independent, got "${o.expect}"`);
        const where = parseFilters(o.where);
        const t = readSumSeries(o.csv, { x: o.x, y: o.y, where, ...(o.encoding ? { encoding: o.encoding } : {}) });
        if (t.rows.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: `no numeric values in column "${o.y}"${where.length ? " after --where" : ""}` }, { file: o.csv, field: o.y });
        const filt = where.map(([c, v]) => `&${c}=${v}`).join("");
        const series: Series = seriesFrom(t.rows, `${o.csv}: ${o.y}`, { name: `${o.csv}#x=${o.x}&y=${o.y}${filt}`, sha256: t.sha256, n: t.rows.length });
        const from = num(o.from, "--from");
        const to = num(o.to, "--to");
        let peers;
        const extra: Record<string, unknown> = {};
        if (o.peers) {
          const p = readSumSeries(o.peers, { x: o.peerX ?? o.x, y: o.peerY ?? o.y, key: o.peerKey, where: parseFilters(o.peerWhere) });
          if (p.rows.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "no peer rows" }, { file: o.peers });
          const source: InputRef = { name: o.peers, sha256: p.sha256, n: p.rows.length };
          const built = buildPeerSet(p.rows.map((q) => ({ key: q.key, x: q.x, y: q.y })), { name: `${o.peers}#${o.peerKey}`, minPoints: 1, exclude: o.exclude ?? [], source });
          peers = built.peerSet;
          extra.peers = { file: o.peers, sha256: p.sha256, series: peers.series.length, caveats: built.caveats };
        }
        const k = int(o.k, "--k", 1, 10_000);
        const ratios: AuditRatio[] = (o.ratio ?? []).map((spec) => {
          const i = spec.lastIndexOf("/");
          if (i <= 0 || i === spec.length - 1) throw usage(`--ratio expects numerator/denominator columns, got "${spec}"`);
          const numCol = spec.slice(0, i);
          const denCol = spec.slice(i + 1);
          const a = readSumSeries(o.csv, { x: o.x, y: numCol, where, ...(o.encoding ? { encoding: o.encoding } : {}) });
          const b = readSumSeries(o.csv, { x: o.x, y: denCol, where, ...(o.encoding ? { encoding: o.encoding } : {}) });
          const inRange = (q: { x: number }) => (from === undefined || q.x >= from) && (to === undefined || q.x <= to);
          const inp: InputRef = { name: `${o.csv}#${spec}`, sha256: a.sha256 };
          return {
            numerator: seriesFrom(a.rows.filter(inRange), numCol, inp),
            denominator: seriesFrom(b.rows.filter(inRange), denCol, inp),
            name: spec,
            bounds: { min: num(o.ratioMin, "--ratio-min")!, max: num(o.ratioMax, "--ratio-max")! },
          };
        });
        const comparisons: AuditComparison[] = (o.compare ?? []).map((col) => {
          const c = readSumSeries(o.csv, { x: o.x, y: col, where, ...(o.encoding ? { encoding: o.encoding } : {}) });
          const rows = c.rows.filter((q) => (from === undefined || q.x >= from) && (to === undefined || q.x <= to));
          return {
            other: seriesFrom(rows, `${o.csv}: ${col}`, { name: `${o.csv}#x=${o.x}&y=${col}${filt}`, sha256: c.sha256, n: rows.length }),
            options: { expect: o.expect as Expectation },
          };
        });
        const r = runAudit(series, {
          ...(ratios.length ? { ratios } : {}),
          ...(comparisons.length ? { comparisons } : {}),
          spec: parseModelName(o.model),
          seed: int(o.seed, "--seed", 0)!,
          sims: int(o.sims, "--sims", 0, 1_000_000)!,
          alpha: num(o.alpha, "--alpha")!,
          digits: o.digits,
          ...(peers ? { peers } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(k !== undefined ? { k } : {}),
        });
        report(ctx, r.findings, !!o.json, { alpha: r.alpha, m: r.m, ...extra });
      },
    );
}

/** Split "10481,204,380,555" (a comma list; thousands separators are not allowed in --parts). */
function splitParts(list: string): QualifiedValue[] {
  return list.split(",").map((p, i) => ({ label: `part ${i + 1}`, ...parseStated(p, "--parts") }));
}
