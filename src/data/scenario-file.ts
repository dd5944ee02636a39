import { readFileSync, statSync } from "node:fs";
import { OrganAuditError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import type { InputRef } from "../core/finding.js";
import { citedSources, validateScenario, type Scenario } from "../models/scenario.js";

/** A scenario read from a file, with the hash of its bytes. */
export interface LoadedScenario {
  file: string;
  sha256: string;
  scenario: Scenario;
  /** the input reference for findings: file name, hash, number of years, cited source ids */
  input: InputRef;
}

/** 1-based line and column of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Offset and description of the first JSON syntax error in `text` (RFC 8259), or null when the text
 * is valid. Node's JSON.parse does not always report a position, so this small recursive-descent
 * scanner locates the fault for the error message.
 */
export function findJsonSyntaxError(text: string): { offset: number; detail: string } | null {
  let i = 0;
  const n = text.length;
  class Fault extends Error {
    constructor(
      readonly offset: number,
      readonly detail: string,
    ) {
      super(detail);
    }
  }
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const fail = (detail: string): never => {
    throw new Fault(i, i >= n ? `${detail}, found end of input` : `${detail}, found ${JSON.stringify(text[i])}`);
  };
  const str = (): void => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail("control character in string");
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("invalid \\u escape");
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail("invalid escape");
      } else i++;
    }
    fail("unterminated string");
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") fail("expected a value");
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a property name in double quotes");
        str();
        ws();
        if (text[i] !== ":") fail("expected ':' after property name");
        i++;
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail("expected ',' or '}' after property value");
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail("expected ',' or ']' after array element");
      }
    } else if (c === '"') str();
    else if (c === "t" && text.startsWith("true", i)) i += 4;
    else if (c === "f" && text.startsWith("false", i)) i += 5;
    else if (c === "n" && text.startsWith("null", i)) i += 4;
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) num();
    else fail("expected a value");
  };
  try {
    value();
    ws();
    if (i < n) fail("unexpected content after the JSON value");
    return null;
  } catch (e) {
    if (e instanceof Fault) return { offset: e.offset, detail: e.detail };
    throw e;
  }
}

/** Parse scenario JSON text; syntax errors become E_INVALID_JSON with file, line and column. */
export function parseScenarioJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const found = findJsonSyntaxError(text);
    if (found) {
      const { line, column } = lineColumnAt(text, found.offset);
      throw new OrganAuditError(
        "E_INVALID_JSON",
        { detail: `${found.detail} (line ${line}, column ${column})` },
        { file, line, field: `column ${column}` },
      );
    }
    throw new OrganAuditError("E_INVALID_JSON", { detail: (e as Error).message }, { file });
  }
}

/** Read, parse and validate a scenario file. */
export function loadScenarioFile(file: string): LoadedScenario {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new OrganAuditError("E_FILE_NOT_FOUND", { file }, { file });
    throw new OrganAuditError("E_FILE_READ", { detail: (e as Error).message }, { file });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new OrganAuditError("E_ENCODING", { detected: "not UTF-8" }, { file });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const raw = parseScenarioJson(text, file);
  const scenario = validateScenario(raw, file);
  const sha256 = sha256Hex(bytes);
  return {
    file,
    sha256,
    scenario,
    input: { name: file, sha256, n: scenario.years.length, sourceIds: citedSources(scenario) },
  };
}
