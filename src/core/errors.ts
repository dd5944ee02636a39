import { message, type MessageCode, type MessageArgs } from "./messages.js";

/** Where a fault was found: any subset of file, line (1-based), field (column) and JSON path. */
export interface Location {
  file?: string;
  line?: number;
  field?: string;
  /** JSON path such as `$.years[3].executions.uniform` */
  path?: string;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return "";
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field !== undefined) parts.push(`field "${loc.field}"`);
  if (loc.path !== undefined) parts.push(loc.path);
  return parts.join(", ");
}

/**
 * The one error type of Organ Audit. `code` is stable (see messages.ts); `location` names the file,
 * line and field where the input was wrong. Usage and input errors map to exit code 2.
 */
export class OrganAuditError<C extends MessageCode = MessageCode> extends Error {
  readonly code: C;
  readonly location: Location | undefined;
  readonly details: unknown;

  constructor(code: C, args: MessageArgs<C>, location?: Location, details?: unknown) {
    const where = formatLocation(location);
    super(where ? `${where}: ${message(code, args)}` : message(code, args));
    this.name = "OrganAuditError";
    this.code = code;
    this.location = location;
    this.details = details;
  }

  toJSON(): { code: string; message: string; location?: Location; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export function isOrganAuditError(e: unknown): e is OrganAuditError {
  return e instanceof OrganAuditError;
}
