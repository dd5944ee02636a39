import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { dedupeRecords } from "../screening/dedupe/dedupe.js";
import { afindRunningCosine, afindRunningCosineMany, contextAround, prepareText } from "../screening/match/running-cosine.js";
import { prismaSvg } from "../screening/prisma/svg.js";
import { decodeAuto, importFile, readBytes, type ImportedFile } from "../screening/records/import-file.js";
import type { ScreeningRecord } from "../screening/records/record.js";
import { evaluateRules, fieldText, type RuleHit, type RuleResult } from "../screening/rules/evaluate.js";
import { parseRules } from "../screening/rules/parse.js";
import type { ScreeningProject } from "../screening/store/project.js";
import { projectPrismaFinding } from "../screening/store/prisma-flow.js";
import { withProjectFile } from "../screening/store/store.js";
import { printJson, numberOption } from "./io.js";
import type { CliContext } from "./main.js";

/**
 * `organ-audit screen import | dedupe | rules | match | prisma`: bring records into a screening project
 * (one SQLite file), remove duplicates, run screening rules and fuzzy phrase search, and draw the
 * PRISMA 2020 flow from the decision log.
 */

const num = numberOption;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Open the project file (a SQLite screening store; its project "default"), run `f`, close it. */
function withProject<T>(path: string, create: boolean, f: (p: ScreeningProject) => Promise<T> | T): Promise<T> {
  return withProjectFile(path, create, f);
}

function screenGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "screen") ??
    program.command("screen").description("literature screening: import, dedupe, rules, fuzzy match, ranking, simulation, decisions, agreement, PRISMA")
  );
}

