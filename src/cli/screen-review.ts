import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { message } from "../core/messages.js";
import { sha256Hex } from "../core/hash.js";
import { decodeAuto, importFile, readBytes } from "../screening/records/import-file.js";
import type { ScreeningRecord } from "../screening/records/record.js";
import { buildFeatures, type FeatureOptions } from "../screening/rank/features.js";
import { jiebaSegment } from "../screening/rank/jieba.js";
import { createClassifier, isModelName, MODEL_NAMES, type ModelName } from "../screening/rank/models.js";
import { rankRows } from "../screening/rank/rank.js";
import type { ChineseMode } from "../screening/rank/tokenize.js";
import { agreementFinding } from "../screening/review/agreement-report.js";
import { listConflicts, reviewersAt, stageOutcomes } from "../screening/review/conflicts.js";
import {
  isScreeningStage,
  makeDecision,
  SCREENING_STAGES,
  type Decision,
  type ScreeningStage,
} from "../screening/review/decision.js";
import { parseDecisionsCsv } from "../screening/review/decisions-csv.js";
import { runSeeds, simulate } from "../screening/simulate/simulate.js";
import { simulationFinding } from "../screening/simulate/simulation-finding.js";
import type { ScreeningProject } from "../screening/store/project.js";
import { withProjectFile } from "../screening/store/store.js";
import { printJson, numberOption } from "./io.js";
import type { CliContext } from "./main.js";

/**
 * `organ-audit screen rank | simulate | decide | conflicts | agreement`: rank unscreened records by
 * predicted relevance (active learning), replay a labelled dataset to measure work saved, record
 * reviewers' decisions in the project, list dual-screening conflicts, and report inter-reviewer
 * agreement (Cohen's kappa, Gwet's AC1, percent agreement, with intervals).
 */

/**
 * Defaults of ranking and simulation: TF-IDF of word unigrams (raw counts) + multinomial NB with
 * balanced class weights, alpha 3.822 — ASReview's default model, which this reproduces record for
 * record. Other settings did not beat it on every benchmark dataset (docs/SCREENING.md).
 */
export const DEFAULT_MODEL: ModelName = "nb";
export const DEFAULT_NGRAM = 1;

const num = numberOption;

function stageOf(v: string | undefined): ScreeningStage {
  const s = v ?? "title-abstract";
  if (!isScreeningStage(s))
    throw new OrganAuditError("SC_REV_BAD_STAGE", { value: s, allowed: SCREENING_STAGES.join(", ") });
  return s;
}

function modelOf(v: string | undefined): ModelName {
  const m = v ?? DEFAULT_MODEL;
  if (!isModelName(m))
    throw new OrganAuditError("SC_RANK_BAD_OPTION", {
      option: "--model",
      detail: `"${m}" (models: ${MODEL_NAMES.join(", ")})`,
    });
  return m;
}

interface FeatureFlags {
  ngram?: string;
  sublinear?: boolean;
  chinese?: string;
  keywords?: boolean;
}

function featureOptions(o: FeatureFlags): FeatureOptions {
  const chinese = (o.chinese ?? "bigram") as ChineseMode;
  if (!["bigram", "words", "both"].includes(chinese))
    throw new OrganAuditError("SC_RANK_BAD_OPTION", {
      option: "--chinese",
      detail: `"${o.chinese}" (bigram, words or both)`,
    });
  return {
    ngramMax: num(o.ngram, "--ngram", { integer: true, min: 1, max: 3 }) ?? DEFAULT_NGRAM,
    sublinearTf: o.sublinear ?? false,
    chinese,
    ...(chinese !== "bigram" ? { segment: jiebaSegment } : {}),
    keywords: o.keywords ?? false,
  };
}

/** Open the project file (a SQLite screening store; its project "default"), run `f`, close it. */
function withProject<T>(path: string, create: boolean, f: (p: ScreeningProject) => Promise<T> | T): Promise<T> {
  return withProjectFile(path, create, f);
}

function screenGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "screen") ??
    program
      .command("screen")
      .description(
        "literature screening: import, dedupe, rules, fuzzy match, ranking, simulation, decisions, agreement, PRISMA",
      )
  );
}

