import { createHash, randomBytes } from "node:crypto";
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { open, rename, unlink, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OrganAuditError } from "../../core/errors.js";
import { blobPath, fsyncDir, paths } from "./layout.js";

/**
 * Content-addressed blob store (adapter). A blob is written to DIR/tmp, hashed while streaming
 * (memory stays bounded for any size), fsynced, then renamed to DIR/blobs/sha256/ab/cd/<sha256>.
 * Writing bytes that are already stored leaves the existing file and discards the temp file.
 */
export interface PutResult {
  sha256: string;
  size: number;
  /** true when a blob with these bytes was already stored */
  existed: boolean;
}

export interface PutOptions {
  /** name used in error messages */
  label: string;
  maxBytes: number;
  allowEmpty?: boolean;
}

const CHUNK = 1 << 20;
const SYNC_LIMIT = 16 * CHUNK;

export class BlobStore {
  /** `sync` false skips fsync (see OpenOptions.durability in archive.ts) */
  constructor(
    readonly dir: string,
    private readonly sync = true,
  ) {}

  path(sha256: string): string {
    return blobPath(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  /** Remove partial writes left by a killed process. */
  /**
   * Remove temp files left by writers that no longer run (e.g. a process killed mid-write). Temp names
   * start with the writer's PID, so another live process's file in progress is never removed.
   */
  cleanTmp(): void {
    const tmp = paths(this.dir).tmp;
    mkdirSync(tmp, { recursive: true });
    for (const f of readdirSync(tmp)) {
      const pid = Number(/^(\d+)-/.exec(f)?.[1] ?? NaN);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
      if (pid === process.pid) continue;
      rmSync(join(tmp, f), { force: true });
    }
  }

  async putBytes(bytes: Uint8Array, opts: PutOptions): Promise<PutResult> {
    if (bytes.length > SYNC_LIMIT) {
      return this.put(
        (async function* () {
          for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, Math.min(bytes.length, i + CHUNK));
        })(),
        opts,
      );
    }
    // small buffers: synchronous calls (no thread-pool round trips), same temp-fsync-rename protocol
    if (bytes.length > opts.maxBytes) throw new OrganAuditError("EV_ARCH_TOO_LARGE", { file: opts.label, limit: opts.maxBytes });
    if (bytes.length === 0 && !opts.allowEmpty) throw new OrganAuditError("EV_ARCH_EMPTY_FILE", { file: opts.label });
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const dest = this.path(sha256);
    if (existsSync(dest)) return { sha256, size: bytes.length, existed: true };
    const tmpDir = paths(this.dir).tmp;
    const tmp = join(tmpDir, `${process.pid}-${Date.now()}-${randomBytes(8).toString("hex")}.part`);
    try {
      const fd = openSync(tmp, "wx", 0o644);
      try {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        if (this.sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(tmp, dest);
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as { code?: string }).code === "ENOENT" && !existsSync(tmpDir)) {
        mkdirSync(tmpDir, { recursive: true });
        return this.putBytes(bytes, opts);
      }
      throw e;
    }
    if (this.sync) fsyncDir(dirname(dest));
    return { sha256, size: bytes.length, existed: false };
  }

  async putFile(file: string, opts: PutOptions): Promise<PutResult> {
    if (!existsSync(file)) throw new OrganAuditError("E_FILE_NOT_FOUND", { file });
    const st = statSync(file);
    if (!st.isFile()) throw new OrganAuditError("EV_ARCH_BAD_INPUT", { detail: `${file} is not a regular file` }, { file });
    if (st.size > opts.maxBytes) throw new OrganAuditError("EV_ARCH_TOO_LARGE", { file: opts.label, limit: opts.maxBytes });
    return this.put(createReadStream(file, { highWaterMark: CHUNK }), opts);
  }

  /** Stream chunks into the store. Nothing is left behind on error. */
  async put(chunks: AsyncIterable<Uint8Array | string>, opts: PutOptions): Promise<PutResult> {
    const tmpDir = paths(this.dir).tmp;
    mkdirSync(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${process.pid}-${Date.now()}-${randomBytes(8).toString("hex")}.part`);
    const fh = await open(tmp, "wx", 0o644);
    const hash = createHash("sha256");
    let size = 0;
    let closed = false;
    try {
      for await (const c of chunks) {
        const buf = typeof c === "string" ? Buffer.from(c, "utf8") : c;
        size += buf.length;
        if (size > opts.maxBytes) throw new OrganAuditError("EV_ARCH_TOO_LARGE", { file: opts.label, limit: opts.maxBytes });
        hash.update(buf);
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
      }
      if (size === 0 && !opts.allowEmpty) throw new OrganAuditError("EV_ARCH_EMPTY_FILE", { file: opts.label });
      if (this.sync) await fh.sync();
      await fh.close();
      closed = true;
      const sha256 = hash.digest("hex");
      const dest = this.path(sha256);
      if (existsSync(dest)) {
        await unlink(tmp);
        return { sha256, size, existed: true };
      }
      mkdirSync(dirname(dest), { recursive: true });
      await rename(tmp, dest);
      if (this.sync) fsyncDir(dirname(dest));
      return { sha256, size, existed: false };
    } catch (e) {
      if (!closed) await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.path(sha256));
  }

  /** Re-hash a stored blob by streaming it. Returns undefined when the file is missing. */
  async rehash(sha256: string): Promise<{ sha256: string; size: number } | undefined> {
    const file = this.path(sha256);
    if (!existsSync(file)) return undefined;
    const hash = createHash("sha256");
    let size = 0;
    for await (const c of createReadStream(file, { highWaterMark: CHUNK })) {
      hash.update(c as Buffer);
      size += (c as Buffer).length;
    }
    return { sha256: hash.digest("hex"), size };
  }

  /** Every blob hash present on disk. */
  list(): string[] {
    const root = paths(this.dir).blobs;
    const out: string[] = [];
    if (!existsSync(root)) return out;
    for (const a of readdirSync(root)) for (const b of readdirSync(join(root, a))) for (const f of readdirSync(join(root, a, b))) out.push(f);
    return out;
  }

  async remove(sha256: string): Promise<void> {
    await unlink(this.path(sha256)).catch(() => undefined);
  }
}

/** Whether a process with this PID exists (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