export function register(program: Command, ctx: CliContext): void {
  const screen = screenGroup(program);

  screen
    .command("import")
    .description("import RIS, CSV/TSV, PubMed MEDLINE/XML, CNKI/Wanfang exports or full texts (.txt/.pdf) into a project")
    .argument("<files...>", "files to import")
    .requiredOption("--project <file>", "project file (SQLite; created if missing)")
    .option("--format <format>", "ris | csv | tsv | medline | pubmed-xml | cnki | txt | pdf (default: detected)")
    .option("--encoding <enc>", "text encoding, e.g. gb18030 (default: UTF-8, or GB18030/Big5 when detected)")
    .option("--attach", "the files are full texts (.txt/.pdf) of records already imported: attach each to the record whose id or source id is the file name without extension")
    .option("--json", "machine output")
    .action(async (files: string[], o: { project: string; format?: string; encoding?: string; attach?: boolean; json?: boolean }) => {
      // parse every file first: a bad file stops the import before anything is written
      const imps: ImportedFile[] = [];
      for (const f of files) imps.push(await importFile(f, { ...(o.format ? { format: o.format } : {}), ...(o.encoding ? { encoding: o.encoding } : {}) }));
      if (o.attach) {
        const notText = imps.find((i) => i.format !== "txt" && i.format !== "pdf");
        if (notText) throw new OrganAuditError("E_USAGE", { detail: `--attach takes full texts (.txt, .pdf); ${notText.file} is ${notText.format}` });
        const items = imps.map((i) => ({ key: i.records[0]!.id, file: i.file, text: i.records[0]!.fullText ?? "" }));
        const ids = await withProject(o.project, false, (p) => p.attachFullTexts(items));
        if (o.json) printJson(ctx.io, { project: o.project, attached: ids.map((id, k) => ({ record: id, file: items[k]!.file })) });
        else ids.forEach((id, k) => ctx.io.out(`${items[k]!.file}: full text attached to ${id}\n`));
        return;
      }
      const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const rows = await withProject(o.project, true, (p) => p.addImports(imps, at));
      const summary = rows.map((r) => ({ file: r.file, format: r.format, encoding: r.encoding, records: r.nRecords, sha256: r.sha256 }));
      if (o.json) printJson(ctx.io, { project: o.project, imported: summary });
      else for (const s of summary) ctx.io.out(`${s.file}: ${s.records} record(s) imported (${s.format}, ${s.encoding})\n`);
    });

  screen
    .command("dedupe")
    .description("find duplicates by DOI, normalised title (Chinese and English) and fuzzy title; report what was merged")
    .requiredOption("--project <file>", "project file")
    .option("--threshold <x>", "fuzzy title similarity (Dice on character bigrams) to merge, default 0.9")
    .option("--json", "machine output")
    .action(async (o: { project: string; threshold?: string; json?: boolean }) => {
      const threshold = num(o.threshold, "--threshold", { min: 0.5, max: 1 });
      const res = await withProject(o.project, false, async (p) => {
        const r = dedupeRecords(await p.records({ includeDuplicates: true }), threshold !== undefined ? { fuzzyThreshold: threshold } : {});
        await p.applyDedupe(r);
        return r;
      });
      if (o.json) {
        printJson(ctx.io, { unique: res.records.length, removed: res.removed, byReason: res.byReason, groups: res.groups });
        return;
      }
      ctx.io.out(`${res.records.length} unique record(s); ${res.removed} duplicate(s) removed (DOI ${res.byReason.doi}, PubMed id ${res.byReason.pmid}, title ${res.byReason.title}, fuzzy title ${res.byReason.fuzzy})\n`);
      for (const g of res.groups) for (const l of g.removed) ctx.io.out(`  ${l.id} → ${g.kept} (${l.reason}${l.reason === "fuzzy" ? ` ${l.similarity}` : ""})\n`);
    });

  screen
    .command("rules")
    .description("run screening rules (phrase lists, AND/OR/NOT, NEAR/n, fuzzy Chinese phrases) on records")
    .requiredOption("--rules <file>", "rule file (see docs/SCREENING.md)")
    .option("--project <file>", "project file (records after dedupe)")
    .option("--input <file>", "records file instead of a project (any importable format); repeatable", collect)
    .option("--all", "list records that match no rule too")
    .option("--context <n>", "characters of context on each side of each hit's start, as R&L stored (default 70; 0 for none)")
    .option("--json", "machine output")
    .action(async (o: { rules: string; project?: string; input?: string[]; all?: boolean; context?: string; json?: boolean }) => {
      const context = num(o.context, "--context", { integer: true, min: 0 }) ?? 70;
      if (!o.project === !o.input) throw new OrganAuditError("E_USAGE", { detail: "give either --project or --input" });
      const src = decodeAuto(readBytes(o.rules), o.rules).text;
      const set = parseRules(src, o.rules);
      let records: ScreeningRecord[];
      if (o.project) records = await withProject(o.project, false, (p) => p.records());
      else {
        records = [];
        for (const f of o.input!) records.push(...(await importFile(f)).records);
      }
      const results: { id: string; title: string; rules: RuleResult[] }[] = [];
      for (const r of records) {
        const rr = evaluateRules(set, r);
        if (context > 0) {
          for (const x of rr) for (const h of x.hits) (h as RuleHit & { context?: string }).context = contextAround(fieldText(r, h.field), h.start, context, context);
        }
        if (o.all || rr.some((x) => x.matched)) results.push({ id: r.id, title: r.title, rules: rr.filter((x) => o.all || x.matched) });
      }
      const perRule = set.rules.map((rule) => ({ rule: rule.name, matched: results.filter((x) => x.rules.some((y) => y.rule === rule.name && y.matched)).length }));
      if (o.json) {
        printJson(ctx.io, { records: records.length, rules: perRule, results });
        return;
      }
      ctx.io.out(`${records.length} record(s); ${perRule.map((p) => `${p.rule}: ${p.matched}`).join(", ")}\n`);
      for (const x of results) {
        ctx.io.out(`${x.id}  ${x.title.slice(0, 80)}\n`);
        for (const y of x.rules) {
          const hits = y.hits.slice(0, 5).map((h) => `${h.field}@${h.start} "${h.text}"${h.distance !== undefined ? ` d=${h.distance.toFixed(4)}` : ""}`);
          ctx.io.out(`  ${y.matched ? "match" : "no match"} ${y.rule}${hits.length ? `: ${hits.join("; ")}` : ""}\n`);
        }
      }
    });

  screen
    .command("match")
    .description("fuzzy phrase search in full texts: the best window per phrase by running cosine distance (as R stringdist::afind)")
    .requiredOption("--text-file <file>", "plain-text full text (UTF-8, GB18030 or Big5); repeatable", collect)
    .option("--phrase <p>", "phrase to find; repeatable", collect)
    .option("--phrases-file <file>", "file with one phrase per line")
    .option("--q <n>", "q-gram size (default 1, characters)")
    .option("--context <n>", "also give n characters on each side of the window start (R&L used 70)")
    .option("--csv <file>", "write every (file, phrase) row in Robertson & Lavee's columns: file_name, target_string, string_location, string_distance, matching_string, context (context 70 unless --context)")
    .option("--json", "machine output")
    .action((o: { textFile: string[]; phrase?: string[]; phrasesFile?: string; q?: string; context?: string; csv?: string; json?: boolean }) => {
      const q = num(o.q, "--q", { integer: true, min: 1, max: 10 }) ?? 1;
      const context = num(o.context, "--context", { integer: true, min: 0 }) ?? (o.csv ? 70 : undefined);
      const phrases = [...(o.phrase ?? [])];
      if (o.phrasesFile) {
        phrases.push(...decodeAuto(readBytes(o.phrasesFile), o.phrasesFile).text.split(/\r\n|\n|\r/).map((s) => s.trim()).filter((s) => s !== ""));
      }
      if (phrases.length === 0) throw new OrganAuditError("E_USAGE", { detail: "give --phrase or --phrases-file" });
      const files = o.textFile.map((file) => {
        const bytes = readBytes(file);
        const prepared = prepareText(decodeAuto(bytes, file).text);
        const found = q === 1 ? afindRunningCosineMany(prepared, phrases) : phrases.map((p) => afindRunningCosine(prepared, p, { q }));
        const results = found.map((r, i) => ({
          phrase: phrases[i]!,
          distance: r.distance,
          location: r.location,
          match: r.match,
          ...(context !== undefined && r.location !== null ? { context: contextAround(prepared, r.location, context, context) } : {}),
        }));
        return { file, input: { file, sha256: sha256Hex(bytes), characters: prepared.chars.length }, results };
      });
      if (o.csv) {
        const cell = (v: string | number | null): string => {
          const t = v === null ? "" : String(v);
          return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
        };
        const rows = [["file_name", "target_string", "string_location", "string_distance", "matching_string", "context"].join(",")];
        for (const f of files)
          for (const r of f.results) rows.push([basename(f.file), r.phrase, r.location, r.distance, r.match, r.context ?? ""].map(cell).join(","));
        writeFileSync(o.csv, `${rows.join("\n")}\n`);
      }
      const method = { q, method: "running_cosine (R stringdist::afind)" };
      if (o.json) {
        if (files.length === 1 && files[0]!.results.length === 1) {
          const { phrase, ...one } = files[0]!.results[0]!;
          printJson(ctx.io, { ...one, phrase, input: { ...files[0]!.input, ...method } });
        } else if (files.length === 1) printJson(ctx.io, { results: files[0]!.results, input: { ...files[0]!.input, ...method } });
        else printJson(ctx.io, { files, ...method, ...(o.csv ? { csv: o.csv } : {}) });
        return;
      }
      for (const f of files) {
        if (files.length > 1) ctx.io.out(`${f.file}\n`);
        for (const r of f.results) {
          ctx.io.out(`${r.phrase}\t${r.distance === null ? "no window" : `distance ${r.distance.toFixed(6)} at ${r.location}: ${r.match}`}\n`);
          if (r.context !== undefined) ctx.io.out(`  ${r.context.replace(/\s+/g, " ")}\n`);
        }
      }
      if (o.csv) ctx.io.out(`${files.length * phrases.length} row(s) written to ${o.csv}\n`);
    });

  screen
    .command("prisma")
    .description("PRISMA 2020 flow counts from the import log, dedupe and decision log; the diagram as SVG")
    .requiredOption("--project <file>", "project file")
    .option("--reviewers <n>", "reviewers required per record (2 for dual screening), default 1")
    .option("--svg <file>", "write the flow diagram to this SVG file")
    .option("--title <text>", "diagram title")
    .option("--json", "machine output")
    .action(async (o: { project: string; reviewers?: string; svg?: string; title?: string; json?: boolean }) => {
      const requiredReviewers = num(o.reviewers, "--reviewers", { integer: true, min: 1, max: 10 }) ?? 1;
      const finding = await withProject(o.project, false, (p) => projectPrismaFinding(p, o.project, requiredReviewers));
      if (o.svg) writeFileSync(o.svg, prismaSvg(finding.result, o.title ? { title: o.title } : {}));
      if (o.json) {
        printJson(ctx.io, { findings: [finding], ...(o.svg ? { svg: o.svg } : {}) });
        return;
      }
      const c = finding.result;
      const lines = [
        finding.title,
        `  identified ${c.identifiedTotal} (${c.identified.map((s) => `${s.source} ${s.n}`).join(", ")}); duplicates removed ${c.duplicatesRemoved}`,
        `  screened ${c.screened}; excluded ${c.screeningExcluded}; awaiting ${c.screeningAwaiting}`,
        `  sought ${c.sought}; not retrieved ${c.notRetrieved}; assessed ${c.assessed}; excluded ${c.fullTextExcluded}${c.excludedWithReasons.length ? ` (${c.excludedWithReasons.map((r) => `${r.reason} ${r.n}`).join(", ")})` : ""}; awaiting ${c.fullTextAwaiting}`,
        `  included ${c.included}`,
        `  ${finding.statement}`,
        ...finding.caveats.map((x) => `  caveat [${x.code}]: ${x.message}`),
        ...(o.svg ? [`  diagram written to ${o.svg}`] : []),
      ];
      ctx.io.out(`${lines.join("\n")}\n`);
    });
}
