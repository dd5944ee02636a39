import type { Command } from "commander";
import { OrganAuditError } from "../core/errors.js";
import { caveat, type Finding } from "../core/finding.js";
import { STANDARD_DEFAULTS } from "../audit/standard.js";
import { matchEntities } from "../evidence/claims/alias.js";
import type { ClaimMapEntry, FindingEntry } from "../evidence/claims/claim-map.js";
import { loadFindings } from "../evidence/claims/findings-input.js";
import { archiveClaimMap, packageSources, refreshFindingLinks } from "../evidence/claims/map-loader.js";
import { ALIAS_LANGS, DATE_PRECISIONS, ENTITY_KINDS, isStance, type AliasLang, type DatePrecision, LINK_KINDS, type EntityKind, type FindingSelector, type LinkKind, type Stance } from "../evidence/claims/model.js";
import { resolveSelector, selectorLabel } from "../evidence/claims/selector.js";
import { defaultCaseDir, loadCase, readCase } from "../evidence/claims/starter.js";
import { addClaim, addEntity, addEvent, getClaim, linkClaim, listEntities, listEvents, listLinks } from "../evidence/claims/store.js";
import { resolveArchiveDir, withArchive } from "../evidence/store/archive.js";
import type { CliContext } from "./main.js";
import { printJson } from "./io.js";

/**
 * `organ-audit evidence claims|link|entities|timeline|claim-add|starter`: the claim map, links from
 * claims to items and sources, entities with Chinese/English/pinyin aliases, the timeline, and loading
 * the starter case. Every write goes through the archive's custody log.
 */

interface ArchiveOpts {
  archive?: string;
  json?: boolean;
  actor?: string;
}

function actorOf(o: ArchiveOpts): string {
  return o.actor ?? process.env.ORGAN_AUDIT_ACTOR ?? process.env.USER ?? "organ-audit";
}

function intOpt(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new OrganAuditError("E_USAGE", { detail: `${flag} expects a non-negative integer, got "${v}"` });
  return n;
}

/** key=value pairs; values that read as JSON numbers, booleans or null are typed. */
export function parseParams(list: string[]): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const kv of list) {
    const i = kv.indexOf("=");
    if (i <= 0) throw new OrganAuditError("E_USAGE", { detail: `--param expects key=value, got "${kv}"` });
    const v = kv.slice(i + 1);
    out[kv.slice(0, i)] = v === "true" ? true : v === "false" ? false : v === "null" ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  return out;
}

function stanceOf(v: string | undefined): Stance {
  if (v === undefined || !isStance(v)) throw new OrganAuditError("EV_CLAIM_BAD_STANCE", { value: v ?? "" }, { field: "--stance" });
  return v;
}

const BADGE: Record<string, string> = {
  flag: "FLAG      ",
  pass: "consistent",
  "insufficient-data": "cannot say",
  estimate: "estimate  ",
};

const BEARING_TEXT: Record<FindingEntry["bearing"], string> = {
  "matches-expectation": "verdict as the claim expects",
  "does-not-match": "verdict not as the claim expects (absence of this signal, not disproof)",
  undecided: "the test cannot decide with these data",
  "no-verdict": "no verdict to weigh (estimate, or no expectation stated)",
  unresolved: "the audit produced no single finding for this link",
  "not-computed": "not recomputed (verdict stored when linked)",
};

