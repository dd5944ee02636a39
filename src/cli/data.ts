import { resolve } from "node:path";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { defaultDataDir, getTable, loadPackage, selectSeries, validatePackageDir } from "../data/package.js";
import { formatIssue } from "../data/validate.js";
import type { CliContext } from "./main.js";
import { EXIT, printJson } from "./io.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parse `--where field=value` options. */
export function parseWhere(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of list ?? []) {
    const i = w.indexOf("=");
    if (i <= 0) throw new OrganAuditError("E_USAGE", { detail: `--where expects field=value, got "${w}"` });
    out[w.slice(0, i)] = w.slice(i + 1);
  }
  return out;
}

export function register(program: Command, ctx: CliContext): void {
  const data = program.command("data").description("the sourced data package: validate, list and show tables");

  data
    .command("validate")
    .description("check a data package (the shipped one by default): schema, types, keys, sources, counters, encoding")
    .argument("[dir]", "package directory containing datapackage.json", defaultDataDir())
    .option("--json", "machine-readable output")
    .action((dir: string, opts: { json?: boolean }) => {
      const v = validatePackageDir(resolve(dir));
      const r = v.report;
      if (opts.json) printJson(ctx.io, { dir: resolve(dir), ...r });
      else {
        for (const i of r.issues) ctx.io.err(formatIssue(i));
        const rows = r.resources.reduce((s, x) => s + x.rows, 0);
        ctx.io.out(
          r.valid
            ? `valid: ${r.resources.length} tables, ${rows} rows, ${r.warnings} warning(s) (${resolve(dir)})`
            : `INVALID: ${r.errors} error(s), ${r.warnings} warning(s) in ${resolve(dir)}`,
        );
      }
      if (!r.valid) ctx.setExit(EXIT.checkFailed);
    });

  data
    .command("list")
    .description("list the tables of the package with their row counts and titles")
    .option("--dir <dir>", "package directory", defaultDataDir())
    .option("--json", "machine-readable output")
    .action((opts: { dir: string; json?: boolean }) => {
      const pkg = loadPackage(resolve(opts.dir));
      const list = pkg.descriptor.resources.map((r) => ({
        name: r.name,
        path: r.path,
        rows: pkg.tables.get(r.name)?.rows.length ?? 0,
        title: r.title ?? "",
        sha256: pkg.tables.get(r.name)?.sha256 ?? "",
      }));
      if (opts.json) printJson(ctx.io, { dir: pkg.dir, tables: list });
      else {
        const w = Math.max(...list.map((l) => l.name.length));
        for (const l of list) ctx.io.out(`${l.name.padEnd(w)}  ${String(l.rows).padStart(5)} rows  ${l.title}`);
      }
    });

  data
    .command("show")
    .description("print rows of a table, optionally filtered")
    .argument("<table>", "table name (see `data list`)")
    .option("--dir <dir>", "package directory", defaultDataDir())
    .option("--where <field=value>", "keep rows whose field equals value (repeatable)", collect)
    .option("--status <status>", "default | alternative | excluded | all", "all")
    .option("--columns <list>", "comma-separated columns to print")
    .option("--limit <n>", "print at most n rows")
    .option("--json", "machine-readable output")
    .action((table: string, opts: { dir: string; where?: string[]; status: string; columns?: string; limit?: string; json?: boolean }) => {
      const pkg = loadPackage(resolve(opts.dir));
      const t = getTable(pkg, table);
      const where = parseWhere(opts.where);
      for (const f of Object.keys(where)) {
        if (!t.header.includes(f)) throw new OrganAuditError("E_CSV_MISSING_COLUMN", { column: f, available: t.header.join(", ") }, { field: f });
      }
      const cols = opts.columns ? opts.columns.split(",").map((c) => c.trim()) : t.header;
      for (const c of cols) {
        if (!t.header.includes(c)) throw new OrganAuditError("E_CSV_MISSING_COLUMN", { column: c, available: t.header.join(", ") }, { field: c });
      }
      if (!["default", "alternative", "excluded", "all"].includes(opts.status)) {
        throw new OrganAuditError("E_USAGE", { detail: `--status must be default, alternative, excluded or all` });
      }
      let rows = t.rows.filter(
        (r) =>
          Object.entries(where).every(([k, v]) => String(r.values[k] ?? "") === v) &&
          (opts.status === "all" || !t.header.includes("status") || r.values.status === opts.status),
      );
      if (opts.limit !== undefined) rows = rows.slice(0, Number(opts.limit));
      const out = rows.map((r) => Object.fromEntries(cols.map((c) => [c, r.values[c] ?? null])));
      if (opts.json) printJson(ctx.io, { table, rows: out });
      else {
        ctx.io.out(cols.join("\t"));
        for (const r of out) ctx.io.out(cols.map((c) => (r[c] === null ? "" : String(r[c]))).join("\t"));
        ctx.io.out(`(${out.length} rows)`);
      }
    });

  data
    .command("series")
    .description("select one numeric series (the default figures, with their source ids)")
    .requiredOption("--table <table>", "table name")
    .requiredOption("--measure <measure>", "measure (long tables) or value column (wide tables)")
    .option("--dir <dir>", "package directory", defaultDataDir())
    .option("--geography <g>", "geography, e.g. China")
    .option("--body <b>", "reporting body")
    .option("--key <k>", "key of a wide table, e.g. a country")
    .option("--from <x>", "first x (year)")
    .option("--to <x>", "last x (year)")
    .option("--all-status", "include alternative figures (never excluded ones)")
    .option("--where <field=value>", "extra filter (repeatable)", collect)
    .option("--json", "machine-readable output")
    .action((opts: Record<string, string | string[] | boolean | undefined>) => {
      const pkg = loadPackage(resolve(String(opts.dir)));
      const s = selectSeries(pkg, {
        table: String(opts.table),
        measure: String(opts.measure),
        ...(opts.geography ? { geography: String(opts.geography) } : {}),
        ...(opts.body ? { body: String(opts.body) } : {}),
        ...(opts.key ? { key: String(opts.key) } : {}),
        ...(opts.from ? { from: Number(opts.from) } : {}),
        ...(opts.to ? { to: Number(opts.to) } : {}),
        ...(opts.allStatus ? { status: "any" as const } : {}),
        where: parseWhere(opts.where as string[] | undefined),
      });
      if (opts.json) printJson(ctx.io, { name: s.name, input: s.input, points: s.points });
      else {
        ctx.io.out(`# ${s.name}`);
        ctx.io.out("x\ty\tsource_id\trow_id");
        for (const p of s.points) ctx.io.out(`${p.x}\t${p.y}\t${p.sourceId ?? ""}\t${p.rowId ?? ""}`);
      }
    });
}
