import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { generateKeyPairSync, randomBytes, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { OrganAuditError } from "../../core/errors.js";
import { keyIdOf, publicKeyToBase64, publicKeyFromBase64 } from "../custody/sth.js";

/**
 * Folder layout of an archive (adapter):
 *   DIR/config.json                      archive id, public key, paths of the key files
 *   DIR/keys/signing-ed25519.pem         Ed25519 private key (PKCS#8 PEM), mode 0600
 *   DIR/keys/witness-aes256gcm.key       32-byte AES-256-GCM key (hex), mode 0600
 *   DIR/archive.db                       SQLite database (items, derived, custody log, tree heads, ...),
 *                                        unless the archive's tables live in PostgreSQL (config "database")
 *   DIR/blobs/sha256/ab/cd/<sha256>      content-addressed blobs (originals and derived content)
 *   DIR/tmp/                             partial writes; emptied on open
 *   DIR/latest-sth.json                  copy of the newest signed tree head (detects a rolled-back log)
 * Keys are never stored in the database. The key files may be moved elsewhere: set their absolute
 * paths in config.json (then a copied archive folder carries no key).
 */
export const ARCHIVE_FORMAT = "organ-audit-evidence-archive";

export const configSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(1),
  archiveId: z.string().min(1),
  createdAt: z.string(),
  publicKey: z.string().min(1),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signingKeyFile: z.string().min(1),
  witnessKeyFile: z.string().min(1),
  /** largest original accepted, in bytes */
  maxItemBytes: z.number().int().positive().optional(),
  /**
   * where the tables live when not in DIR/archive.db: "postgres" (absent: SQLite in the folder). The
   * location itself is recorded only when it holds no password (secrets are never written to disk);
   * otherwise the caller passes it on every open.
   */
  databaseDialect: z.literal("postgres").optional(),
  database: z.string().min(1).optional(),
});
export type ArchiveConfig = z.infer<typeof configSchema>;

export const paths = (dir: string) => ({
  dir,
  config: join(dir, "config.json"),
  db: join(dir, "archive.db"),
  blobs: join(dir, "blobs", "sha256"),
  tmp: join(dir, "tmp"),
  latestSth: join(dir, "latest-sth.json"),
});

export function blobPath(dir: string, sha256: string): string {
  return join(dir, "blobs", "sha256", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** Write a small file atomically: temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems cannot fsync a folder; the rename is still atomic
  }
}

export function isArchiveDir(dir: string): boolean {
  return existsSync(paths(dir).config);
}

/** True when a database location carries a secret (a password in the URL or its query string). */
export function locationHasSecret(location: string): boolean {
  try {
    const u = new URL(location);
    if (u.password !== "") return true;
    for (const k of u.searchParams.keys()) if (/pass/i.test(k)) return true;
    return false;
  } catch {
    return true; // not a URL: do not risk writing it
  }
}

/** A database location with its password (if any) replaced by "***", for messages and logs. */
export function redactLocation(location: string): string {
  try {
    const u = new URL(location);
    if (u.password !== "") u.password = "***";
    for (const k of [...u.searchParams.keys()]) if (/pass/i.test(k)) u.searchParams.set(k, "***");
    return u.toString();
  } catch {
    return "(database location)";
  }
}

/**
 * Create the folder layout, config and keys. The folder must not exist or be empty. With
 * `postgres`, the config records that the tables live in PostgreSQL (and the location when it holds no
 * password).
 */
export function createLayout(dir: string, opts: { postgres?: string } = {}): ArchiveConfig {
  const p = paths(dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new OrganAuditError("EV_ARCH_EXISTS", { dir });
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(dir, "keys"), { recursive: true, mode: 0o700 });
  mkdirSync(p.blobs, { recursive: true });
  mkdirSync(p.tmp, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const signingKeyFile = "keys/signing-ed25519.pem";
  const witnessKeyFile = "keys/witness-aes256gcm.key";
  writeFileAtomic(join(dir, signingKeyFile), privateKey.export({ type: "pkcs8", format: "pem" }) as string, 0o600);
  writeFileAtomic(join(dir, witnessKeyFile), `${randomBytes(32).toString("hex")}\n`, 0o600);
  const config: ArchiveConfig = {
    format: ARCHIVE_FORMAT,
    version: 1,
    archiveId: `arc-${randomBytes(8).toString("hex")}`,
    createdAt: new Date().toISOString(),
    publicKey: publicKeyToBase64(publicKey),
    keyId: keyIdOf(publicKey),
    signingKeyFile,
    witnessKeyFile,
    ...(opts.postgres !== undefined ? { databaseDialect: "postgres" as const, ...(locationHasSecret(opts.postgres) ? {} : { database: opts.postgres }) } : {}),
  };
  writeFileAtomic(p.config, `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

export function readConfig(dir: string): ArchiveConfig {
  const p = paths(dir);
  if (!existsSync(p.config)) throw new OrganAuditError("EV_ARCH_NOT_FOUND", { dir });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(p.config, "utf8"));
  } catch (e) {
    throw new OrganAuditError("EV_ARCH_CONFIG", { detail: (e as Error).message }, { file: p.config });
  }
  const r = configSchema.safeParse(json);
  if (!r.success) throw new OrganAuditError("EV_ARCH_CONFIG", { detail: r.error.message }, { file: p.config });
  const pub = publicKeyFromBase64(r.data.publicKey);
  if (keyIdOf(pub) !== r.data.keyId) throw new OrganAuditError("EV_ARCH_CONFIG", { detail: "keyId does not match publicKey" }, { file: p.config });
  return r.data;
}

function keyFile(dir: string, f: string): string {
  return isAbsolute(f) ? f : resolve(dir, f);
}

function readKeyFile(file: string, key: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new OrganAuditError("EV_ARCH_KEY_PERMS", { file, mode: mode.toString(8).padStart(3, "0") });
  try {
    return readFileSync(file);
  } catch {
    throw new OrganAuditError("EV_ARCH_KEY_MISSING", { key, file });
  }
}

export interface ArchiveKeys {
  publicKey: KeyObject;
  /** undefined when the signing key file is absent (read-only archive: verify still works) */
  signingKey: KeyObject | undefined;
  signingKeyFile: string;
  /** undefined when the witness key file is absent (sensitive fields cannot be read or written) */
  witnessKey: Buffer | undefined;
  witnessKeyFile: string;
}

export function loadKeys(dir: string, config: ArchiveConfig): ArchiveKeys {
  const signingKeyFile = keyFile(dir, config.signingKeyFile);
  const witnessKeyFile = keyFile(dir, config.witnessKeyFile);
  const pem = readKeyFile(signingKeyFile, "signing");
  const wk = readKeyFile(witnessKeyFile, "witness");
  const signingKey = pem ? createPrivateKey(pem) : undefined;
  const publicKey = publicKeyFromBase64(config.publicKey);
  if (signingKey && keyIdOf(createPublicKey(signingKey)) !== config.keyId) {
    throw new OrganAuditError("EV_ARCH_CONFIG", { detail: `the signing key in ${signingKeyFile} does not match the public key of config.json` });
  }
  let witnessKey: Buffer | undefined;
  if (wk) {
    witnessKey = Buffer.from(wk.toString("utf8").trim(), "hex");
    if (witnessKey.length !== 32) throw new OrganAuditError("EV_ARCH_CONFIG", { detail: `${witnessKeyFile} must hold 64 hex digits` });
  }
  return { publicKey, signingKey, signingKeyFile, witnessKey, witnessKeyFile };
}
