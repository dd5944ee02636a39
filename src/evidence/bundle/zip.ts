import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { createInflateRaw } from "node:zlib";
import { Readable } from "node:stream";
import { crc32 } from "./crc32.js";

/**
 * A minimal zip container (adapter), written by hand because no zip package is installed.
 * Writer: entries are STORED (method 0: evidence such as PDFs, images and audio is already
 * compressed, and stored entries can be checked byte-for-byte with any unzip tool); UTF-8 names
 * (flag bit 11); each file is streamed twice (CRC-32, then copy), so memory stays bounded.
 * Reader: STORED and DEFLATE (method 8, through node:zlib inflateRaw) entries, CRC-32 and size
 * checked while streaming. No zip64: a bundle must stay below 4 GiB and 65,535 entries.
 */
const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const LIMIT = 0xffffffff;

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  flags: number;
}

// DOS date/time of 1980-01-01 00:00: entries carry no clock time, so bundles of the same content are equal.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export class ZipWriter {
  private out: WriteStream;
  private offset = 0;
  private central: Buffer[] = [];
  private names = new Set<string>();

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: "wx" });
  }

  private write(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    return new Promise((resolve, reject) => {
      this.out.write(buf, (e) => (e ? reject(e) : resolve()));
    });
  }

  private header(name: string, crc: number, size: number): { local: Buffer; central: Buffer } {
    if (this.names.has(name)) throw new Error(`zip: duplicate entry ${name}`);
    this.names.add(name);
    if (size >= LIMIT || this.offset >= LIMIT) throw new Error("zip: bundle larger than 4 GiB (zip64 is not supported)");
    if (this.names.size >= 0xffff) throw new Error("zip: more than 65,534 entries (zip64 is not supported)");
    const n = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30 + n.length);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(n.length, 26);
    local.writeUInt16LE(0, 28);
    n.copy(local, 30);
    const central = Buffer.alloc(46 + n.length);
    central.writeUInt32LE(SIG_CENTRAL, 0);
    central.writeUInt16LE(0x0314, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(this.offset, 42);
    n.copy(central, 46);
    return { local, central };
  }

  async addBytes(name: string, data: Uint8Array): Promise<void> {
    const { local, central } = this.header(name, crc32(data), data.length);
    this.central.push(central);
    await this.write(local);
    await this.write(Buffer.from(data));
  }

  async addFile(name: string, file: string): Promise<void> {
    let crc = 0;
    let size = 0;
    for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
      crc = crc32(c as Buffer, crc);
      size += (c as Buffer).length;
    }
    const { local, central } = this.header(name, crc, size);
    this.central.push(central);
    await this.write(local);
    let copied = 0;
    for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
      copied += (c as Buffer).length;
      await this.write(c as Buffer);
    }
    if (copied !== size) throw new Error(`zip: ${file} changed while it was written`);
  }

  async finish(): Promise<void> {
    const cdOffset = this.offset;
    let cdSize = 0;
    for (const c of this.central) {
      cdSize += c.length;
      await this.write(c);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(SIG_END, 0);
    end.writeUInt16LE(this.central.length, 8);
    end.writeUInt16LE(this.central.length, 10);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdOffset, 16);
    await this.write(end);
    await new Promise<void>((resolve, reject) => {
      this.out.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }

  async abort(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
  }
}

export class ZipFormatError extends Error {}

export class ZipReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly entries: ZipEntry[],
  ) {}

  static async open(file: string): Promise<ZipReader> {
    const size = (await stat(file)).size;
    const fh = await open(file, "r");
    try {
      const tailLen = Math.min(size, 22 + 0xffff);
      if (tailLen < 22) throw new ZipFormatError("file is too short to be a zip archive");
      const tail = Buffer.alloc(tailLen);
      await fh.read(tail, 0, tailLen, size - tailLen);
      let eocd = -1;
      for (let i = tailLen - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === SIG_END) {
          eocd = i;
          break;
        }
      }
      if (eocd < 0) throw new ZipFormatError("no end-of-central-directory record (not a zip file, or truncated)");
      const count = tail.readUInt16LE(eocd + 10);
      const cdSize = tail.readUInt32LE(eocd + 12);
      const cdOffset = tail.readUInt32LE(eocd + 16);
      if (cdOffset === LIMIT || count === 0xffff) throw new ZipFormatError("zip64 archives are not supported");
      if (cdOffset + cdSize > size) throw new ZipFormatError("central directory lies beyond the end of the file (truncated)");
      const cd = Buffer.alloc(cdSize);
      await fh.read(cd, 0, cdSize, cdOffset);
      const entries: ZipEntry[] = [];
      let p = 0;
      for (let i = 0; i < count; i++) {
        if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) throw new ZipFormatError(`central directory entry ${i} is damaged`);
        const flags = cd.readUInt16LE(p + 8);
        const method = cd.readUInt16LE(p + 10);
        const crc = cd.readUInt32LE(p + 16);
        const compressedSize = cd.readUInt32LE(p + 20);
        const usize = cd.readUInt32LE(p + 24);
        const nameLen = cd.readUInt16LE(p + 28);
        const extraLen = cd.readUInt16LE(p + 30);
        const commentLen = cd.readUInt16LE(p + 32);
        const offset = cd.readUInt32LE(p + 42);
        const nameBuf = cd.subarray(p + 46, p + 46 + nameLen);
        const name = flags & 0x0800 ? new TextDecoder("utf-8", { fatal: true }).decode(nameBuf) : nameBuf.toString("latin1");
        if (flags & 0x0001) throw new ZipFormatError(`entry ${name} is encrypted`);
        if (offset + 30 + compressedSize > size) throw new ZipFormatError(`entry ${name} lies beyond the end of the file (truncated)`);
        entries.push({ name, method, crc, compressedSize, size: usize, offset, flags });
        p += 46 + nameLen + extraLen + commentLen;
      }
      return new ZipReader(fh, entries);
    } catch (e) {
      await fh.close();
      if (e instanceof TypeError) throw new ZipFormatError(`entry name is not valid UTF-8`);
      throw e;
    }
  }

  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  private async dataStart(e: ZipEntry): Promise<number> {
    const h = Buffer.alloc(30);
    await this.fh.read(h, 0, 30, e.offset);
    if (h.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError(`local header of ${e.name} is damaged`);
    return e.offset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
  }

  /** Stream the entry's uncompressed bytes; CRC-32 and size are checked at the end (throws on mismatch). */
  async *stream(e: ZipEntry): AsyncGenerator<Buffer> {
    if (e.method !== 0 && e.method !== 8) throw new ZipFormatError(`entry ${e.name} uses compression method ${e.method} (only stored and deflate are supported)`);
    const start = await this.dataStart(e);
    const fh = this.fh;
    const raw = Readable.from(
      (async function* () {
        let pos = start;
        const end = start + e.compressedSize;
        while (pos < end) {
          const n = Math.min(1 << 20, end - pos);
          const b = Buffer.alloc(n);
          const { bytesRead } = await fh.read(b, 0, n, pos);
          if (bytesRead === 0) throw new ZipFormatError(`entry ${e.name} is truncated`);
          pos += bytesRead;
          yield b.subarray(0, bytesRead);
        }
      })(),
    );
    const source: AsyncIterable<Buffer> = e.method === 8 ? raw.pipe(createInflateRaw()) : raw;
    let crc = 0;
    let size = 0;
    for await (const c of source) {
      size += c.length;
      if (size > e.size) throw new ZipFormatError(`entry ${e.name} is larger than its declared size`);
      crc = crc32(c, crc);
      yield c;
    }
    if (size !== e.size || crc !== e.crc) throw new ZipFormatError(`entry ${e.name} fails its CRC-32 or size check (damaged)`);
  }

  async read(e: ZipEntry, maxBytes = 256 * 1024 * 1024): Promise<Buffer> {
    if (e.size > maxBytes) throw new ZipFormatError(`entry ${e.name} is too large to read into memory`);
    const parts: Buffer[] = [];
    for await (const c of this.stream(e)) parts.push(c);
    return Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
