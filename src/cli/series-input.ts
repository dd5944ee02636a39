import { resolve } from "node:path";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import type { PeerSet, Series } from "../forensics/series.js";
import { defaultDataDir, loadPackage, selectSeries, seriesKeys } from "../data/package.js";
import { readSeriesCsv } from "../data/user-csv.js";
import { numberOption } from "./io.js";

/**
 * Options shared by every analysis command that takes a series: either a user's CSV
 * (`--csv FILE --x COL --y COL`) or a series of the data package (`--table T --measure M ...`).
 */
export function addSeriesOptions(cmd: Command): Command {
  return cmd
    .option("--csv <file>", "a CSV file with the series (use with --x and --y)")
    .option("--x <column>", "x column of --csv (e.g. year)", "year")
    .option("--y <column>", "y column of --csv (e.g. value)", "value")
    .option("--encoding <enc>", "encoding of --csv when it is not UTF-8 (e.g. gb18030, big5)")
    .option("--table <table>", "a table of the data package instead of --csv")
    .option("--measure <measure>", "measure (long tables) or value column (wide tables) of --table")
    .option("--geography <g>", "geography filter of --table (e.g. China)")
    .option("--body <body>", "reporting-body filter of --table")
    .option("--key <key>", "key of a wide --table (e.g. a country)")
    .option("--data-dir <dir>", "data package directory (default: the shipped package)")
    .option("--from <x>", "first x to use (e.g. 2010)")
    .option("--to <x>", "last x to use (e.g. 2018)");
}

export interface SeriesOptions {
  csv?: string;
  x?: string;
  y?: string;
  encoding?: string;
  table?: string;
  measure?: string;
  geography?: string;
  body?: string;
  key?: string;
  dataDir?: string;
  from?: string;
  to?: string;
}

const num = numberOption;

/** Resolve the series named by the options; exactly one of --csv and --table must be given. */
export function resolveSeries(o: SeriesOptions): Series {
  const from = num(o.from, "--from");
  const to = num(o.to, "--to");
  if (o.csv && o.table) throw new OrganAuditError("E_USAGE", { detail: "give either --csv or --table, not both" });
  if (o.csv) {
    const s = readSeriesCsv(o.csv, { x: o.x ?? "year", y: o.y ?? "value", ...(o.encoding ? { encoding: o.encoding } : {}) });
    const keep = s.x.map((x) => (from === undefined || x >= from) && (to === undefined || x <= to));
    return {
      name: `${o.csv}: ${o.y ?? "value"}`,
      x: s.x.filter((_, i) => keep[i]),
      y: s.y.filter((_, i) => keep[i]),
      input: { ...s.input, n: keep.filter(Boolean).length, name: `${o.csv}#x=${o.x ?? "year"}&y=${o.y ?? "value"}${from !== undefined ? `&from=${from}` : ""}${to !== undefined ? `&to=${to}` : ""}` },
    };
  }
  if (o.table) {
    if (!o.measure) throw new OrganAuditError("E_USAGE", { detail: "--table needs --measure" });
    const pkg = loadPackage(resolve(o.dataDir ?? defaultDataDir()));
    const s = selectSeries(pkg, {
      table: o.table,
      measure: o.measure,
      ...(o.geography !== undefined ? { geography: o.geography } : {}),
      ...(o.body !== undefined ? { body: o.body } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
    return { name: s.name, x: s.x, y: s.y, input: s.input };
  }
  throw new OrganAuditError("E_USAGE", { detail: "name a series: --csv FILE --x COL --y COL, or --table T --measure M" });
}

/** Peers from a long CSV (key, x, y columns) or from a wide table of the package (one series per key). */
export function resolvePeers(o: {
  peers?: string;
  peerKey?: string;
  x?: string;
  y?: string;
  peerTable?: string;
  peerMeasure?: string;
  dataDir?: string;
  from?: string;
  to?: string;
  exclude?: string[];
}): PeerSet | undefined {
  const from = num(o.from, "--from");
  const to = num(o.to, "--to");
  const inWindow = (x: number) => (from === undefined || x >= from) && (to === undefined || x <= to);
  if (o.peers) {
    const key = o.peerKey ?? "country";
    const s = readSeriesCsv(o.peers, { x: o.x ?? "year", y: o.y ?? "value", key });
    const byKey = new Map<string, { x: number[]; y: number[] }>();
    s.keys!.forEach((k, i) => {
      if (!inWindow(s.x[i]!) || (o.exclude ?? []).includes(k)) return;
      const e = byKey.get(k) ?? { x: [], y: [] };
      e.x.push(s.x[i]!);
      e.y.push(s.y[i]!);
      byKey.set(k, e);
    });
    return {
      name: `${o.peers} by ${key}`,
      series: [...byKey.entries()].map(([k, v]) => ({
        name: k,
        x: v.x,
        y: v.y,
        input: { name: `${o.peers}#${key}=${k}`, sha256: s.input.sha256, n: v.x.length },
      })),
    };
  }
  if (o.peerTable) {
    const pkg = loadPackage(resolve(o.dataDir ?? defaultDataDir()));
    const measure = o.peerMeasure ?? "deceased_donors_actual";
    const series: Series[] = [];
    for (const k of seriesKeys(pkg, o.peerTable, measure)) {
      if ((o.exclude ?? []).includes(k)) continue;
      const s = selectSeries(pkg, {
        table: o.peerTable,
        measure,
        key: k,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      if (s.x.length > 0) series.push({ name: k, x: s.x, y: s.y, input: s.input });
    }
    return { name: `${o.peerTable}: ${measure}`, series };
  }
  return undefined;
}
