/**
 * Image metadata without decoding pixels (no I/O): width and height of PNG, JPEG, GIF and WebP from their
 * headers. Images are stored as evidence as-is; OCR is not done here (a derived `ocr` text can be added later).
 */
export interface ImageMeta {
  format: "png" | "jpeg" | "gif" | "webp" | "unknown";
  width: number | null;
  height: number | null;
}

function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}
function u32be(b: Uint8Array, i: number): number {
  return (((b[i] ?? 0) << 24) >>> 0) + ((b[i + 1] ?? 0) << 16) + ((b[i + 2] ?? 0) << 8) + (b[i + 3] ?? 0);
}
function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}

export function imageMeta(bytes: Uint8Array, mime: string): ImageMeta {
  if (mime === "image/png" && bytes.length >= 24) return { format: "png", width: u32be(bytes, 16), height: u32be(bytes, 20) };
  if (mime === "image/gif" && bytes.length >= 10) return { format: "gif", width: u16le(bytes, 6), height: u16le(bytes, 8) };
  if (mime === "image/jpeg") {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = bytes[i + 1]!;
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: "jpeg", height: u16be(bytes, i + 5), width: u16be(bytes, i + 7) };
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      i += 2 + u16be(bytes, i + 2);
    }
    return { format: "jpeg", width: null, height: null };
  }
  if (mime === "image/webp" && bytes.length >= 30) {
    const chunk = String.fromCharCode(...bytes.subarray(12, 16));
    if (chunk === "VP8X") return { format: "webp", width: 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)), height: 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)) };
    if (chunk === "VP8 ") return { format: "webp", width: u16le(bytes, 26) & 0x3fff, height: u16le(bytes, 28) & 0x3fff };
    if (chunk === "VP8L") {
      const b = bytes;
      const w = 1 + (((b[22]! & 0x3f) << 8) | b[21]!);
      const h = 1 + (((b[24]! & 0x0f) << 10) | (b[23]! << 2) | ((b[22]! & 0xc0) >> 6));
      return { format: "webp", width: w, height: h };
    }
    return { format: "webp", width: null, height: null };
  }
  return { format: "unknown", width: null, height: null };
}
