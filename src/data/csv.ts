import { parse } from "csv-parse/sync";
import chardet from "chardet";
import iconv from "iconv-lite";
import { OrganAuditError } from "../core/errors.js";

export interface CsvRow {
  /** 1-based line number in the file where the record starts (the header is line 1) */
  line: number;
  cells: string[];
}

export interface CsvTable {
  file: string;
  header: string[];
  rows: CsvRow[];
  /** facts about the bytes that a validator may report */
  bom: boolean;
  lineEndings: "LF" | "CRLF" | "CR" | "mixed" | "none";
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Guess the encoding of bytes that are not valid UTF-8. chardet's guess is checked against strict
 * GB18030 and Big5 decoding, because short Chinese samples are often misread as a Latin encoding.
 */
export function detectEncoding(bytes: Uint8Array): string {
  const analysis = chardet.analyse(bytes);
  const cjk = ["GB18030", "Big5"].filter((enc) => decodesAsChinese(bytes, enc));
  if (cjk.length === 1) return cjk[0]!;
  if (cjk.length === 2) {
    // Both decode: GBK bytes read as Big5 (and the reverse) give rare characters, so prefer the
    // decoding in which more characters are common ones.
    const gb = commonShare(new TextDecoder("gb18030").decode(bytes));
    const b5 = commonShare(new TextDecoder("big5").decode(bytes));
    return b5 > gb ? "Big5" : "GB18030";
  }
  return analysis[0]?.name ?? "unknown";
}

// Frequent characters of Chinese text, simplified and traditional forms, plus the vocabulary of this field.
const COMMON_HAN = new Set(
  [
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服林题建南度统色字请交爱让认算论百吃义科元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空众技轻程告江语英基派满式李息写识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切云调团号米医省市县卫健康捐献器官移植肝肾心肺供体受者例术院",
    "國們來時個說對會過學後還發頭當問動經這樣種見長開關點現與從東實兩機萬麼無產業總條將電體員記寫聽讀華書語車門師歲區醫衛腎臟獻數據報導紅衛專業務衛門診療護傳統計總額舉證據調查認識義務",
  ].join(""),
);

function commonShare(text: string): number {
  const han = [...text].filter((ch) => /\p{Script=Han}/u.test(ch));
  if (han.length === 0) return 0;
  return han.filter((ch) => COMMON_HAN.has(ch)).length / han.length;
}

function decodesAsChinese(bytes: Uint8Array, enc: string): boolean {
  let text: string;
  try {
    text = new TextDecoder(enc, { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  const nonAscii = [...text].filter((ch) => ch.codePointAt(0)! > 0x7f);
  if (nonAscii.length === 0) return false;
  const han = nonAscii.filter((ch) => /\p{Script=Han}|[\u3000-\u303f\uff00-\uffef]/u.test(ch)).length;
  return han / nonAscii.length >= 0.9;
}

/**
 * Decode bytes as text. With no encoding given, the bytes must be valid UTF-8 (a BOM is tolerated and
 * reported); otherwise an E_ENCODING error names the detected encoding. With an explicit encoding
 * (e.g. "gb18030", "big5"), iconv-lite decodes.
 */
export function decodeText(
  bytes: Uint8Array,
  file: string,
  encoding?: string,
): { text: string; bom: boolean } {
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    if (!iconv.encodingExists(encoding)) {
      throw new OrganAuditError("E_USAGE", { detail: `unknown encoding "${encoding}"` }, { file });
    }
    return { text: iconv.decode(Buffer.from(bytes), encoding), bom: false };
  }
  const bom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    return { text, bom };
  } catch {
    const bad = firstInvalidUtf8Line(body);
    throw new OrganAuditError("E_ENCODING", { detected: detectEncoding(bytes) }, { file, line: bad });
  }
}

function firstInvalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  const dec = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        dec.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

function lineEndingsOf(text: string): CsvTable["lineEndings"] {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  const cr = (text.match(/\r/g) ?? []).length - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return "none";
  if (kinds > 1) return "mixed";
  return crlf > 0 ? "CRLF" : lf > 0 ? "LF" : "CR";
}

/**
 * Parse CSV text (RFC 4180: quoted fields, embedded newlines) into a header and rows with the line
 * number where each record starts. Malformed quoting or ragged rows raise an error naming the line.
 */
export function parseCsvText(text: string, file: string, opts: { bom?: boolean; delimiter?: string } = {}): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: opts.delimiter ?? ",",
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    const detail = (err.message ?? String(e)).replace(/^Invalid [^:]*: /, "");
    throw new OrganAuditError(
      "E_CSV_PARSE",
      { detail },
      { file, ...(err.lines !== undefined ? { line: err.lines } : {}) },
      detail,
    );
  }
  if (records.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "the CSV file has no header" }, { file });
  const [first, ...rest] = records;
  const header = first!.record.map((h) => h.trim());
  // info.lines is the line where the record ends; compute start lines from the text itself
  const rows: CsvRow[] = [];
  let prevEnd = first!.info.lines;
  for (const r of rest) {
    const span = countNewlines(r.record);
    const startLine = r.info.lines - span;
    rows.push({ line: Math.max(startLine, prevEnd + 1), cells: r.record });
    prevEnd = r.info.lines;
  }
  return { file, header, rows, bom: opts.bom ?? false, lineEndings: lineEndingsOf(text) };
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) for (const ch of c) if (ch === "\n") n++;
  return n;
}

/** Decode and parse CSV bytes. */
export function parseCsvBytes(bytes: Uint8Array, file: string, encoding?: string): CsvTable {
  const { text, bom } = decodeText(bytes, file, encoding);
  return parseCsvText(text, file, { bom });
}
