import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { KeyObject } from "node:crypto";
import { OrganAuditError } from "../core/errors.js";
import { publicKeyFromBase64, signedTreeHeadSchema } from "../evidence/custody/sth.js";
import { initArchive, openArchive, resolveArchiveDb, resolveArchiveDir, type Archive, type OpenOptions } from "../evidence/store/archive.js";
import { attachSearch } from "../evidence/search/backend.js";
import { ingestFile } from "../evidence/store/ingest.js";
import { EVIDENCE_TYPES, isEvidenceType } from "../evidence/store/taxonomy.js";
import { verifyArchive } from "../evidence/store/verify.js";
import { exportBundle } from "../evidence/bundle/export.js";
import { importBundle } from "../evidence/bundle/import.js";
import { indexArchiveItems } from "../evidence/search/index-writer.js";
import { verifyBundle } from "../evidence/bundle/verify-bundle.js";
import type { CliContext } from "./main.js";
import { EXIT, printJson } from "./io.js";

/**
 * `organ-audit evidence init|add|show|verify|export|import|redact|delete-request|log`: the archive core.
 * The search/capture (evidence-search.ts) and claims (evidence-claims.ts) commands add their subcommands to the same `evidence` group.
 */

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function defaultActor(): string {
  if (process.env.ORGAN_AUDIT_ACTOR) return process.env.ORGAN_AUDIT_ACTOR;
  try {
    return userInfo().username || "organ-audit";
  } catch {
    return "organ-audit";
  }
}

/** The `evidence` command group, created by whichever register runs first. */
export function evidenceGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "evidence") ??
    program.command("evidence").description("evidence archive: items with custody log, search, claims, entities and timeline")
  );
}

/**
 * Open the archive for a CLI command and attach the search module's indexer when it is present, so that text
 * added by any command is indexed in the same transaction.
 */
export async function openForCli(dir: string, opts: OpenOptions = {}): Promise<Archive> {
  // an archive on PostgreSQL: its location is recorded in the archive's config when it holds no password
  // (give the password through PGPASSWORD or ~/.pgpass), or given by $ORGAN_AUDIT_ARCHIVE_DB
  const db = opts.db ?? resolveArchiveDb(undefined);
  const a = await openArchive(dir, { ...opts, ...(db !== undefined ? { db } : {}) });
  // the search backend of the archive's dialect (SQLite FTS5 or PostgreSQL trigram index)
  if (!opts.readonly) attachSearch(a);
  return a;
}

