/**
 * `npm run bench`: runs every benchmark in turn. Each prints its own table and its ratio against a named
 * peer measured in the same run (or says why the peer was skipped). Performance targets live here, never in
 * unit tests. Pass names to run a subset: `npm run bench -- forensics`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const BENCHES = ["forensics", "accounting", "screening-match", "evidence", "screening-sim", "server-load"];
const wanted = process.argv.slice(2);
let failed = 0;
for (const name of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) {
    console.log(`\n## ${name}: skipped (no ${file})`);
    continue;
  }
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
