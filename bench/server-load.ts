/**
 * Server load benchmark. Run: node --import tsx bench/server-load.ts   (BENCH_SECONDS=10 for a short run)
 *
 * A server process (this file with --server-child) on 127.0.0.1:<free port> over a fresh SQLite server
 * folder seeded with the starter case and BENCH_ITEMS (default 300) small generated Chinese/English evidence
 * items (bench/evidence-corpus.ts, added through the archive with their text, so they are indexed). This
 * process signs in, then autocannon puts 100 concurrent connections for BENCH_SECONDS (default 60) on each
 * target in turn:
 *   (a) GET /api/evidence/search?q=肝移植   (Chinese full-text search, E's route)
 *   (b) GET /api/findings?limit=50           (findings of the standard audit, D's route)
 *   (c) GET /api/health                      the named peer: a bare fastify route (no session, no database), the floor
 * and prints requests/s, p50 and p99 latency, errors, timeouts and non-2xx counts, response size, the
 * CPU time of the load generator and of the server during each run, the machine's load average before
 * and after each run (other people's jobs share the cores), and the ratio p50(search) / p50(health).
 * Exits non-zero when any request errored, timed out or was not 2xx.
 * Server and load generator run in separate processes (on the same cores).
 *
 * Options (environment): BENCH_SECONDS, BENCH_ITEMS, BENCH_CONNECTIONS (default 100),
 * BENCH_ONLY=findings (run only the targets whose name contains it),
 * BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (node flags of the server process).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface Result {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; headers?: Record<string, string>; timeout?: number }) => Promise<Result>;

/** The endpoints measured, in order; `auth` = send the session cookie. The last one is the peer. */
const TARGETS: { name: string; path: string; auth: boolean }[] = [
  { name: "search (Chinese)", path: `/api/evidence/search?q=${encodeURIComponent("肝移植")}&limit=20`, auth: true },
  { name: "findings limit=50", path: "/api/findings?limit=50", auth: true },
  { name: "health (peer: bare route)", path: "/api/health", auth: false },
];

async function serverChild(dir: string): Promise<void> {
  const { openServerContext, closeServerContext } = await import("../src/server/context.js");
  const { buildApp } = await import("../src/server/app.js");
  const { createUser } = await import("../src/server/auth/accounts.js");
  const { isEvidenceType } = await import("../src/evidence/store/taxonomy.js");
  const { generateCorpus } = await import("./evidence-corpus.js");
  const items = Number(process.env.BENCH_ITEMS ?? 300);
  const ctx = await openServerContext({ dir, durability: "relaxed", starter: true, loginMaxFailures: 1_000_000 });
  const docs = generateCorpus(items);
  for (let i = 0; i < docs.length; i += 100) {
    await ctx.archive.addItems(
      docs.slice(i, i + 100).map((d) => ({
        bytes: Buffer.from(d.text, "utf8"),
        filename: `${d.id}.txt`,
        mime: "text/plain",
        evidenceType: isEvidenceType(d.type) ? d.type : "other",
        capturedAt: d.date,
        addedBy: "bench",
        derived: [{ kind: "text" as const, text: d.text, method: "bench" }],
      })),
    );
  }
  const password = "bench-password-123";
  await createUser(ctx, { name: "bench", password, role: "analyst" }, "bench");
  await ctx.audit(); // the standard audit is computed once, before measuring (as organ-audit serve does)
  // the server's own CPU time, for the report (a bench-only route; not measured)
  const cpuRoute = async (api: import("fastify").FastifyInstance): Promise<void> => {
    api.get("/bench-cpu", { config: { access: "public" }, schema: { operationId: "benchCpu", tags: ["bench"] } }, async () => {
      const u = process.cpuUsage();
      return { ms: (u.user + u.system) / 1000 };
    });
  };
  const app = await buildApp(ctx, { logger: false, extraRoutes: [cpuRoute] });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(`${JSON.stringify({ url, username: "bench", password, items: docs.length, notes: ctx.notes })}\n`);
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  await app.close();
  await closeServerContext(ctx);
}

