/**
 * Every user-facing error and caveat message, in one place, with a stable code.
 * Add new codes to the section of your area; never reuse or renumber a code.
 * Wording rule: neutral and exact; say what was expected and what was found.
 */
const catalogue = {
  // --- general / input (E_*) ---
  E_USAGE: (a: { detail: string }) => `usage error: ${a.detail}`,
  E_FILE_NOT_FOUND: (a: { file: string }) => `file not found: ${a.file}`,
  E_FILE_READ: (a: { detail: string }) => `cannot read file: ${a.detail}`,
  E_ENCODING: (a: { detected: string }) =>
    `file is not valid UTF-8 (detected encoding: ${a.detected}); convert it to UTF-8`,
  E_CSV_PARSE: (a: { detail: string }) => `malformed CSV: ${a.detail}`,
  E_CSV_MISSING_COLUMN: (a: { column: string; available: string }) =>
    `column "${a.column}" not found (columns: ${a.available})`,
  E_NOT_A_NUMBER: (a: { value: string }) => `expected a number, found "${a.value}"`,
  E_DUPLICATE_X: (a: { x: string }) => `duplicate x value ${a.x}`,
  E_EMPTY_INPUT: (a: { what: string }) => `no data: ${a.what}`,
  E_INVALID_JSON: (a: { detail: string }) => `invalid JSON: ${a.detail}`,
  E_INVALID_VALUE: (a: { detail: string }) => `invalid value: ${a.detail}`,

  // --- data package (D_*) ---
  D_PACKAGE_NOT_FOUND: (a: { dir: string }) => `no datapackage.json in ${a.dir}`,
  D_PACKAGE_INVALID: (a: { detail: string }) => `datapackage.json is invalid: ${a.detail}`,
  D_UNKNOWN_TABLE: (a: { table: string; available: string }) =>
    `unknown table "${a.table}" (tables: ${a.available})`,
  D_HEADER_MISMATCH: (a: { expected: string; found: string }) =>
    `header does not match the table schema: expected ${a.expected}, found ${a.found}`,
  D_TYPE: (a: { type: string; value: string }) => `expected ${a.type}, found "${a.value}"`,
  D_REQUIRED: () => `value is required but empty`,
  D_CONSTRAINT: (a: { constraint: string; value: string }) => `value "${a.value}" violates ${a.constraint}`,
  D_DUPLICATE_KEY: (a: { key: string; firstLine: number }) =>
    `duplicate primary key ${a.key} (first seen on line ${a.firstLine})`,
  D_FOREIGN_KEY: (a: { value: string; reference: string }) =>
    `"${a.value}" does not resolve to a row of ${a.reference}`,
  D_DECREASING_COUNTER: (a: { series: string; previous: string; value: string; previousLine: number }) =>
    `cumulative counter ${a.series} decreases from ${a.previous} (line ${a.previousLine}) to ${a.value}`,
  D_BOM: () => `file starts with a UTF-8 byte-order mark; save it without BOM`,
  D_LINE_ENDINGS: (a: { found: string }) => `line endings are ${a.found}; the package uses LF only`,
  D_ROW_LENGTH: (a: { expected: number; found: number }) => `row has ${a.found} cells, header has ${a.expected}`,

  // --- forensics (F_*) ---

  // --- models (M_*) ---
} as const;

export type MessageCode = keyof typeof catalogue;
export type MessageArgs<C extends MessageCode> = Parameters<(typeof catalogue)[C]>[0] extends undefined
  ? Record<string, never>
  : Parameters<(typeof catalogue)[C]>[0];

export function message<C extends MessageCode>(code: C, args: MessageArgs<C>): string {
  const fn = catalogue[code] as (a: MessageArgs<C>) => string;
  return fn(args);
}

export const messageCodes = Object.keys(catalogue) as MessageCode[];
