/**
 * The PRISMA 2020 flow as a Finding (verdict "estimate": a description of the screening so far, not a
 * test), with caveats for records still awaiting a decision. Pure.
 */
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../../core/finding.js";
import { prismaCounts, type PrismaCounts, type PrismaInput } from "./counts.js";

export const PRISMA_METHOD = "screening.prisma-flow";
export const PRISMA_METHOD_VERSION = "1";

export function prismaFinding(input: PrismaInput, inputs: InputRef[]): Finding<PrismaCounts> {
  const c = prismaCounts(input);
  const caveats: Caveat[] = [];
  const stages = [
    ["title/abstract", c.titleAbstract],
    ["full-text", c.fullText],
  ] as const;
  for (const [stage, t] of stages) {
    if (t.conflict > 0) caveats.push(caveat("C_SC_PRISMA_UNRESOLVED", { n: t.conflict, stage }));
    if (t.maybe > 0) caveats.push(caveat("C_SC_PRISMA_MAYBE", { n: t.maybe, stage }));
    if (t.pending + t.undecided > 0) caveats.push(caveat("C_SC_PRISMA_PENDING", { n: t.pending + t.undecided, stage }));
  }
  const complete = c.screeningAwaiting === 0 && c.fullTextAwaiting === 0;
  return makeFinding({
    method: PRISMA_METHOD,
    methodVersion: PRISMA_METHOD_VERSION,
    title: "PRISMA 2020 flow of records",
    verdict: "estimate",
    statement: complete
      ? `${c.identifiedTotal} records identified, ${c.duplicatesRemoved} duplicates removed, ${c.screened} screened, ${c.sought} reports sought, ${c.assessed} assessed, ${c.included} included; every record has a settled decision.`
      : `${c.identifiedTotal} records identified, ${c.duplicatesRemoved} duplicates removed, ${c.screened} screened, ${c.included} included so far; ${c.screeningAwaiting + c.fullTextAwaiting} record(s) still await a decision (${c.screeningAwaiting} at title/abstract, ${c.fullTextAwaiting} at full text), so the flow is incomplete.`,
    statistic: { name: "included", value: c.included },
    result: c,
    caveats,
    inputs,
    parameters: { requiredReviewers: input.requiredReviewers ?? 1 },
  });
}