function printClaimMap(ctx: CliContext, map: ClaimMapEntry[], basis: string): void {
  const out = ctx.io.out;
  out(`Claim map (${map.length} claim(s); findings: ${basis})`);
  if (map.length === 0) out(`no claims in this archive: load the starter case with "organ-audit evidence starter", or add one with "organ-audit evidence claim-add"`);
  for (const m of map) {
    out("");
    out(`${m.claim.id}  ${m.claim.title}`);
    out(`  ${m.claim.statement}`);
    if (m.claim.counterpoints) out(`  What would weaken it: ${m.claim.counterpoints}`);
    const e = m.summary.evidence;
    out(`  Evidence linked: ${e.supports} supporting, ${e.contradicts} contradicting, ${e.context} context`);
    for (const it of m.items) out(`    item   ${it.id}  [${it.stance}] ${it.label}${it.missing ? " (missing from archive)" : ` sha256:${it.sha256.slice(0, 12)}`}${it.note ? ` - ${it.note}` : ""}`);
    for (const s of m.sources) out(`    source ${s.id}  [${s.stance}] ${s.title}${s.qualityGrade ? ` (grade ${s.qualityGrade})` : ""}${s.note ? ` - ${s.note}` : ""}`);
    if (m.findings.length) {
      out("  Findings:");
      for (const f of m.findings) {
        const v = f.verdict ?? f.linkedVerdict;
        const badge = v ? BADGE[v] : "          ";
        const id = f.currentId ?? f.linkedId ?? "(none)";
        const text = f.bearing === "no-verdict" ? (v === "estimate" ? "an estimate: no verdict to weigh" : "no expected verdict stated for this link") : BEARING_TEXT[f.bearing];
        out(`    [${badge}] ${id}  ${f.selectorLabel}${f.expect ? `  expects ${f.expect}` : ""}: ${text}${f.idChanged ? ` (was ${f.linkedId})` : ""}`);
      }
    } else out("  Findings: none linked");
    if (m.events.length) {
      out("  Timeline:");
      for (const ev of m.events) out(`    ${ev.date.padEnd(10)}  ${ev.titleEn}${ev.sourceIds.length ? ` [${ev.sourceIds.join(", ")}]` : ""}`);
    }
    if (m.entities.length) out(`  Entities: ${m.entities.map((x) => `${x.name} (${x.kind})`).join("; ")}`);
  }
  out("");
  out(caveat("C_EV_CLAIM_MAP", {}).message);
}

function evidenceGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "evidence") ??
    program.command("evidence").description("evidence archive: items with custody log, search, claims, entities and timeline")
  );
}