function fmt(x: number, d = 1): string {
  return x.toFixed(d);
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
  const only = process.env.BENCH_ONLY;
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const dir = mkdtempSync(join(tmpdir(), "oa-bench-server-"));
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", fileURLToPath(import.meta.url), "--server-child", dir], { stdio: ["ignore", "pipe", "inherit"] });
  let failed = false;
  try {
    const info = await new Promise<{ url: string; username: string; password: string; items: number; notes: string[] }>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as never);
      });
      child.on("exit", (c) => reject(new Error(`server exited with ${c}`)));
    });
    const login = await fetch(`${info.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: info.username, password: info.password }) });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const token = ((await login.json()) as { token: string }).token;
    const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");
    console.log(`server ${info.url}: SQLite, starter case + ${info.items} generated items; ${connections} connections, ${seconds} s per endpoint`);
    console.log(`node ${process.version}; load average before the runs (1/5/15 min): ${load()}`);
    const require = createRequire(import.meta.url);
    const autocannon = require("autocannon") as Autocannon;
    const serverCpu = async (): Promise<number> => ((await (await fetch(`${info.url}/api/bench-cpu`)).json()) as { ms: number }).ms;
    const rows: { name: string; r: Result; bytes: number; clientCpu: number; serverCpu: number; loadBefore: string; loadAfter: string }[] = [];
    for (const t of TARGETS.filter((x) => only === undefined || x.name.includes(only))) {
      const headers = t.auth ? { cookie: `oa_session=${token}` } : undefined;
      const warm = await fetch(`${info.url}${t.path}`, headers ? { headers } : {});
      const bytes = (await warm.arrayBuffer()).byteLength;
      if (warm.status !== 200) {
        console.log(`${t.name}: ${t.path} answered ${warm.status} before the run`);
        failed = true;
      }
      const loadBefore = load();
      const c0 = process.cpuUsage();
      const s0 = await serverCpu();
      const r = await autocannon({ url: `${info.url}${t.path}`, connections, duration: seconds, timeout: 30, ...(headers ? { headers } : {}) });
      const c1 = process.cpuUsage(c0);
      const s1 = await serverCpu();
      rows.push({ name: t.name, r, bytes, clientCpu: (c1.user + c1.system) / 1000 / seconds / 10, serverCpu: (s1 - s0) / seconds / 10, loadBefore, loadAfter: load() });
    }
    console.log("\n| endpoint | requests/s | p50 ms | p99 ms | 2xx | non-2xx | errors | timeouts | response bytes | server CPU % | load generator CPU % | load avg before → after |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const { name, r, bytes, clientCpu, serverCpu: sc, loadBefore, loadAfter } of rows) {
      console.log(
        `| ${name} | ${fmt(r.requests.average)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p99)} | ${r["2xx"]} | ${r.non2xx} | ${r.errors} | ${r.timeouts} | ${bytes} | ${fmt(sc, 0)} | ${fmt(clientCpu, 0)} | ${loadBefore} → ${loadAfter} |`,
      );
      if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0 || r["2xx"] === 0) failed = true;
    }
    const search = rows.find((x) => x.name.startsWith("search"))?.r.latency.p50 ?? NaN;
    const health = rows.find((x) => x.name.startsWith("health"))?.r.latency.p50 ?? NaN;
    console.log(
      `\nratio p50(search) / p50(health) = ${health > 0 ? fmt(search / health, 2) : `n/a (health p50 = ${health} ms: below autocannon's 1 ms resolution)`}` +
        " (peer: a bare fastify route on the same server, measured in the same run)",
    );
    if (failed) console.log("FAILED: some requests errored, timed out or were not 2xx");
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[2] === "--server-child") await serverChild(process.argv[3] ?? "");
else await main();
