/**
 * The PRISMA 2020 flow finding of a stored project: identified records per imported file, duplicates
 * removed by dedupe, and the decision log, handed to the pure prismaFinding. Used by `screen prisma`
 * and by the server. Adapter (reads the store).
 */
import { sha256Hex } from "../../core/hash.js";
import type { Finding } from "../../core/finding.js";
import type { PrismaCounts } from "../prisma/counts.js";
import { prismaFinding } from "../prisma/flow-finding.js";
import type { ScreeningProject } from "./project.js";

/** `name` labels the inputs in the provenance (`<name>#imports`, `<name>#decisions`). */
export async function projectPrismaFinding(p: ScreeningProject, name: string, requiredReviewers = 1): Promise<Finding<PrismaCounts>> {
  const all = await p.stored({ includeDuplicates: true });
  const imports = await p.imports();
  const identified = imports.map((i) => ({ source: i.file, n: all.filter((s) => s.importId === i.id).length }));
  const recordIds = all.filter((s) => s.duplicateOf === null).map((s) => s.record.id);
  const decisions = await p.decisions();
  const inputs = [
    { name: `${name}#imports`, sha256: sha256Hex(JSON.stringify(imports.map((i) => i.sha256))), n: identified.length },
    { name: `${name}#decisions`, sha256: sha256Hex(JSON.stringify(decisions)), n: decisions.length },
  ];
  return prismaFinding({ identified, duplicatesRemoved: all.length - recordIds.length, recordIds, decisions, requiredReviewers }, inputs);
}