export function register(program: Command, ctx: CliContext): void {
  const ev = evidenceGroup(program);
  const common = (c: Command): Command =>
    c.option("--archive <dir>", "archive folder (default: $ORGAN_AUDIT_ARCHIVE or ./evidence-archive)").option("--json", "machine-readable output");

  // ---- claim map ----
  common(ev.command("claims"))
    .description("claim map: each claim with the items, sources, findings (and their current verdicts), events and entities linked to it")
    .option("--claim <id>", "only this claim")
    .option("--findings <file>", "findings file written by 'organ-audit audit --json' or --out (default: run the standard audit)")
    .option("--no-audit", "do not compute findings: show the verdicts stored when the links were made")
    .option("--update-links", "store the finding ids and verdicts the links resolve to now (one custody entry per change)")
    .option("--actor <name>", "who makes the change (with --update-links)")
    .option("--data-dir <dir>", "data package directory (default: the shipped package)")
    .option("--seed <n>", "seed of the standard audit", String(STANDARD_DEFAULTS.seed))
    .option("--sims <n>", "Monte Carlo simulations per test in the standard audit", String(STANDARD_DEFAULTS.sims))
    .action(async (o: ArchiveOpts & { claim?: string; findings?: string; audit: boolean; updateLinks?: boolean; dataDir?: string; seed?: string; sims?: string }) => {
      let findings: Finding[] | null = null;
      let basis = "not computed";
      if (o.findings) {
        findings = loadFindings({ file: o.findings });
        basis = `file ${o.findings}`;
      } else if (o.audit) {
        const seed = intOpt(o.seed, "--seed", STANDARD_DEFAULTS.seed);
        findings = loadFindings({ audit: { seed, sims: intOpt(o.sims, "--sims", STANDARD_DEFAULTS.sims), ...(o.dataDir ? { dataDir: o.dataDir } : {}) } });
        basis = `standard audit (seed ${seed})`;
      }
      if (o.updateLinks && !findings) throw new OrganAuditError("E_USAGE", { detail: "--update-links needs findings (drop --no-audit or give --findings)" });
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        if (o.claim && !(await getClaim(a, o.claim))) throw new OrganAuditError("EV_CLAIM_NOT_FOUND", { id: o.claim });
        const refreshed = o.updateLinks && findings ? await refreshFindingLinks(a, findings, { actor: actorOf(o) }) : null;
        const map = await archiveClaimMap(a, { findings, ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.claim ? { claimId: o.claim } : {}) });
        const caveats = [caveat("C_EV_CLAIM_MAP", {}), ...(findings ? [] : [caveat("C_EV_CLAIM_NO_FINDINGS", {})])];
        if (o.json) printJson(ctx.io, { findingsBasis: basis, caveats, ...(refreshed ? { updatedLinks: refreshed.updated } : {}), claims: map });
        else {
          if (refreshed) ctx.io.out(`${refreshed.updated.length} finding link(s) updated, ${refreshed.unchanged} unchanged`);
          printClaimMap(ctx, map, basis);
        }
      }, { readonly: !o.updateLinks });
    });

  // ---- link ----
  common(ev.command("link"))
    .description("link evidence to a claim with a stance (recorded in the custody log); TARGET is an item id, or a source/event/entity id with --kind")
    .argument("<target>", "item id (or source, event or entity id with --kind)")
    .argument("<claim>", "claim id")
    .requiredOption("--stance <stance>", "supports | contradicts | context")
    .option("--kind <kind>", `what TARGET is: ${LINK_KINDS.filter((k) => k !== "finding").join(", ")}`, "item")
    .option("--note <text>", "why, in a sentence")
    .option("--actor <name>", "who makes the link (default: $ORGAN_AUDIT_ACTOR or $USER)")
    .action(async (target: string, claimId: string, o: ArchiveOpts & { stance?: string; kind: string; note?: string }) => {
      const stance = stanceOf(o.stance);
      const kind = o.kind as LinkKind;
      if (!(LINK_KINDS as readonly string[]).includes(kind) || kind === "finding") {
        throw new OrganAuditError("E_USAGE", { detail: `--kind must be item, source, event or entity (findings are linked in case files or with 'evidence claims --update-links'), got "${o.kind}"` });
      }
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        const { link, replaced } = await linkClaim(a, { claimId, kind, ref: target, stance, ...(o.note ? { note: o.note } : {}) }, { actor: actorOf(o) });
        if (o.json) printJson(ctx.io, { link, replaced });
        else ctx.io.out(`${replaced ? "updated" : "linked"} ${kind} ${target} to claim ${claimId} as "${stance}" (link ${link.id})${replaced ? `; was "${replaced.stance}"` : ""}`);
      });
    });

  // ---- link a finding ----
  common(ev.command("link-finding"))
    .description("link a finding of the standard audit to a claim by what it computes (method + parameters/title), storing the id it resolves to now")
    .argument("<claim>", "claim id")
    .requiredOption("--method <method>", "finding method, e.g. forensics.aggregation.counter")
    .option("--param <key=value>", "provenance parameter the finding must have (repeatable; numbers, true/false and null are typed)", (v: string, p: string[] = []) => [...p, v])
    .option("--title-includes <text>", "substring of the finding's title")
    .option("--input-includes <text>", "substring of one of the finding's input names")
    .option("--expect <verdict>", "the verdict the claim predicts: flag | pass (omit for estimates)")
    .option("--stance <stance>", "supports | contradicts | context", "context")
    .option("--note <text>", "why, in a sentence")
    .option("--findings <file>", "findings file written by 'organ-audit audit --json' or --out (default: run the standard audit)")
    .option("--allow-unresolved", "store the link even if no finding matches now (it resolves when the audit produces one)")
    .option("--actor <name>", "who makes the link")
    .action(async (claimId: string, o: ArchiveOpts & { method: string; param?: string[]; titleIncludes?: string; inputIncludes?: string; expect?: string; stance?: string; note?: string; findings?: string; allowUnresolved?: boolean }) => {
      const stance = stanceOf(o.stance);
      if (o.expect !== undefined && o.expect !== "flag" && o.expect !== "pass") throw new OrganAuditError("E_USAGE", { detail: `--expect must be flag or pass, got "${o.expect}"` });
      const selector: FindingSelector = {
        method: o.method,
        ...(o.param?.length ? { parameters: parseParams(o.param) } : {}),
        ...(o.titleIncludes ? { titleIncludes: o.titleIncludes } : {}),
        ...(o.inputIncludes ? { inputIncludes: o.inputIncludes } : {}),
      };
      const findings = loadFindings(o.findings ? { file: o.findings } : {});
      const r = resolveSelector(findings, selector);
      if (r.status === "ambiguous") {
        throw new OrganAuditError("EV_CLAIM_SELECTOR", { selector: selectorLabel(selector), detail: `matches ${r.candidates.length} findings (${r.candidates.join(", ")}); add --param or --title-includes to pick one` });
      }
      if (r.status === "unresolved" && !o.allowUnresolved) {
        throw new OrganAuditError("EV_CLAIM_SELECTOR", { selector: selectorLabel(selector), detail: "matches no finding of the audit (use --allow-unresolved to store it anyway)" });
      }
      const hit = r.status === "resolved" ? r.finding : null;
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        const { link, replaced } = await linkClaim(a, {
          claimId, kind: "finding", ref: hit?.id ?? "", stance, selector,
          expect: (o.expect as "flag" | "pass" | undefined) ?? null, resolvedVerdict: hit?.verdict ?? null, ...(o.note ? { note: o.note } : {}),
        }, { actor: actorOf(o) });
        if (o.json) printJson(ctx.io, { link, replaced, finding: hit ? { id: hit.id, verdict: hit.verdict, title: hit.title, statement: hit.statement } : null });
        else ctx.io.out(`${replaced ? "updated" : "linked"} ${selectorLabel(selector)} to claim ${claimId}: ${hit ? `${hit.id} (${hit.verdict})` : "unresolved for now"} (link ${link.id})`);
      });
    });

  // ---- add a claim ----
  common(ev.command("claim-add"))
    .description('add a claim of the investigation; the statement must start with "The investigation claims"')
    .requiredOption("--title <text>", "short title")
    .requiredOption("--statement <text>", 'attributed statement: "The investigation claims that ..."')
    .option("--id <id>", "claim id (default: derived from the statement)")
    .option("--counterpoints <text>", "what would weaken the claim")
    .option("--actor <name>", "who adds it")
    .action(async (o: ArchiveOpts & { title: string; statement: string; id?: string; counterpoints?: string }) => {
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        const c = await addClaim(a, { title: o.title, statement: o.statement, ...(o.id ? { id: o.id } : {}), ...(o.counterpoints ? { counterpoints: o.counterpoints } : {}) }, { actor: actorOf(o) });
        if (o.json) printJson(ctx.io, c);
        else ctx.io.out(`added claim ${c.id}`);
      });
    });

  // ---- add an entity ----
  common(ev.command("entity-add"))
    .description("add an entity (hospital, person, facility, organisation) with aliases; persons only for public officials and published authors")
    .requiredOption("--id <id>", "entity id, e.g. ent-renji")
    .requiredOption("--kind <kind>", ENTITY_KINDS.join(" | "))
    .requiredOption("--name <name>", "name (usually English)")
    .option("--alias <text@lang>", "alias with its language: zh-Hans, zh-Hant, en or pinyin (repeatable), e.g. 黄洁夫@zh-Hans", (v: string, p: string[] = []) => [...p, v])
    .option("--note <text>", "why the entity is in the case")
    .option("--public-role <text>", "for persons: the public office or authorship that makes them relevant (required)")
    .option("--source <id>", "data/sources.csv id (repeatable)", (v: string, p: string[] = []) => [...p, v])
    .option("--actor <name>", "who adds it")
    .action(async (o: ArchiveOpts & { id: string; kind: string; name: string; alias?: string[]; note?: string; publicRole?: string; source?: string[] }) => {
      if (!(ENTITY_KINDS as readonly string[]).includes(o.kind)) throw new OrganAuditError("E_USAGE", { detail: `--kind must be one of ${ENTITY_KINDS.join(", ")}, got "${o.kind}"` });
      const aliases = (o.alias ?? []).map((v) => {
        const i = v.lastIndexOf("@");
        const lang = i > 0 ? v.slice(i + 1) : "";
        if (!(ALIAS_LANGS as readonly string[]).includes(lang)) throw new OrganAuditError("E_USAGE", { detail: `--alias expects text@lang with lang one of ${ALIAS_LANGS.join(", ")}, got "${v}"` });
        return { text: v.slice(0, i), lang: lang as AliasLang };
      });
      if (o.kind === "person" && !o.publicRole?.trim()) throw new OrganAuditError("EV_ENTITY_PERSON_ROLE", {});
      if (o.source?.length) {
        const known = packageSources();
        for (const id of o.source) if (!known.has(id)) throw new OrganAuditError("EV_CASE_UNKNOWN_REF", { what: "source", id, table: "data/sources.csv" }, { field: "--source" });
      }
      const note = [o.publicRole ? `public role: ${o.publicRole.trim()}` : "", o.note?.trim() ?? ""].filter(Boolean).join("; ");
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        const e = await addEntity(a, { id: o.id, kind: o.kind as EntityKind, name: o.name, aliases, note, sourceIds: o.source ?? [] }, { actor: actorOf(o) });
        if (o.json) printJson(ctx.io, e);
        else ctx.io.out(`added entity ${e.id} (${e.kind})`);
      });
    });

  // ---- entities ----
  common(ev.command("entities"))
    .description("entities (hospitals, persons, facilities, organisations) with aliases in Chinese, English and pinyin")
    .option("--kind <kind>", ENTITY_KINDS.join(" | "))
    .option("--query <name>", "find by name or alias: simplified or traditional Chinese, English, or pinyin with or without tones")
    .action(async (o: ArchiveOpts & { kind?: string; query?: string }) => {
      if (o.kind !== undefined && !(ENTITY_KINDS as readonly string[]).includes(o.kind)) {
        throw new OrganAuditError("E_USAGE", { detail: `--kind must be one of ${ENTITY_KINDS.join(", ")}, got "${o.kind}"` });
      }
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        let list = await listEntities(a, o.kind as EntityKind | undefined);
        if (o.query !== undefined) list = matchEntities(list, o.query);
        const links = await listLinks(a);
        const claimsOf = (id: string): string[] => [...new Set(links.filter((l) => l.kind === "entity" && l.ref === id).map((l) => l.claimId))];
        const rows = list.map((e) => ({ ...e, claims: claimsOf(e.id) }));
        if (o.json) printJson(ctx.io, { entities: rows });
        else {
          for (const e of rows) {
            ctx.io.out(`${e.id}  ${e.name} (${e.kind})`);
            if (e.aliases.length) ctx.io.out(`  aliases: ${e.aliases.map((x) => `${x.text} [${x.lang}]`).join(", ")}`);
            if (e.note) ctx.io.out(`  ${e.note}`);
            if (e.claims.length) ctx.io.out(`  claims: ${e.claims.join(", ")}`);
          }
          ctx.io.out(`${rows.length} entit${rows.length === 1 ? "y" : "ies"}`);
        }
      }, { readonly: true });
    });

  // ---- timeline ----
  common(ev.command("timeline"))
    .description("events in date order, with date precision, sources and the claims they bear on")
    .option("--from <date>", "earliest date (YYYY, YYYY-MM or YYYY-MM-DD)")
    .option("--to <date>", "latest date (inclusive; YYYY, YYYY-MM or YYYY-MM-DD)")
    .option("--category <name>", "only this category (e.g. policy, campaign, xinjiang)")
    .option("--claim <id>", "only events linked to this claim")
    .action(async (o: ArchiveOpts & { from?: string; to?: string; category?: string; claim?: string }) => {
      for (const [flag, v] of [["--from", o.from], ["--to", o.to]] as const) {
        if (v !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) throw new OrganAuditError("F_CHK_BAD_DATE", { value: v }, { field: flag });
      }
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        let events = await listEvents(a, { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), ...(o.category ? { category: o.category } : {}) });
        const links = (await listLinks(a)).filter((l) => l.kind === "event");
        if (o.claim) {
          if (!(await getClaim(a, o.claim))) throw new OrganAuditError("EV_CLAIM_NOT_FOUND", { id: o.claim });
          const ids = new Set(links.filter((l) => l.claimId === o.claim).map((l) => l.ref));
          events = events.filter((e) => ids.has(e.id));
        }
        const rows = events.map((e) => ({ ...e, claims: [...new Set(links.filter((l) => l.ref === e.id).map((l) => l.claimId))] }));
        if (o.json) printJson(ctx.io, { events: rows });
        else {
          for (const e of rows) {
            ctx.io.out(`${e.date.padEnd(10)} (${e.precision.padEnd(5)}) ${e.category.padEnd(22)} ${e.titleEn}`);
            const extra = [e.titleZh, e.sourceIds.length ? `sources: ${e.sourceIds.join(", ")}` : null, e.claims.length ? `claims: ${e.claims.join(", ")}` : null].filter(Boolean);
            if (extra.length) ctx.io.out(`${" ".repeat(19)}${extra.join("; ")}`);
          }
          ctx.io.out(`${rows.length} event(s)`);
        }
      }, { readonly: true });
    });

  // ---- add an event ----
  common(ev.command("event-add"))
    .description("add a timeline event with its date, precision and sources")
    .requiredOption("--id <id>", "event id, e.g. ev-2019-retractions")
    .requiredOption("--date <date>", "YYYY, YYYY-MM or YYYY-MM-DD")
    .requiredOption("--title <text>", "what happened (English)")
    .option("--title-zh <text>", "Chinese title or name of the document")
    .option("--precision <p>", "year | month | day (default: from the date's form)")
    .option("--category <name>", "e.g. policy, campaign, investigation, xinjiang", "other")
    .option("--source <id>", "data/sources.csv id (repeatable)", (v: string, p: string[] = []) => [...p, v])
    .option("--claim <id>", "also link the event to this claim (repeatable)", (v: string, p: string[] = []) => [...p, v])
    .option("--actor <name>", "who adds it")
    .action(async (o: ArchiveOpts & { id: string; date: string; title: string; titleZh?: string; precision?: string; category: string; source?: string[]; claim?: string[] }) => {
      const precision = (o.precision ?? (o.date.length === 4 ? "year" : o.date.length === 7 ? "month" : "day")) as DatePrecision;
      if (!(DATE_PRECISIONS as readonly string[]).includes(precision)) throw new OrganAuditError("E_USAGE", { detail: `--precision must be year, month or day, got "${o.precision}"` });
      if (o.source?.length) {
        const known = packageSources();
        for (const id of o.source) if (!known.has(id)) throw new OrganAuditError("EV_CASE_UNKNOWN_REF", { what: "source", id, table: "data/sources.csv" }, { field: "--source" });
      }
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        for (const c of o.claim ?? []) if (!(await getClaim(a, c))) throw new OrganAuditError("EV_CLAIM_NOT_FOUND", { id: c });
        const e = await addEvent(a, { id: o.id, date: o.date, precision, titleEn: o.title, titleZh: o.titleZh ?? null, category: o.category, sourceIds: o.source ?? [], origin: "evidence event-add" }, { actor: actorOf(o) });
        for (const c of o.claim ?? []) await linkClaim(a, { claimId: c, kind: "event", ref: e.id, stance: "context" }, { actor: actorOf(o) });
        if (o.json) printJson(ctx.io, { event: e, claims: o.claim ?? [] });
        else ctx.io.out(`added event ${e.id} (${e.date})${o.claim?.length ? `, linked to ${o.claim.join(", ")}` : ""}`);
      });
    });

  // ---- starter case ----
  common(ev.command("starter"))
    .description("load a case file set (default: the shipped starter case, Robertson 2020) into the archive: claims, entities, timeline and links")
    .option("--case <dir>", `case folder (default: ${defaultCaseDir()})`)
    .option("--resolve", "run the standard audit now and store the finding ids the links resolve to")
    .option("--data-dir <dir>", "data package the case refers to (default: the shipped package)")
    .option("--actor <name>", "who loads it")
    .action(async (o: ArchiveOpts & { case?: string; resolve?: boolean; dataDir?: string }) => {
      const rc = readCase(o.case ?? defaultCaseDir(), o.dataDir);
      const findings = o.resolve ? loadFindings({ audit: o.dataDir ? { dataDir: o.dataDir } : {} }) : null;
      await withArchive(resolveArchiveDir(o.archive), async (a) => {
        const r = await loadCase(a, rc, { actor: actorOf(o), findings });
        if (o.json) printJson(ctx.io, r);
        else if (r.status === "already-loaded") ctx.io.out(`case ${r.caseId} (version ${r.version}) is already loaded; nothing was changed`);
        else ctx.io.out(`loaded case ${r.caseId} ${r.version}: ${r.claims} claims, ${r.entities} entities, ${r.events} events, ${r.links} links${o.resolve ? ` (${r.findingsResolved} finding links resolved)` : ""}`);
      });
    });
}
