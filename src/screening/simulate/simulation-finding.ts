/**
 * The simulation summary as a finding (verdict "estimate": a performance measurement, not a test). Pure.
 */
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../../core/finding.js";
import type { SimulationSummary } from "./simulate.js";

export const SIMULATION_METHOD = "screening.simulate";
export const SIMULATION_METHOD_VERSION = "1.0.0";

export function simulationFinding(
  s: SimulationSummary,
  inputs: InputRef[],
  parameters: Record<string, unknown>,
): Finding<SimulationSummary> {
  const caveats: Caveat[] = [caveat("C_SC_SIM_PROTOCOL", {})];
  if (s.nIncluded < 10) caveats.push(caveat("C_SC_SIM_FEW_RELEVANT", { n: s.nIncluded }));
  const f3 = (x: number): string => x.toFixed(3);
  const wssValues = s.runs.map((r) => r.metrics.wss95);
  return makeFinding({
    method: SIMULATION_METHOD,
    methodVersion: SIMULATION_METHOD_VERSION,
    title: `Screening simulation (${s.model}, ${s.seeds.length} run(s))`,
    verdict: "estimate",
    statement:
      `Replaying ${s.n} labelled records (${s.nIncluded} relevant) with model ${s.model}, mean over ${s.seeds.length} run(s): ` +
      `WSS@95 ${f3(s.wss95)} (runs ${f3(Math.min(...wssValues))} to ${f3(Math.max(...wssValues))}), WSS@100 ${f3(s.wss100)}, ` +
      `recall after 10 % screened ${f3(s.recallAt10)}, average time to discovery ${s.atd.toFixed(1)} records. ` +
      `These describe this dataset and protocol; they do not guarantee the recall of a real screen.`,
    statistic: { name: "wss95_mean", value: s.wss95 },
    result: s,
    caveats,
    inputs,
    parameters,
    seed: s.seeds[0] ?? null,
  });
}