const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function noText(records: readonly ScreeningRecord[]): number {
  return records.filter((r) => r.title.trim() === "" && r.abstract.trim() === "").length;
}

export function register(program: Command, ctx: CliContext): void {
  const screen = screenGroup(program);

  screen
    .command("rank")
    .description(
      "rank unscreened records by predicted relevance, trained on the decisions so far (or on a label column)",
    )
    .option("--project <file>", "project file: labels are the settled decisions at --stage")
    .option("--input <file>", "records file instead of a project; rows with an empty --label-column are ranked")
    .option(
      "--label-column <name>",
      "label column of --input (1 relevant, 0 irrelevant, empty unscreened)",
      "label_included",
    )
    .option("--stage <stage>", "title-abstract | full-text (project mode)", "title-abstract")
    .option("--model <m>", `${MODEL_NAMES.join(" | ")} (default ${DEFAULT_MODEL})`)
    .option("--ngram <n>", `largest English word n-gram, 1-3 (default ${DEFAULT_NGRAM})`)
    .option("--sublinear", "use 1 + ln(count) as term frequency")
    .option("--chinese <mode>", "Chinese features: bigram | words (jieba) | both (default bigram)")
    .option("--keywords", "add keywords to the ranked text")
    .option("--seed <n>", "seed (SVM coordinate order)", "1")
    .option("--top <n>", "how many records to list (default 20; 0 = all)")
    .option("--json", "machine output")
    .action(
      async (
        o: FeatureFlags & {
          project?: string;
          input?: string;
          labelColumn: string;
          stage: string;
          model?: string;
          seed: string;
          top?: string;
          json?: boolean;
        },
      ) => {
        if ((o.project === undefined) === (o.input === undefined))
          throw new OrganAuditError("E_USAGE", { detail: "give exactly one of --project or --input" });
        const model = modelOf(o.model);
        const feats = featureOptions(o);
        const seed = num(o.seed, "--seed", { integer: true, min: 0, max: 0xffffffff }) ?? 1;
        const top = num(o.top, "--top", { integer: true, min: 0 }) ?? 20;
        let records: ScreeningRecord[];
        const labels = new Map<number, 0 | 1>();
        if (o.project !== undefined) {
          const stage = stageOf(o.stage);
          const { recs, log } = await withProject(o.project, false, async (p) => ({ recs: await p.records(), log: await p.decisions() }));
          records = recs;
          const outcomes = stageOutcomes(log, stage, 1);
          records.forEach((r, i) => {
            const s = outcomes.get(r.id)?.status;
            if (s === "include") labels.set(i, 1);
            else if (s === "exclude") labels.set(i, 0);
          });
        } else {
          records = (await importFile(o.input as string)).records;
          records.forEach((r, i) => {
            const v = r.labels[o.labelColumn];
            if (v === 1 || v === 0) labels.set(i, v);
          });
        }
        const nInc = [...labels.values()].filter((v) => v === 1).length;
        const nExc = labels.size - nInc;
        if (nInc === 0 || nExc === 0)
          throw new OrganAuditError("SC_RANK_NEED_BOTH", { included: nInc, excluded: nExc });
        const X = buildFeatures(records, feats).matrix;
        const ranked = rankRows(X, labels, createClassifier(model, seed));
        const shown = top === 0 ? ranked : ranked.slice(0, top);
        const empty = noText(records);
        const out = {
          model,
          features: {
            ngramMax: feats.ngramMax,
            sublinearTf: feats.sublinearTf,
            chinese: feats.chinese,
            keywords: feats.keywords,
          },
          nRecords: records.length,
          nLabelled: labels.size,
          nIncluded: nInc,
          nExcluded: nExc,
          nUnscreened: ranked.length,
          ranking: shown.map((r) => {
            const rec = records[r.row] as ScreeningRecord;
            return { rank: r.rank, id: rec.id, score: r.score, title: rec.title };
          }),
          warnings: empty > 0 ? [message("SC_RANK_NO_TEXT", { n: empty })] : [],
        };
        if (o.json) {
          printJson(ctx.io, out);
          return;
        }
        ctx.io.out(
          `${model}: trained on ${nInc} included and ${nExc} excluded; ${ranked.length} unscreened record(s), highest predicted relevance first\n`,
        );
        for (const r of out.ranking)
          ctx.io.out(
            `${String(r.rank).padStart(5)}  ${r.score.toFixed(3).padStart(8)}  ${r.id}  ${r.title.slice(0, 100)}\n`,
          );
        for (const w of out.warnings) ctx.io.err(`warning: ${w}`);
      },
    );

  screen
    .command("simulate")
    .description(
      "replay a labelled dataset with active learning (ASReview protocol) and report WSS@95, WSS@100, recall at 10 %, ATD",
    )
    .requiredOption("--csv <file>", "labelled records (CSV/TSV or any importable format)")
    .option("--label-column <name>", "label column (1 relevant, 0 irrelevant)", "label_included")
    .option("--seed <n>", "seed of the first run; run k uses seed + k", "1")
    .option("--runs <n>", "number of runs (seeds) to average, default 5")
    .option("--model <m>", `${MODEL_NAMES.join(" | ")} (default ${DEFAULT_MODEL})`)
    .option("--ngram <n>", `largest English word n-gram, 1-3 (default ${DEFAULT_NGRAM})`)
    .option("--sublinear", "use 1 + ln(count) as term frequency")
    .option("--chinese <mode>", "Chinese features: bigram | words (jieba) | both (default bigram)")
    .option("--keywords", "add keywords to the ranked text")
    .option("--json", "machine output")
    .action(
      async (
        o: FeatureFlags & {
          csv: string;
          labelColumn: string;
          seed: string;
          runs?: string;
          model?: string;
          json?: boolean;
        },
      ) => {
        const model = modelOf(o.model);
        const feats = featureOptions(o);
        const seed = num(o.seed, "--seed", { integer: true, min: 0, max: 0xffffffff - 1000 }) as number;
        const runs = num(o.runs, "--runs", { integer: true, min: 1, max: 1000 }) ?? 5;
        const imp = await importFile(o.csv);
        const labels = new Uint8Array(imp.records.length);
        imp.records.forEach((r, i) => {
          const v = r.labels[o.labelColumn];
          if (v !== 0 && v !== 1)
            throw new OrganAuditError(
              "SC_SIM_LABELS",
              { detail: `record ${r.id} has no 0/1 value in column "${o.labelColumn}"` },
              { file: o.csv, line: r.source.line, field: o.labelColumn },
            );
          labels[i] = v;
        });
        const nRel = labels.reduce((s, v) => s + v, 0);
        if (nRel < 2 || labels.length - nRel < 1)
          throw new OrganAuditError(
            "SC_SIM_LABELS",
            { detail: `needs at least 2 relevant and 1 irrelevant record (found ${nRel} and ${labels.length - nRel})` },
            { file: o.csv },
          );
        const X = buildFeatures(imp.records, feats).matrix;
        const summary = simulate(X, labels, model, runSeeds(seed, runs));
        const finding = simulationFinding(summary, [{ name: o.csv, sha256: imp.sha256, n: imp.records.length }], {
          model,
          labelColumn: o.labelColumn,
          runs,
          features: {
            ngramMax: feats.ngramMax,
            sublinearTf: feats.sublinearTf,
            chinese: feats.chinese,
            keywords: feats.keywords,
          },
        });
        if (o.json) {
          const { runs: perRun, recallCurve, ...headline } = summary;
          printJson(ctx.io, { ...headline, recallCurve, runs: perRun, findings: [finding] });
          return;
        }
        const f3 = (x: number): string => x.toFixed(3);
        ctx.io.out(
          [
            finding.title,
            `  records ${summary.n} (relevant ${summary.nIncluded}); seeds ${summary.seeds.join(", ")}`,
            `  WSS@95 ${f3(summary.wss95)}  WSS@100 ${f3(summary.wss100)}  recall@10% ${f3(summary.recallAt10)}  ATD ${summary.atd.toFixed(1)} records (${f3(summary.atdShare)} of the records)`,
            `  recall after screening ${[5, 10, 20, 30, 50].map((p) => `${p} %: ${f3(summary.recallCurve[p] ?? 0)}`).join(", ")}`,
            `  ${finding.statement}`,
            ...finding.caveats.map((c) => `  caveat [${c.code}]: ${c.message}`),
          ].join("\n") + "\n",
        );
      },
    );

  screen
    .command("decide")
    .description(
      "record a reviewer's decision (include | exclude | maybe) with reason code and note, or import a CSV of decisions",
    )
    .requiredOption("--project <file>", "project file")
    .option("--record <id>", "record id")
    .option("--decision <d>", "include | exclude | maybe")
    .option("--reviewer <name>", "reviewer name")
    .option("--stage <stage>", "title-abstract | full-text", "title-abstract")
    .option("--reason <code>", "reason code (required to exclude at full-text), e.g. wrong-population")
    .option("--note <text>", "free-text note")
    .option("--resolve", "this decision resolves a conflict between reviewers")
    .option(
      "--from <file>",
      "CSV of decisions: record_id, reviewer, decision[, stage, reason_code, note, time, resolution]; all or none are written",
    )
    .option("--json", "machine output")
    .action(
      async (o: {
        project: string;
        record?: string;
        decision?: string;
        reviewer?: string;
        stage: string;
        reason?: string;
        note?: string;
        resolve?: boolean;
        from?: string;
        json?: boolean;
      }) => {
        const time = nowIso();
        let batch: Decision[];
        if (o.from !== undefined) {
          if (o.record !== undefined || o.decision !== undefined)
            throw new OrganAuditError("E_USAGE", {
              detail: "give either --from or --record/--decision/--reviewer, not both",
            });
          const { text } = decodeAuto(readBytes(o.from), o.from);
          batch = parseDecisionsCsv(text, o.from, time);
        } else {
          if (o.record === undefined || o.decision === undefined || o.reviewer === undefined)
            throw new OrganAuditError("E_USAGE", {
              detail: "--record, --decision and --reviewer are required (or --from FILE)",
            });
          batch = [
            makeDecision({
              seq: 1,
              recordId: o.record,
              decision: o.decision,
              reviewer: o.reviewer,
              stage: o.stage,
              reasonCode: o.reason ?? null,
              note: o.note ?? null,
              time,
              resolution: o.resolve ?? false,
            }),
          ];
        }
        const written = await withProject(o.project, false, async (p) => {
          for (const [k, d] of batch.entries()) {
            if (!(await p.hasRecord(d.recordId)))
              throw new OrganAuditError(
                "SC_REV_UNKNOWN_RECORD",
                { id: d.recordId },
                o.from !== undefined ? { file: o.from, line: k + 2, field: "record_id" } : { field: "--record" },
              );
          }
          return p.appendDecisions(batch.map(({ seq: _seq, ...d }) => d));
        });
        if (o.json) printJson(ctx.io, { project: o.project, written });
        else
          for (const d of written)
            ctx.io.out(
              `#${d.seq} ${d.stage} ${d.recordId}: ${d.reviewer} ${d.resolution ? "resolved as " : ""}${d.decision}${d.reasonCode ? ` (${d.reasonCode})` : ""}\n`,
            );
      },
    );

  screen
    .command("conflicts")
    .description("records on which reviewers disagree and that await resolution")
    .requiredOption("--project <file>", "project file")
    .option("--stage <stage>", "title-abstract | full-text", "title-abstract")
    .option("--json", "machine output")
    .action(async (o: { project: string; stage: string; json?: boolean }) => {
      const stage = stageOf(o.stage);
      const conflicts = await withProject(o.project, false, async (p) => listConflicts(await p.decisions(), stage));
      if (o.json) {
        printJson(ctx.io, { stage, conflicts });
        return;
      }
      ctx.io.out(`${conflicts.length} conflict(s) at the ${stage} stage\n`);
      for (const c of conflicts)
        ctx.io.out(
          `  ${c.recordId}: ${c.reviews.map((r) => `${r.reviewer} ${r.decision}${r.reasonCode ? ` (${r.reasonCode})` : ""}`).join("; ")}\n`,
        );
    });

  screen
    .command("agreement")
    .description(
      "inter-reviewer agreement: percent agreement (Wilson CI), Cohen's kappa and Gwet's AC1 (asymptotic CIs)",
    )
    .option("--project <file>", "project file")
    .option("--decisions <file>", "CSV decision log instead of a project (record_id, reviewer, decision[, stage, ...])")
    .option("--stage <stage>", "title-abstract | full-text", "title-abstract")
    .option("--reviewers <a,b>", "the two reviewers to compare (default: the two with most decisions)")
    .option("--level <x>", "confidence level, default 0.95")
    .option("--json", "machine output")
    .action(
      async (o: {
        project?: string;
        decisions?: string;
        stage: string;
        reviewers?: string;
        level?: string;
        json?: boolean;
      }) => {
        if ((o.project === undefined) === (o.decisions === undefined))
          throw new OrganAuditError("E_USAGE", { detail: "give exactly one of --project or --decisions" });
        const stage = stageOf(o.stage);
        const level = num(o.level, "--level", { min: 0.5, max: 0.999 }) ?? 0.95;
        let log: Decision[];
        let inputName: string;
        if (o.project !== undefined) {
          log = await withProject(o.project, false, (p) => p.decisions());
          inputName = `${o.project}#decisions`;
        } else {
          const bytes = readBytes(o.decisions as string);
          log = parseDecisionsCsv(
            decodeAuto(bytes, o.decisions as string).text,
            o.decisions as string,
            "1970-01-01T00:00:00Z",
          );
          inputName = `${o.decisions as string}#sha256:${sha256Hex(bytes).slice(0, 12)}`;
        }
        let pair: string[];
        if (o.reviewers !== undefined) {
          pair = o.reviewers.split(",").map((s) => s.trim());
          if (pair.length !== 2 || pair[0] === "" || pair[1] === "" || pair[0] === pair[1])
            throw new OrganAuditError("E_USAGE", {
              detail: `--reviewers expects two different names "a,b", got "${o.reviewers}"`,
            });
        } else {
          pair = reviewersAt(log, stage).slice(0, 2);
          if (pair.length < 2)
            throw new OrganAuditError("E_USAGE", {
              detail: `fewer than two reviewers have decisions at the ${stage} stage`,
            });
          pair.sort();
        }
        const [a, b] = pair as [string, string];
        const finding = agreementFinding(log, stage, a, b, { level, inputName });
        const conflicts = listConflicts(log, stage).filter(
          (c) => c.reviews.some((r) => r.reviewer === a) && c.reviews.some((r) => r.reviewer === b),
        );
        if (o.json) {
          printJson(ctx.io, { findings: [finding], conflicts: conflicts.map((c) => c.recordId) });
          return;
        }
        const r = finding.result;
        const f3 = (x: number): string => x.toFixed(3);
        const lines = [
          finding.title,
          `  ${a} vs ${b}: ${r.n} record(s) screened by both`,
          ...(r.n > 0
            ? [
                `  table (rows ${a}, columns ${b}; ${r.categories.join(", ")}): ${r.table.map((row) => row.join(" ")).join(" | ")}`,
              ]
            : []),
          ...(r.percentAgreement
            ? [
                `  percent agreement ${f3(r.percentAgreement.value)} (${f3(r.percentAgreement.low)}-${f3(r.percentAgreement.high)}, Wilson)`,
              ]
            : []),
          ...(r.cohenKappa
            ? [
                `  Cohen's kappa ${f3(r.cohenKappa.value)} (SE ${f3(r.cohenKappa.se)}; ${f3(r.cohenKappa.low)} to ${f3(r.cohenKappa.high)})`,
              ]
            : []),
          ...(r.gwetAc1
            ? [
                `  Gwet's AC1 ${f3(r.gwetAc1.value)} (SE ${f3(r.gwetAc1.se)}; ${f3(r.gwetAc1.low)} to ${f3(r.gwetAc1.high)})`,
              ]
            : []),
          `  unresolved conflicts between them: ${conflicts.length}`,
          `  ${finding.statement}`,
          ...finding.caveats.map((c) => `  caveat [${c.code}]: ${c.message}`),
        ];
        ctx.io.out(`${lines.join("\n")}\n`);
      },
    );
}