async function run<T>(dir: string, fn: (a: Archive) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  const a = await openForCli(dir, opts);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

function parseSensitive(list: string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf("=");
    if (i <= 0) throw new OrganAuditError("E_USAGE", { detail: `--sensitive expects field=value, got "${kv}"` });
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function trustedKey(v: string | undefined): KeyObject | undefined {
  if (!v) return undefined;
  const text = existsSync(v) ? readFileSync(v, "utf8").trim() : v.trim();
  try {
    // a config.json, or the base64 SPKI public key itself
    const json = text.startsWith("{") ? (JSON.parse(text) as { publicKey?: string }) : undefined;
    return publicKeyFromBase64(json?.publicKey ?? text);
  } catch {
    throw new OrganAuditError("E_USAGE", { detail: "--trusted-key expects a base64 Ed25519 public key, or a file holding one or an archive's config.json" });
  }
}

interface Common {
  archive?: string;
  json?: boolean;
  actor?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const ev = evidenceGroup(program);
  const common = (c: Command): Command =>
    c.option("--archive <dir>", "archive folder (default: $ORGAN_AUDIT_ARCHIVE or ./evidence-archive)").option("--json", "machine-readable output");

  common(ev.command("init"))
    .description("create a new archive: folder layout, database, Ed25519 signing key and AES-256-GCM witness key; loads the starter case unless --empty")
    .option("--empty", "do not load the starter case")
    .option("--actor <name>", "who creates the archive (default: $ORGAN_AUDIT_ACTOR or the user name)")
    .option("--db <location>", "keep the archive's tables in PostgreSQL: postgres://USER@HOST/DB?schema=NAME (default: SQLite in the folder; $ORGAN_AUDIT_ARCHIVE_DB); the location is recorded in the archive's config only when it holds no password")
    .action(async (o: Common & { empty?: boolean; db?: string }) => {
      const dir = resolve(resolveArchiveDir(o.archive));
      const db = resolveArchiveDb(o.db);
      const a = await initArchive(dir, { actor: o.actor ?? defaultActor(), ...(db !== undefined ? { db } : {}) });
      // texts stored while loading the starter case are indexed by the archive's search backend
      attachSearch(a);
      let starter: unknown = null;
      let starterError: string | null = null;
      try {
        if (!o.empty) {
          const spec = "../evidence/claims/starter.js";
          const mod = (await import(spec)) as { loadStarterCase?: (host: Archive, o: { actor: string }) => Promise<unknown> };
          if (mod.loadStarterCase) starter = await mod.loadStarterCase(a, { actor: o.actor ?? defaultActor() });
        }
      } catch (e) {
        starterError = (e as Error).message;
      } finally {
        await a.close();
      }
      const out = { dir, archiveId: a.config.archiveId, keyId: a.config.keyId, publicKey: a.config.publicKey, starter, ...(starterError ? { starterError } : {}) };
      if (o.json) printJson(ctx.io, out);
      else {
        ctx.io.out(`created archive ${out.archiveId} in ${dir} (signing key id ${out.keyId})`);
        ctx.io.out(`keys: ${dir}/keys/ (mode 0600); keep a copy of them, and of the public key, outside the archive`);
        if (starter) ctx.io.out(`starter case loaded`);
        if (starterError) ctx.io.err(`the starter case was not loaded: ${starterError} (load it later with "organ-audit evidence starter")`);
      }
    });

  common(ev.command("add"))
    .description("add a local file (HTML, PDF, text, image, audio, ...) with its extracted text; duplicates are linked, not stored twice")
    .argument("<file>", "file to add")
    .option("--type <type>", `evidence type (${Object.keys(EVIDENCE_TYPES).join(", ")})`, "other")
    .option("--language <tag>", "language of the content (BCP 47, e.g. zh-Hans, zh-Hant, en)")
    .option("--source <text>", "where it came from (citation, data-package source id, person)")
    .option("--url <url>", "original URL")
    .option("--tag <tag>", "free tag (repeatable)", collect, [])
    .option("--captured-at <iso>", "when the original was captured (default: now)")
    .option("--note <text>", "note")
    .option("--restricted", "leave the original out of exports unless --include-sensitive")
    .option("--sensitive <field=value>", "witness field sealed with AES-256-GCM (repeatable); implies --restricted", collect, [])
    .option("--actor <name>", "who adds it")
    .action(
      async (
        file: string,
        o: Common & { type: string; language?: string; source?: string; url?: string; tag: string[]; capturedAt?: string; note?: string; restricted?: boolean; sensitive: string[] },
      ) => {
        if (!isEvidenceType(o.type)) throw new OrganAuditError("EV_ARCH_BAD_TYPE", { value: o.type, allowed: Object.keys(EVIDENCE_TYPES).join(", ") }, { field: "--type" });
        const sensitive = parseSensitive(o.sensitive);
        const r = await run(resolveArchiveDir(o.archive), (a) =>
          ingestFile(a, resolve(file), {
            evidenceType: o.type,
            addedBy: o.actor ?? defaultActor(),
            tags: o.tag,
            ...(o.language ? { language: o.language } : {}),
            ...(o.source ? { source: o.source } : {}),
            ...(o.url ? { url: o.url } : {}),
            ...(o.capturedAt ? { capturedAt: o.capturedAt } : {}),
            ...(o.note ? { note: o.note } : {}),
            ...(o.restricted ? { restricted: true } : {}),
            ...(sensitive ? { sensitive } : {}),
          }),
        );
        const out = { id: r.id, sha256: r.sha256, size: r.size, existing: r.existing, duplicateOf: r.duplicateOf ?? null, textId: r.textId, ...(r.noText ? { noText: r.noText } : {}) };
        if (o.json) printJson(ctx.io, out);
        else {
          ctx.io.out(`${r.existing ? "already present" : "added"} ${r.id} sha256 ${r.sha256} (${r.size} bytes)`);
          if (r.duplicateOf) ctx.io.out(`same bytes as ${r.duplicateOf} (stored once)`);
          if (r.noText) ctx.io.out(`no text stored: ${r.noText}`);
        }
      },
    );

  common(ev.command("show"))
    .description("show an item: metadata, derived records and its custody-log entries")
    .argument("<id>", "item id")
    .option("--reveal", "show sealed witness fields (needs the witness key)")
    .action(async (id: string, o: Common & { reveal?: boolean }) => {
      const out = await run(
        resolveArchiveDir(o.archive),
        async (a) => {
          const got = await a.getItem(id, { reveal: o.reveal ?? false });
          if (!got) throw new OrganAuditError("EV_ARCH_NO_ITEM", { id });
          const derivedIds = new Set(got.derived.map((d) => d.id));
          const entries = (await a.log.entries()).filter(
            (e) => e.itemId === id || (e.rows ?? []).some((r) => r.id === id || derivedIds.has(r.id)),
          );
          return { ...got, custody: entries };
        },
        { readonly: true },
      );
      if (o.json) printJson(ctx.io, out);
      else {
        const it = out.item;
        ctx.io.out(`${it.id}  ${it.evidenceType}  ${it.filename ?? it.url ?? ""}`);
        ctx.io.out(`  sha256 ${it.sha256}  ${it.size} bytes  ${it.mime}  language ${it.language ?? "-"}`);
        ctx.io.out(`  captured ${it.capturedAt}  added ${it.addedAt} by ${it.addedBy}  tags ${it.tags.join(", ") || "-"}`);
        if (it.source) ctx.io.out(`  source ${it.source}`);
        if (it.duplicateOf) ctx.io.out(`  same bytes as ${it.duplicateOf}`);
        if (it.sensitive) ctx.io.out(`  sensitive: ${it.sensitive === "sealed" ? "sealed (use --reveal with the witness key)" : JSON.stringify(it.sensitive)}`);
        for (const d of out.derived) ctx.io.out(`  derived ${d.id} ${d.kind}${d.sealed ? " (sealed)" : ""} ${d.method} sha256 ${d.sha256}`);
        for (const e of out.custody) ctx.io.out(`  log #${e.seq} ${e.time} ${e.action} by ${e.actor}`);
      }
    });

  common(ev.command("verify"))
    .description("verify the archive (re-hash every blob, check every row against the custody log, recompute Merkle roots, check signatures), or an exported bundle offline; exit 0 only when everything verifies")
    .argument("[bundle]", "a bundle .zip to verify instead of the archive")
    .option("--trusted-key <key>", "Ed25519 public key (base64 SPKI, or a file holding it or a config.json) the signatures must come from")
    .option("--known-head <file>", "a signed tree head saved or published earlier (JSON, e.g. a copy of latest-sth.json); the log must still contain it (repeatable)", collect, [])
    .action(async (bundle: string | undefined, o: Common & { trustedKey?: string; knownHead: string[] }) => {
      const tk = trustedKey(o.trustedKey);
      if (bundle) {
        const r = await verifyBundle(resolve(bundle), tk ? { trustedPublicKey: tk } : {});
        const { manifest: _m, ...out } = r;
        if (o.json) printJson(ctx.io, out);
        else {
          for (const f of r.failures) ctx.io.err(`FAIL [${f.kind}]${f.itemId ? ` item ${f.itemId}` : ""}${f.seq !== undefined ? ` entry ${f.seq}` : ""}: ${f.message}`);
          ctx.io.out(r.ok ? `bundle verifies: ${r.counts.items} item(s), ${r.counts.blobs} blob(s), ${r.counts.entries} log entries included in tree head ${r.treeHead?.treeSize} of archive ${r.archiveId}` : `bundle FAILS verification: ${r.failures.length} problem(s)`);
        }
        if (!r.ok) ctx.setExit(EXIT.checkFailed);
        return;
      }
      const dir = resolveArchiveDir(o.archive);
      let r: Awaited<ReturnType<typeof verifyArchive>>;
      try {
        const knownHeads = o.knownHead.map((f) => {
          try {
            return signedTreeHeadSchema.parse(JSON.parse(readFileSync(f, "utf8")));
          } catch (e) {
            throw new OrganAuditError("E_USAGE", { detail: `--known-head ${f}: not a signed tree head (${(e as Error).message.split("\n")[0]})` });
          }
        });
        r = await run(dir, (a) => verifyArchive(a, { ...(tk ? { trustedPublicKey: tk } : {}), knownHeads }), { readonly: true });
      } catch (e) {
        if (e instanceof OrganAuditError) throw e;
        // the database file itself is damaged: that is a verification failure, not a usage error
        r = {
          ok: false,
          archiveId: "",
          keyId: "",
          counts: { items: 0, derived: 0, blobs: 0, entries: 0, treeHeads: 0, rows: 0 },
          treeHead: null,
          failures: [{ kind: "database", message: `the archive database cannot be opened: ${(e as Error).message}` }],
          warnings: [],
        };
      }
      if (o.json) printJson(ctx.io, r);
      else {
        for (const f of r.failures) ctx.io.err(`FAIL [${f.kind}]${f.itemId ? ` item ${f.itemId}` : ""}${f.seq !== undefined ? ` entry ${f.seq}` : ""}: ${f.message}`);
        for (const w of r.warnings) ctx.io.err(`note: ${w}`);
        ctx.io.out(
          r.ok
            ? `archive verifies: ${r.counts.items} item(s), ${r.counts.derived} derived, ${r.counts.entries} log entries, root ${r.treeHead?.rootHash ?? "-"} signed by ${r.keyId}`
            : `archive FAILS verification: ${r.failures.length} problem(s)`,
        );
      }
      if (!r.ok) ctx.setExit(EXIT.checkFailed);
    });

  common(ev.command("export"))
    .description("export items, their derived records, custody entries and inclusion proofs as a zip bundle verifiable offline")
    .argument("<bundle>", "zip file to write (must not exist)")
    .option("--item <id>", "item to export (repeatable; default: all)", collect, [])
    .option("--include-sensitive", "include restricted originals, sealed texts and witness fields in clear")
    .option("--actor <name>", "who exports")
    .action(async (bundle: string, o: Common & { item: string[]; includeSensitive?: boolean }) => {
      const r = await run(resolveArchiveDir(o.archive), (a) =>
        exportBundle(a, { out: resolve(bundle), actor: o.actor ?? defaultActor(), includeSensitive: o.includeSensitive ?? false, ...(o.item.length ? { itemIds: o.item } : {}) }),
      );
      if (o.json) printJson(ctx.io, r);
      else ctx.io.out(`wrote ${r.file}: ${r.items} item(s), ${r.blobs} blob(s), ${r.entries} log entries, ${r.omitted} withheld (sensitive); tree head ${r.treeSize} root ${r.rootHash}`);
    });

  common(ev.command("import"))
    .description("verify a bundle and import its items into this archive (all or nothing)")
    .argument("<bundle>", "bundle .zip")
    .option("--trusted-key <key>", "require the bundle to be signed by this Ed25519 public key")
    .option("--actor <name>", "who imports")
    .action(async (bundle: string, o: Common & { trustedKey?: string }) => {
      const tk = trustedKey(o.trustedKey);
      const r = await run(resolveArchiveDir(o.archive), async (a) => {
        const res = await importBundle(a, resolve(bundle), { actor: o.actor ?? defaultActor(), ...(tk ? { trustedPublicKey: tk } : {}) });
        // imported rows bypass the text hook: index their texts so that they are searchable at once
        if (res.imported.length > 0) await indexArchiveItems(a, { itemIds: res.imported });
        return res;
      });
      if (o.json) printJson(ctx.io, r);
      else ctx.io.out(`imported ${r.imported.length} item(s), ${r.skipped.length} already present, ${r.leftOut.length} record(s) left out (withheld in the bundle)`);
    });

  common(ev.command("redact"))
    .description("redact terms (e.g. a witness's name) from a derived text: the original text is sealed, a redacted copy is stored, and the redaction is logged")
    .argument("<derived-id>", "id of the derived text record")
    .requiredOption("--term <text>", "text to redact (repeatable)", collect, [])
    .option("--reason <text>", "why")
    .option("--actor <name>", "who redacts")
    .action(async (id: string, o: Common & { term: string[]; reason?: string }) => {
      if (!o.term.length) throw new OrganAuditError("E_USAGE", { detail: "give at least one --term" });
      const r = await run(resolveArchiveDir(o.archive), (a) => a.redact(id, { terms: o.term, actor: o.actor ?? defaultActor(), ...(o.reason ? { reason: o.reason } : {}) }));
      if (o.json) printJson(ctx.io, r);
      else ctx.io.out(`redacted ${r.replaced} occurrence(s): new record ${r.redactedId}; original ${r.sealedId} sealed`);
    });

  common(ev.command("delete-request"))
    .description("log a request to delete an item (nothing is deleted; the request is kept for review)")
    .argument("<id>", "item id")
    .requiredOption("--reason <text>", "why deletion is requested")
    .option("--actor <name>", "who asks")
    .action(async (id: string, o: Common & { reason: string }) => {
      const e = await run(resolveArchiveDir(o.archive), (a) => a.requestDeletion(id, { actor: o.actor ?? defaultActor(), reason: o.reason }));
      if (o.json) printJson(ctx.io, e);
      else ctx.io.out(`logged delete-request #${e.seq} for ${id}; the item is kept`);
    });

  common(ev.command("log"))
    .description("print custody-log entries, the signed tree head, and inclusion or consistency proofs")
    .option("--from <seq>", "first entry", "0")
    .option("--limit <n>", "number of entries", "50")
    .option("--proof <seq>", "inclusion proof of entry SEQ in the current tree head")
    .option("--consistency <size>", "consistency proof from tree size SIZE to the current one")
    .action(async (o: Common & { from: string; limit: string; proof?: string; consistency?: string }) => {
      const int = (v: string, flag: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new OrganAuditError("E_USAGE", { detail: `${flag} expects a non-negative integer, got "${v}"` });
        return n;
      };
      const from = int(o.from, "--from");
      const limit = int(o.limit, "--limit");
      const out = await run(
        resolveArchiveDir(o.archive),
        async (a) => {
          const head = await a.log.treeHead();
          const size = head?.treeSize ?? 0;
          const res: Record<string, unknown> = { treeHead: head ?? null, entries: await a.log.entries(from, from + limit) };
          if (o.proof !== undefined) {
            const seq = int(o.proof, "--proof");
            if (seq >= size) throw new OrganAuditError("E_USAGE", { detail: `--proof ${seq}: the log has ${size} entries` });
            const leaf = (await a.db.selectFrom("custody_log").select("leaf_hash").where("seq", "=", seq).executeTakeFirstOrThrow()).leaf_hash;
            res.inclusion = { seq, treeSize: size, leafHash: leaf, path: await a.log.inclusionProof(seq, size) };
          }
          if (o.consistency !== undefined) {
            const old = int(o.consistency, "--consistency");
            if (old < 1 || old > size) throw new OrganAuditError("E_USAGE", { detail: `--consistency ${old}: must be between 1 and ${size}` });
            res.consistency = { oldSize: old, oldRoot: (await a.log.treeHead(old))?.rootHash, newSize: size, newRoot: head?.rootHash, path: await a.log.consistencyProof(old, size) };
          }
          return res;
        },
        { readonly: true },
      );
      if (o.json) printJson(ctx.io, out);
      else {
        const head = out.treeHead as { treeSize: number; rootHash: string; timestamp: string } | null;
        ctx.io.out(head ? `tree head: ${head.treeSize} entries, root ${head.rootHash}, ${head.timestamp}` : "empty log");
        for (const e of out.entries as { seq: number; time: string; action: string; actor: string; itemId?: string }[]) {
          ctx.io.out(`#${e.seq} ${e.time} ${e.action} by ${e.actor}${e.itemId ? ` item ${e.itemId}` : ""}`);
        }
        if (out.inclusion) ctx.io.out(`inclusion: ${JSON.stringify(out.inclusion)}`);
        if (out.consistency) ctx.io.out(`consistency: ${JSON.stringify(out.consistency)}`);
      }
    });
}
