import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { createRng } from "../../stats/rng.js";
import { parseRules } from "./parse.js";

function syntaxError(src: string): OrganAuditError {
  try {
    parseRules(src, "rules.txt");
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected a syntax error");
}

describe("parseRules", () => {
  it("parses lists, fields and precedence (NEAR/n binds tightest, then NOT, AND, OR)", () => {
    const set = parseRules(`# comment
list donor = "供体", "供者"
rule a in title, abstract:
  "x" OR "y" AND NOT "z"
rule b: @donor NEAR/70 fuzzy("脑死亡后气管插管", 0.28)`);
    expect(set.lists.donor).toEqual(["供体", "供者"]);
    expect(set.rules.map((r) => r.name)).toEqual(["a", "b"]);
    expect(set.rules[0]!.fields).toEqual(["title", "abstract"]);
    expect(set.rules[1]!.fields).toEqual(["title", "abstract", "keywords", "fulltext"]);
    const a = set.rules[0]!.expr;
    expect(a.kind).toBe("or");
    if (a.kind === "or") expect(a.items[1]!.kind).toBe("and");
    const b = set.rules[1]!.expr;
    // NOT applies to a whole NEAR: NOT ("x" NEAR/5 "y")
    const n = parseRules('rule n: NOT "x" NEAR/5 "y"').rules[0]!.expr;
    expect(n.kind === "not" && n.item.kind === "near").toBe(true);
    expect(b.kind === "near" && b.distance === 70 && b.right.kind === "fuzzy" && b.right.maxDistance === 0.28).toBe(true);
  });

  it.each([
    ['rule a: "x" AND', 1, 16, "expected a phrase"],
    ['rule a:\n  "x" NEAR/ "y"', 2, 12, "NEAR/ must be followed"],
    ['rule a: "unterminated', 1, 9, "unterminated string"],
    ['rule a: @nolist', 1, 9, "unknown list @nolist"],
    ['rule a in body: "x"', 1, 11, 'unknown field "body"'],
    ['list l = "a"\nrule a:\n   fuzzy("x", 1.5)', 3, 15, "maximum distance must be in (0, 1]"],
    ['rule a: "x" "y"', 1, 13, "expected AND, OR"],
    ['rule a: (NOT "x") NEAR/5 "y"', 1, 19, "needs phrases on both sides"],
    ['rule a: "x" NEAR/5 NOT "y"', 1, 20, "expected a phrase"],
    ['rule a: "x"\nrule a: "y"', 2, 6, "defined twice"],
    ['list x = "a"', 1, 13, "no rule defined"],
    ['rule a: "x" $', 1, 13, 'unexpected character "$"'],
  ] as const)("error in %j at line %i, column %i", (src, line, column, text) => {
    const e = syntaxError(src);
    expect(e.code).toBe("SC_RULE_SYNTAX");
    expect(e.location).toEqual({ file: "rules.txt", line });
    expect(e.details).toEqual({ line, column });
    expect(e.message).toContain(text);
    expect(e.message).toContain(`rules.txt:${line}`);
  });
});

describe("parseRules survives malformed input (seeded fuzzing)", () => {
  it("every mutation of the example rule file parses or raises SC_RULE_SYNTAX with a line and column inside the text", () => {
    const src = readFileSync(new URL("../../../test/fixtures/screening/s1/rules-example.txt", import.meta.url), "utf8");
    const rng = createRng(7);
    const bits = ['"', "(", ")", "@", ",", ":", "=", "NEAR/", "NOT", "AND", "fuzzy(", "0.3", "\n", "rule", "list", "#", "“", "供"];
    let errors = 0;
    for (let k = 0; k < 400; k++) {
      const chars = Array.from(src);
      const pos = rng.int(chars.length);
      const mutated =
        k % 2 === 0
          ? [...chars.slice(0, pos), bits[rng.int(bits.length)]!, ...chars.slice(pos)].join("")
          : [...chars.slice(0, pos), ...chars.slice(pos + 1 + rng.int(10))].join("");
      try {
        parseRules(mutated, "m.txt");
      } catch (e) {
        if (!(e instanceof OrganAuditError)) throw new Error(`mutation ${k} threw ${String(e)}`, { cause: e });
        expect(e.code).toBe("SC_RULE_SYNTAX");
        const { line, column } = e.details as { line: number; column: number };
        const lines = mutated.split("\n");
        expect(line).toBeGreaterThanOrEqual(1);
        expect(line).toBeLessThanOrEqual(lines.length);
        expect(column).toBeGreaterThanOrEqual(1);
        expect(column).toBeLessThanOrEqual(Array.from(lines[line - 1]!).length + 1);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(50); // most mutations break the syntax
  });
});
