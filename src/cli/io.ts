import { formatLocation, isOrganAuditError, OrganAuditError } from "../core/errors.js";

/** Exit codes of every organ-audit command. */
export const EXIT = {
  ok: 0,
  /** a check ran and found a fault, or a finding was flagged, where the command is a check */
  checkFailed: 1,
  /** usage or input error: nothing was computed or written */
  usage: 2,
} as const;

/** Output sink, injectable so that tests can run commands in-process and read what they print. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

/** Machine output: stable key order as produced, 2-space indentation, trailing newline. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print an error for humans (stderr) or as JSON (stdout) and return the exit code for it. */
export function reportError(io: Io, e: unknown, json: boolean): number {
  if (isOrganAuditError(e)) {
    if (json) printJson(io, { error: e.toJSON() });
    else io.err(`organ-audit: error [${e.code}] ${e.message}`);
    return EXIT.usage;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (json) printJson(io, { error: { code: "E_INTERNAL", message: msg } });
  else io.err(`organ-audit: internal error: ${msg}`);
  return EXIT.usage;
}

export { formatLocation };

/**
 * Parse a numeric command-line option. Undefined stays undefined; anything else must be a finite
 * number (an integer, within [min, max], when asked), or an E_USAGE error names the flag and value.
 */
export function numberOption(
  v: string | undefined,
  flag: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (
    v.trim() === "" ||
    !Number.isFinite(n) ||
    (opts.integer && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) ||
    (opts.max !== undefined && n > opts.max)
  ) {
    const range = [
      opts.integer ? "an integer" : "a number",
      opts.min !== undefined ? `>= ${opts.min}` : "",
      opts.max !== undefined ? `<= ${opts.max}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    throw new OrganAuditError("E_USAGE", { detail: `${flag} expects ${range}, got "${v}"` });
  }
  return n;
}
