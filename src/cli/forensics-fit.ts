import { basename } from "node:path";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import type { Caveat, Finding } from "../core/finding.js";
import { columnIndex, parseNumberCell, readCsvFile, readSeriesCsv } from "../data/user-csv.js";
import { resolvePeers, resolveSeries } from "./series-input.js";
import { dispersionFinding } from "../forensics/dispersion.js";
import { fitFinding, fmt } from "../forensics/fit.js";
import { MODEL_NAMES, parseModelName, type ModelSpec } from "../forensics/models.js";
import { buildPeerSet, peerBenchmarkFinding, type PeerRow } from "../forensics/peers.js";
import { predictionFinding } from "../forensics/predict.js";
import type { PeerSet, Series } from "../forensics/series.js";
import { EXIT, printJson } from "./io.js";
import type { CliContext } from "./main.js";

/** Options shared by the four formula-fit subcommands. */
interface CommonOpts {
  csv?: string;
  table?: string;
  measure?: string;
  geography?: string;
  body?: string;
  key?: string;
  dataDir?: string;
  x: string;
  y: string;
  model: string;
  x0?: number;
  cumulative?: boolean;
  from?: number;
  to?: number;
  name?: string;
  json?: boolean;
}

interface PeerOpts {
  peers?: string;
  peerTable?: string;
  peerMeasure?: string;
  peerKey?: string;
  peerX?: string;
  peerY?: string;
  exclude?: string[];
  minPeers?: number;
}

function num(label: string, integer = false): (v: string) => number {
  return (v: string) => {
    const n = Number(v.trim());
    if (v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new OrganAuditError("E_USAGE", {
        detail: `${label} expects ${integer ? "an integer" : "a number"}, got "${v}"`,
      });
    }
    return n;
  };
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

function withCommon(cmd: Command): Command {
  return cmd
    .option("--csv <file>", "CSV file with the series (or use --table)")
    .option("--table <table>", "a table of the shipped data package instead of --csv (e.g. china_deceased_donors)")
    .option("--measure <m>", "measure of --table (e.g. deceased_donors)")
    .option("--geography <g>", "geography of --table (e.g. China)")
    .option("--body <b>", "reporting body of --table")
    .option("--key <k>", "key of a wide --table (e.g. a country)")
    .option("--data-dir <dir>", "data package directory (default: the shipped package)")
    .option("--x <column>", "x column (e.g. year)", "year")
    .option("--y <column>", "y column (e.g. deceased donors)", "value")
    .option("--model <name>", `model: ${MODEL_NAMES.join("|")} (quadratic = general quadratic)`, "quadratic")
    .option("--x0 <n>", "vertex for quadratic1: y = a (x - x0)^2 (fitted when omitted)", num("--x0"))
    .option("--cumulative", "fit the running total of y")
    .option("--from <x>", "first x of the window", num("--from"))
    .option("--to <x>", "last x of the window", num("--to"))
    .option("--name <label>", "series name used in findings (default: the file name)")
    .option("--json", "machine-readable output");
}

function withPeers(cmd: Command, required: boolean): Command {
  const c = cmd
    .option("--peers <file>", `long CSV of peer series (key, x, y columns)${required ? "; or use --peer-table" : ""}`)
    .option("--peer-table <table>", "peers from a wide table of the data package (e.g. international_deceased_donors)")
    .option("--peer-measure <m>", "value column of --peer-table", "deceased_donors_actual");
  return c
    .option("--peer-key <column>", "key column of the peers file (e.g. country)", "country")
    .option("--peer-x <column>", "x column of the peers file (default: --x)")
    .option("--peer-y <column>", "y column of the peers file (default: --y)")
    .option("--exclude <key>", "peer key to leave out (repeatable), e.g. the target itself", collect)
    .option("--min-peers <n>", "fewest usable peers for a verdict", num("--min-peers", true));
}

function specOf(o: CommonOpts): ModelSpec {
  if (o.x0 !== undefined && o.model.trim().toLowerCase() !== "quadratic1") {
    throw new OrganAuditError("E_USAGE", { detail: "--x0 applies only to --model quadratic1" });
  }
  return parseModelName(o.model, o.x0);
}

function readTarget(o: CommonOpts): Series {
  if (!o.csv) {
    if (!o.table) throw new OrganAuditError("E_USAGE", { detail: "name a series: --csv FILE (with --x, --y) or --table T --measure M" });
    const s = resolveSeries({
      table: o.table,
      ...(o.measure !== undefined ? { measure: o.measure } : {}),
      ...(o.geography !== undefined ? { geography: o.geography } : {}),
      ...(o.body !== undefined ? { body: o.body } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    });
    return { ...s, name: o.name ?? s.name };
  }
  const s = readSeriesCsv(o.csv, { x: o.x, y: o.y });
  return { name: o.name ?? basename(o.csv), x: s.x, y: s.y, input: s.input };
}

/** Read a long peers CSV into rows and build a PeerSet (conflicting duplicates reported, not fatal). */
function readPeers(o: CommonOpts & PeerOpts): { peers: PeerSet; caveats: Caveat[] } | null {
  if (!o.peers && o.peerTable) {
    const p = resolvePeers({
      peerTable: o.peerTable,
      ...(o.peerMeasure ? { peerMeasure: o.peerMeasure } : {}),
      ...(o.dataDir ? { dataDir: o.dataDir } : {}),
      ...(o.from !== undefined ? { from: String(o.from) } : {}),
      ...(o.to !== undefined ? { to: String(o.to) } : {}),
      exclude: o.exclude ?? [],
    });
    return p ? { peers: p, caveats: [] } : null;
  }
  if (!o.peers) return null;
  const file = o.peers;
  const { table, sha256 } = readCsvFile(file);
  const xCol = o.peerX ?? o.x;
  const yCol = o.peerY ?? o.y;
  const ki = columnIndex(table, o.peerKey ?? "country");
  const xi = columnIndex(table, xCol);
  const yi = columnIndex(table, yCol);
  const rows: PeerRow[] = [];
  for (const r of table.rows) {
    const yRaw = r.cells[yi] ?? "";
    if (yRaw.trim() === "") continue;
    rows.push({
      key: (r.cells[ki] ?? "").trim(),
      x: parseNumberCell(r.cells[xi] ?? "", { file, line: r.line, field: xCol }),
      y: parseNumberCell(yRaw, { file, line: r.line, field: yCol }),
    });
  }
  if (rows.length === 0)
    throw new OrganAuditError(
      "E_EMPTY_INPUT",
      { what: `no numeric values in column "${yCol}"` },
      { file, field: yCol },
    );
  const b = buildPeerSet(rows, {
    name: basename(file),
    minPoints: 1,
    exclude: o.exclude ?? [],
    source: { name: file, sha256 },
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
  });
  return { peers: b.peerSet, caveats: b.caveats };
}

function window(o: CommonOpts): { from?: number; to?: number } {
  return { ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}) };
}

function v(x: number | null | undefined): string {
  return x === null || x === undefined ? "n/a" : fmt(x);
}

function printFindingSummary(ctx: CliContext, f: Finding, lines: string[]): void {
  ctx.io.out(`${f.title}\n`);
  for (const l of lines) ctx.io.out(`  ${l}\n`);
  ctx.io.out(`  verdict: ${f.verdict}\n  ${f.statement}\n`);
  for (const c of f.caveats) ctx.io.out(`  caveat [${c.code}] ${c.message}\n`);
}

function addCaveats<R>(f: Finding<R>, extra: Caveat[]): Finding<R> {
  return extra.length === 0 ? f : { ...f, caveats: [...f.caveats, ...extra] };
}

/**
 * Register `forensics fit | predict | peers | dispersion` on the program (creating the `forensics`
 * command group if another file has not already).
 */
export function register(program: Command, ctx: CliContext): void {
  const forensics =
    program.commands.find((c) => c.name() === "forensics") ??
    program.command("forensics").description("forensic tests on official statistics");

  withCommon(
    forensics
      .command("fit")
      .description("fit a formula (polynomial, one-parameter quadratic, exponential, logistic) to a series"),
  ).action((o: CommonOpts) => {
    const f = fitFinding(readTarget(o), specOf(o), { cumulative: o.cumulative ?? false, ...window(o) });
    const r = f.result;
    if (o.json) {
      printJson(ctx.io, {
        model: r.model,
        formula: r.formula,
        status: r.status,
        parameterNames: r.parameterNames,
        coefficients: r.coefficients,
        standardErrors: r.standardErrors,
        r2: r.r2,
        r2Uncentered: r.r2Uncentered,
        adjR2: r.adjR2,
        aicc: r.aicc,
        bic: r.bic,
        rss: r.rss,
        residuals: r.residuals,
        fitted: r.fitted,
        finding: f,
      });
      return;
    }
    const coef = r.coefficients
      ? r.parameterNames.map((p, i) => `${p} = ${v(r.coefficients![i])} (SE ${v(r.standardErrors?.[i])})`)
      : ["no coefficients"];
    const cmp = (r.comparison ?? [])
      .filter((c) => c.deltaAicc !== null)
      .map((c) => `${c.model.padEnd(14)} dAICc ${v(c.deltaAicc).padStart(9)}  weight ${v(c.akaikeWeight)}`);
    printFindingSummary(ctx, f, [
      `${r.formula}, n = ${r.n}${r.cumulative ? " (running total)" : ""}`,
      ...coef,
      `R^2 (centered) ${v(r.r2)}${r.r2Uncentered !== null ? `, R^2 (uncentered) ${v(r.r2Uncentered)}` : ""}, adjusted R^2 ${v(r.adjR2)}`,
      `AICc ${v(r.aicc)}, BIC ${v(r.bic)}, RSS ${v(r.rss)}`,
      ...(cmp.length > 0 ? ["model comparison:", ...cmp.map((c) => `  ${c}`)] : []),
    ]);
  });

  withPeers(
    withCommon(
      forensics
        .command("predict")
        .description("fit on the first k points, predict the next; rank the error against peers"),
    ),
    false,
  )
    .option("--k <n>", "number of points to fit on (default: all but the last)", num("--k", true))
    .action((o: CommonOpts & PeerOpts & { k?: number }) => {
      const p = readPeers(o);
      const f0 = predictionFinding(readTarget(o), specOf(o), {
        cumulative: o.cumulative ?? false,
        ...window(o),
        ...(o.k !== undefined ? { k: o.k } : {}),
        ...(p ? { peers: p.peers } : {}),
        ...(o.minPeers !== undefined ? { minPeers: o.minPeers } : {}),
      });
      const f = addCaveats(f0, p?.caveats ?? []);
      const m = f.result.main;
      if (o.json) {
        printJson(ctx.io, {
          verdict: f.verdict,
          x: m.x,
          observed: m.observed,
          predicted: m.predicted,
          absError: m.absError,
          relError: m.relError,
          interval: m.interval,
          rank: f.result.rank,
          percentile: f.result.percentile,
          pValue: f.result.pValue,
          finding: f,
        });
      } else {
        printFindingSummary(ctx, f, [
          `fit on ${m.trainFrom}-${m.trainTo}, predict x = ${m.x}: predicted ${v(m.predicted)}, observed ${v(m.observed)}, relative error ${m.relError === null ? "n/a" : `${fmt(100 * m.relError)}%`}`,
          m.interval
            ? `${100 * m.interval.level}% prediction interval [${v(m.interval.low)}, ${v(m.interval.high)}]`
            : "no prediction interval",
          ...(f.result.rank !== null
            ? [`rank ${f.result.rank} of ${f.result.peers.length + 1}, parametric p = ${v(f.result.pValue)}, rank p = ${v(f.result.rankPValue)}`]
            : []),
        ]);
      }
      if (f.verdict === "flag") ctx.setExit(EXIT.checkFailed);
    });

  withPeers(
    withCommon(
      forensics.command("peers").description("compare the regularity of the fit with the same fit on peer series"),
    ),
    true,
  )
    .option("--match <how>", "years (same x values, default) or length (same number of latest points)", "years")
    .option("--metric <m>", "1-r2 (default) or cv (residual RMSE / mean level)", "1-r2")
    .action((o: CommonOpts & PeerOpts & { match: string; metric: string }) => {
      if (o.match !== "years" && o.match !== "length")
        throw new OrganAuditError("E_USAGE", { detail: `--match must be years or length, got "${o.match}"` });
      if (o.metric !== "1-r2" && o.metric !== "cv")
        throw new OrganAuditError("E_USAGE", { detail: `--metric must be 1-r2 or cv, got "${o.metric}"` });
      const p = readPeers(o);
      if (!p) throw new OrganAuditError("E_USAGE", { detail: "peers needs --peers FILE or --peer-table TABLE" });
      const f = addCaveats(
        peerBenchmarkFinding(readTarget(o), p.peers, specOf(o), {
          cumulative: o.cumulative ?? false,
          ...window(o),
          match: o.match,
          metric: o.metric,
          ...(o.minPeers !== undefined ? { minPeers: o.minPeers } : {}),
        }),
        p.caveats,
      );
      const r = f.result;
      if (o.json) {
        printJson(ctx.io, {
          verdict: f.verdict,
          rank: r.rank,
          peers: r.peers.length,
          percentile: r.percentile,
          pValue: r.pValue,
          oneMinusR2: r.target?.oneMinusR2 ?? null,
          log10RatioMedian: r.log10RatioMedian,
          log10RatioNearest: r.log10RatioNearest,
          nearestPeer: r.nearestPeer,
          finding: f,
        });
      } else {
        const table = [r.target, ...r.peers]
          .filter((x) => x !== null)
          .sort((a, b) => a!.oneMinusR2 - b!.oneMinusR2)
          .map((x) => `${x!.name.padEnd(28)} 1-R^2 ${v(x!.oneMinusR2).padStart(12)}  residual CV ${v(x!.residualCv)}`);
        printFindingSummary(ctx, f, [
          `rank ${v(r.rank)} of ${r.peers.length + 1}, parametric p = ${v(r.pValue)}, rank p = ${v(r.rankPValue)}; log10 (1-R^2) ratio vs median peer ${v(r.log10RatioMedian)}, vs most regular peer ${v(r.log10RatioNearest)}`,
          ...table,
        ]);
      }
      if (f.verdict === "flag") ctx.setExit(EXIT.checkFailed);
    });

  withPeers(
    withCommon(
      forensics
        .command("dispersion")
        .description("are residuals smaller than counting noise? (Poisson / negative binomial)"),
    ),
    false,
  )
    .option("--seed <n>", "random seed of the Monte Carlo (recorded in the finding)", num("--seed", true), 1)
    .option("--sims <n>", "Monte Carlo simulations (0 = chi-square only)", num("--sims", true), 999)
    .option("--alpha <p>", "level for the verdict", num("--alpha"), 0.05)
    .action((o: CommonOpts & PeerOpts & { seed: number; sims: number; alpha: number }) => {
      const p = readPeers(o);
      const f = addCaveats(
        dispersionFinding(readTarget(o), specOf(o), {
          seed: o.seed,
          sims: o.sims,
          alpha: o.alpha,
          cumulative: o.cumulative ?? false,
          ...window(o),
          ...(p ? { peers: p.peers } : {}),
        }),
        p?.caveats ?? [],
      );
      const r = f.result;
      if (o.json) {
        printJson(ctx.io, {
          verdict: f.verdict,
          dispersionIndex: r.dispersionIndex,
          df: r.df,
          pValue: r.pValueChiSquare,
          pValueMonteCarlo: r.pValueMonteCarlo,
          nbPhi: r.nbPhi,
          nbDispersionIndex: r.nbDispersionIndex,
          nbPValue: r.nbPValueChiSquare,
          nbPValueMonteCarlo: r.nbPValueMonteCarlo,
          seed: r.seed,
          sims: r.sims,
          finding: f,
        });
      } else {
        printFindingSummary(ctx, f, [
          `Poisson dispersion index D = ${v(r.dispersionIndex)} on ${r.df} df; chi-square lower tail p = ${v(r.pValueChiSquare)}; Monte Carlo p = ${v(r.pValueMonteCarlo)} (${r.simsValid} sims, seed ${r.seed})`,
          r.nbPhi !== null
            ? `negative binomial (phi = ${v(r.nbPhi)} from ${r.nbPeersUsed} peers): D = ${v(r.nbDispersionIndex)}, chi-square p = ${v(r.nbPValueChiSquare)}, Monte Carlo p = ${v(r.nbPValueMonteCarlo)}`
            : "negative binomial: not estimated (no peers)",
        ]);
      }
      if (f.verdict === "flag") ctx.setExit(EXIT.checkFailed);
    });
}
