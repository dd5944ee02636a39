/**
 * End-to-end test of the web app's write paths in headless Chromium: evidence upload (and a refused type),
 * the capture form's refusal of a private address, user administration (an admin adds a viewer, who then
 * sees no upload page and changes the password), and screening set-up (an admin creates a project, an
 * analyst imports the RIS fixture and edits the rules, a reviewer screens a record; PRISMA as an image).
 * Same harness as app.test.ts: the app built with vite into a temp folder, the real server listening on
 * 127.0.0.1, SQLite and (when available) PostgreSQL. Screenshots: test/e2e/screenshots/2*.png.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_MODULES, type RouteModule } from "../../src/server/app.js";
import { pgAvailable } from "../helpers/pg.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { CHROMIUM_ARGS, chromiumPath, e2eRouteModules } from "./support.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const shots = join(here, "screenshots");
const browserPath = chromiumPath();
const RIS_FIXTURE = join(repo, "test", "fixtures", "screening", "s1", "van_de_Schoot_2017_included-3.ris");

/** a simplified-Chinese text (invented) with a term to search for */
const CHINESE_TEXT =
  "2015年起，公民逝世后器官捐献成为唯一合法来源。本文件为测试用的虚构文本：某医院肝脏移植年度数量。\n";

/** a small upload limit, so that the 413 path is cheap to reach (the RIS fixture is 24 kB) */
const UPLOAD_LIMIT = 64 * 1024;

const DIALECTS: ["sqlite" | "postgres", boolean][] = [
  ["sqlite", true],
  ["postgres", pgAvailable],
];

for (const [dialect, enabled] of DIALECTS)
  describe.runIf(browserPath !== null && enabled)(
    `web app forms in headless Chromium (${dialect})`,
    { timeout: 180_000 },
    () => {
      let webDir: string;
      let server: TestServer;
      let base: string;
      let browser: Browser;
      let context: BrowserContext;
      let page: Page;
      let projectId = "";
      const pageErrors: string[] = [];
      const cspViolations: string[] = [];
      const requests: string[] = [];
      const NEW_USER = { name: "newviewer", password: "initial-pw-e2e-1", next: "changed-pw-e2e-2" };

      beforeAll(async () => {
        mkdirSync(shots, { recursive: true });
        webDir = mkdtempSync(join(tmpdir(), "oa-web-forms-"));
        await build({
          configFile: join(repo, "vite.config.ts"),
          logLevel: "warn",
          build: { outDir: webDir, emptyOutDir: true },
        });
        const extra: RouteModule[] = (await e2eRouteModules()).filter((m) => !ROUTE_MODULES.includes(m));
        server = await startTestServer({
          dialect,
          context: { limits: { maxUploadBytes: UPLOAD_LIMIT } },
          build: { webDir, extraRoutes: extra },
        });
        await server.app.listen({ port: 0, host: "127.0.0.1" });
        const addr = server.app.server.address();
        if (addr === null || typeof addr === "string") throw new Error("no port");
        base = `http://127.0.0.1:${addr.port}`;
        browser = await chromium.launch({ executablePath: browserPath!, args: CHROMIUM_ARGS });
        context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
        page = await context.newPage();
        page.on("request", (r) => requests.push(r.url()));
        page.on("pageerror", (e) => pageErrors.push(e.message));
        page.on("console", (m) => {
          if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
        });
        // window.confirm (disabling a user) is accepted
        page.on("dialog", (d) => void d.accept());
      }, 240_000);

      afterAll(async () => {
        await browser?.close().catch(() => undefined);
        await server?.close();
        if (webDir) rmSync(webDir, { recursive: true, force: true });
      });

      async function shot(name: string): Promise<void> {
        if (dialect !== "sqlite") return;
        mkdirSync(shots, { recursive: true });
        const height = Math.min(2000, await page.evaluate(() => document.documentElement.scrollHeight));
        await page.screenshot({
          path: join(shots, `${name}.png`),
          fullPage: true,
          clip: { x: 0, y: 0, width: 1280, height },
        });
      }

      /** log in through the form at `hash` (the app keeps the route through the login) */
      async function logIn(name: string, password: string, hash: string): Promise<void> {
        await page.goto(`${base}/${hash}`);
        await page.getByLabel("User name").fill(name);
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Log in" }).click();
        await page.getByTestId("current-role").waitFor();
        expect(await page.getByTestId("current-user").textContent()).toBe(name);
      }

      async function logOut(): Promise<void> {
        await page.getByRole("button", { name: "Log out" }).click();
        await page.getByLabel("User name").waitFor();
      }

      async function itemTotal(): Promise<number> {
        const { headers } = await server.login("admin");
        const r = await server.app.inject({ method: "GET", url: "/api/evidence/items?limit=1", headers });
        return (r.json() as { total: number }).total;
      }

      it("an analyst uploads a Chinese text file through the form and finds it by search", async () => {
        await logIn("analyst", server.passwords.analyst, "#/add");
        expect(await page.getByRole("link", { name: "Add evidence" }).count()).toBe(1);
        expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
        const bytes = Buffer.from(CHINESE_TEXT, "utf8");
        await page.locator("#up-file").setInputFiles({ name: "肝移植-e2e.txt", mimeType: "text/plain", buffer: bytes });
        await page.getByTestId("chosen-file").waitFor();
        await page.locator("#up-type").selectOption("official-statement");
        await page.locator("#up-lang").fill("zh-Hans");
        await page.locator("#up-tags").fill("e2e, upload");
        await page.locator("#up-captured").fill("2021-03-04");
        await page.getByRole("button", { name: "Upload" }).click();
        await page.getByTestId("upload-result").waitFor();
        const sha = createHash("sha256").update(bytes).digest("hex");
        expect(await page.getByTestId("upload-sha256").textContent()).toBe(sha);
        expect(await page.getByTestId("upload-result").textContent()).toContain("Stored.");
        await shot("20-upload-result");
        // stored by the archive with the analyst as the one who added it, with the form's metadata
        const { headers } = await server.login("analyst");
        const list = await server.app.inject({ method: "GET", url: "/api/evidence/items?tag=upload", headers });
        const items = (
          list.json() as {
            items: {
              id: string;
              sha256: string;
              addedBy: string;
              evidenceType: string;
              language: string;
              capturedAt: string;
              tags: string[];
            }[];
          }
        ).items;
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          sha256: sha,
          addedBy: "analyst",
          evidenceType: "official-statement",
          language: "zh-Hans",
          tags: ["e2e", "upload"],
        });
        expect(items[0]!.capturedAt.slice(0, 10)).toBe("2021-03-04");

        // the same bytes again: the server says it already has them, nothing new is stored
        const before = await itemTotal();
        await page.getByRole("button", { name: "Upload" }).click();
        await expect.poll(() => page.getByTestId("upload-result").textContent()).toContain("Already stored");
        expect(await itemTotal()).toBe(before);

        // the link opens the item; search finds it with a simplified-Chinese term
        await page.getByTestId("upload-item-link").click();
        await page.getByTestId("item-sha256").waitFor();
        expect(await page.getByTestId("item-sha256").textContent()).toBe(sha);
        await page.goto(`${base}/#/evidence?q=${encodeURIComponent("器官捐献")}`);
        const hit = page.locator(`li.result[data-item-id="${items[0]!.id}"]`);
        await hit.waitFor();
        expect((await hit.locator("mark").allTextContents()).join("")).toContain("器官");
        await shot("21-upload-found-by-search");
      });

      it("a refused file type shows the server's 415 message and stores nothing", async () => {
        await page.goto(`${base}/#/add`);
        const before = await itemTotal();
        await page.locator("#up-file").setInputFiles({
          name: "drawing.svg",
          mimeType: "image/svg+xml",
          buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        });
        await page.locator("#up-type").selectOption("image");
        await page.getByRole("button", { name: "Upload" }).click();
        const alert = page.locator("form[aria-labelledby=up-h] .error");
        await alert.waitFor();
        const text = await alert.textContent();
        expect(text).toContain("S_UNSUPPORTED_MEDIA_TYPE");
        expect(text).toContain("image/svg+xml");
        expect(await page.getByTestId("upload-result").count()).toBe(0);
        expect(await itemTotal()).toBe(before);
        await shot("22-upload-refused-type");
      });

      it("a file larger than the server's limit shows the 413 message and stores nothing", async () => {
        await page.goto(`${base}/#/add`);
        const before = await itemTotal();
        await page
          .locator("#up-file")
          .setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(32 * UPLOAD_LIMIT, 0x61) });
        await page.locator("#up-type").selectOption("other");
        await page.getByRole("button", { name: "Upload" }).click();
        const alert = page.locator("form[aria-labelledby=up-h] .error");
        await alert.waitFor();
        const text = await alert.textContent();
        expect(text).toContain("S_EV_UPLOAD_TOO_LARGE");
        expect(text).toContain(String(UPLOAD_LIMIT));
        expect(await itemTotal()).toBe(before);
        await shot("22-upload-too-large");
      });

      it("a file dropped on the drop zone is uploaded like a picked one", async () => {
        await page.goto(`${base}/#/add`);
        const text = "dropped file (e2e): Tianjin First Central Hospital transplant volumes\n";
        const dt = await page.evaluateHandle((t) => {
          const d = new DataTransfer();
          d.items.add(new File([t], "dropped-e2e.txt", { type: "text/plain" }));
          return d;
        }, text);
        await page.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer: dt });
        await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: dt });
        await expect.poll(() => page.getByTestId("chosen-file").textContent()).toContain("dropped-e2e.txt");
        await page.locator("#up-type").selectOption("other");
        await page.getByRole("button", { name: "Upload" }).click();
        await page.getByTestId("upload-result").waitFor();
        const sha = createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
        expect(await page.getByTestId("upload-sha256").textContent()).toBe(sha);
      });

      it("witness fields are sealed on upload: the item is restricted and lists show only 'sealed'", async () => {
        await page.goto(`${base}/#/add`);
        await page.locator("#up-file").setInputFiles({
          name: "testimony-e2e.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("testimony (e2e form)\n"),
        });
        await page.locator("#up-type").selectOption("testimony");
        await page.getByLabel("Witness details (sealed)").check();
        await page.getByTestId("witness-warning").waitFor();
        await page.locator("#up-wname").fill("Secret Witness 李四");
        await page.locator("#up-wcontact").fill("+86 555 0199");
        await shot("23-upload-witness-form");
        await page.getByRole("button", { name: "Upload" }).click();
        await page.getByTestId("upload-result").waitFor();
        // the page no longer holds the values
        expect(await page.content()).not.toContain("Secret Witness");
        const { headers } = await server.login("analyst");
        const list = await server.app.inject({ method: "GET", url: "/api/evidence/items?type=testimony", headers });
        expect(list.body).not.toContain("Secret Witness");
        const it0 = (list.json() as { items: { id: string; restricted: boolean; sensitive: unknown }[] }).items[0]!;
        expect(it0).toMatchObject({ restricted: true, sensitive: "sealed" });
        // the fields arrive intact (UTF-8 through base64url): an admin's logged reveal shows them
        const admin = (await server.login("admin")).headers;
        const revealed = await server.app.inject({
          method: "GET",
          url: `/api/evidence/items/${encodeURIComponent(it0.id)}?reveal=1`,
          headers: admin,
        });
        expect(revealed.statusCode).toBe(200);
        expect(JSON.stringify(revealed.json())).toContain("Secret Witness 李四");
        expect(JSON.stringify(revealed.json())).toContain("+86 555 0199");
      });

      it("the capture form shows the refusal of a private address", async () => {
        await page.goto(`${base}/#/add`);
        const before = await itemTotal();
        await page.locator("#cap-url").fill("http://127.0.0.1:9/private");
        await page.getByRole("button", { name: "Capture" }).click();
        const alert = page.locator("form[aria-labelledby=cap-h] .error");
        await alert.waitFor();
        expect(await alert.textContent()).toContain("S_EV_CAPTURE_REFUSED");
        expect(await page.getByTestId("capture-result").count()).toBe(0);
        expect(await itemTotal()).toBe(before);
        await shot("24-capture-refused");
        await logOut();
      });

      it("the capture form stores a page (server allowed to reach private addresses) and links to the item", async () => {
        // a page to capture, on this machine, and a second server that may fetch private addresses
        const site = createServer((_req, res) => {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          res.end(
            '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>捕获测试页</title></head><body><p>某医院肝移植数量（测试）</p></body></html>',
          );
        });
        await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
        const sitePort = (site.address() as { port: number }).port;
        const open = await startTestServer({
          dialect,
          context: { captureAllowPrivate: true },
          build: { webDir, extraRoutes: (await e2eRouteModules()).filter((m) => !ROUTE_MODULES.includes(m)) },
        });
        try {
          await open.app.listen({ port: 0, host: "127.0.0.1" });
          const openBase = `http://127.0.0.1:${(open.app.server.address() as { port: number }).port}`;
          // its own browser context: cookies are per host, not per port, and the main page keeps its session
          const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
          const p2 = await ctx2.newPage();
          p2.on("pageerror", (e) => pageErrors.push(e.message));
          await p2.goto(`${openBase}/#/add`);
          await p2.getByLabel("User name").fill("analyst");
          await p2.getByLabel("Password").fill(open.passwords.analyst);
          await p2.getByRole("button", { name: "Log in" }).click();
          const url = `http://127.0.0.1:${sitePort}/page.html`;
          await p2.locator("#cap-url").fill(url);
          await p2.locator("#cap-tags").fill("e2e, capture");
          await p2.getByRole("button", { name: "Capture" }).click();
          const result = p2.getByTestId("capture-result");
          await result.waitFor({ timeout: 60_000 });
          const text = await result.textContent();
          expect(text).toContain("Captured.");
          expect(text).toContain(url);
          expect(text).toContain("200");
          if (dialect === "sqlite") await p2.screenshot({ path: join(shots, "24-capture-stored.png") });
          await result.getByRole("link", { name: "Open the item" }).click();
          await p2.getByTestId("item-sha256").waitFor();
          const { headers } = await open.login("analyst");
          const list = await open.app.inject({ method: "GET", url: "/api/evidence/items?tag=capture", headers });
          const items = (list.json() as { items: { url: string | null; addedBy: string; evidenceType: string }[] })
            .items;
          expect(items).toHaveLength(1);
          expect(items[0]).toMatchObject({ url, addedBy: "analyst", evidenceType: "hospital-web-page" });
          await ctx2.close();
        } finally {
          await open.close();
          await new Promise((r) => site.close(r));
        }
      });

      it("an admin adds a viewer, who then sees no upload page and changes the password", async () => {
        await logIn("admin", server.passwords.admin, "#/users");
        await page.locator("table.users tr[data-user=analyst]").waitFor();
        await page.locator("#nu-name").fill(NEW_USER.name);
        await page.locator("#nu-role").selectOption("viewer");
        await page.locator("#nu-password").fill(NEW_USER.password);
        await page.getByRole("button", { name: "Add user" }).click();
        const row = page.locator(`table.users tr[data-user=${NEW_USER.name}]`);
        await row.waitFor();
        expect(await row.locator("select").inputValue()).toBe("viewer");
        expect(await page.getByTestId("admin-status").textContent()).toContain("added as viewer");
        // a second user with the same name is refused with the server's message
        await page.locator("#nu-name").fill(NEW_USER.name);
        await page.locator("#nu-password").fill("long-enough-password-1");
        await page.getByRole("button", { name: "Add user" }).click();
        await expect
          .poll(() => page.locator("form[aria-labelledby=add-user-h] .error").textContent())
          .toContain("S_USER_EXISTS");
        // the admin cannot demote themself from the page
        expect(await page.locator("table.users tr[data-user=admin] select").isDisabled()).toBe(true);
        await shot("25-users");
        // change the analyst's role and back; disable a throwaway user
        await page.locator("table.users tr[data-user=reviewer] select").selectOption("analyst");
        await expect.poll(() => page.getByTestId("admin-status").textContent()).toContain("reviewer is now analyst");
        await page.locator("table.users tr[data-user=reviewer] select").selectOption("reviewer");
        await expect.poll(() => page.getByTestId("admin-status").textContent()).toContain("reviewer is now reviewer");
        await page.locator("#nu-name").fill("leaver");
        await page.locator("#nu-password").fill("leaver-pw-1");
        await page.getByRole("button", { name: "Add user" }).click();
        await page.locator("table.users tr[data-user=leaver]").waitFor();
        await page.locator("table.users tr[data-user=leaver]").getByRole("button", { name: "Disable" }).click();
        await expect
          .poll(() => page.locator("table.users tr[data-user=leaver] td").nth(2).textContent())
          .toBe("disabled");
        const refused = await server.app.inject({
          method: "POST",
          url: "/api/session",
          payload: { username: "leaver", password: "leaver-pw-1" },
        });
        expect(refused.statusCode).toBe(401);
        // and enable again: sign-in works with the same password
        await page.locator("table.users tr[data-user=leaver]").getByRole("button", { name: "Enable" }).click();
        await expect
          .poll(() => page.locator("table.users tr[data-user=leaver] td").nth(2).textContent())
          .toBe("active");
        const back = await server.app.inject({
          method: "POST",
          url: "/api/session",
          payload: { username: "leaver", password: "leaver-pw-1" },
        });
        expect(back.statusCode).toBe(200);
        await logOut();

        await logIn(NEW_USER.name, NEW_USER.password, "#/add");
        expect(await page.getByTestId("current-role").textContent()).toBe("viewer");
        expect(await page.getByRole("link", { name: "Add evidence" }).count()).toBe(0);
        expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
        await expect.poll(() => page.locator(".notice").textContent()).toContain("needs the analyst role");
        expect(await page.locator("#up-file").count()).toBe(0);
        expect(await page.locator("#cap-url").count()).toBe(0);
        await page.goto(`${base}/#/users`);
        await page.locator(".notice").waitFor();
        expect(await page.locator("table.users").count()).toBe(0);
        await shot("26-viewer-no-upload");

        // change the password: a wrong current one is refused; then all sessions end and the new one works
        await page.getByTestId("current-user").click();
        await page.locator("#pw-current").fill("not my password");
        await page.locator("#pw-new").fill(NEW_USER.next);
        await page.locator("#pw-again").fill(NEW_USER.next);
        await page.getByRole("button", { name: "Change password" }).click();
        await expect
          .poll(() => page.locator("form[aria-labelledby=pw-h] .error").textContent())
          .toContain("S_BAD_LOGIN");
        await page.locator("#pw-current").fill(NEW_USER.password);
        await page.getByRole("button", { name: "Change password" }).click();
        await page.getByTestId("password-changed").waitFor();
        await shot("27-password-changed");
        expect(await page.evaluate(async () => (await fetch("/api/me")).status)).toBe(401);
        await page.getByRole("button", { name: "Log in again" }).click();
        await page.getByLabel("User name").waitFor();
        const old = await server.app.inject({
          method: "POST",
          url: "/api/session",
          payload: { username: NEW_USER.name, password: NEW_USER.password },
        });
        expect(old.statusCode).toBe(401);
        await logIn(NEW_USER.name, NEW_USER.next, "#/dashboard");
        await logOut();
      });

      it("screening: an admin creates a project, an analyst imports the RIS fixture and edits rules, a reviewer screens", async () => {
        await logIn("admin", server.passwords.admin, "#/screening");
        await page.locator("#np-name").fill("e2e-forms");
        await page.getByRole("button", { name: "Create project" }).click();
        await page.locator("#sm-h").waitFor();
        await expect.poll(() => page.locator("#sm-h").textContent()).toContain("e2e-forms");
        projectId = decodeURIComponent(/#\/screening\/([^/]+)\/manage/.exec(page.url())?.[1] ?? "");
        expect(projectId).not.toBe("");
        // an admin includes the analyst's rights: the forms are there; log out and do it as the analyst
        await logOut();

        await logIn("analyst", server.passwords.analyst, `#/screening/${encodeURIComponent(projectId)}/manage`);
        // a malformed file: the server's 400 names the file and line; nothing is imported
        await page.locator("#imp-file").setInputFiles({
          name: "broken.ris",
          mimeType: "application/x-research-info-systems",
          buffer: Buffer.from("TY  - JOUR\nTI  - no end record\nthis line is not RIS\n"),
        });
        await page.getByRole("button", { name: "Import" }).click();
        const importError = page.locator("form[aria-labelledby=imp-h] .error");
        await importError.waitFor();
        expect(await importError.textContent()).toMatch(/broken\.ris/);
        await expect.poll(() => page.getByTestId("project-numbers").textContent()).toContain("0 unique records");
        await page.locator("#imp-file").setInputFiles(RIS_FIXTURE);
        await page.locator("#imp-format").selectOption("ris");
        await page.getByRole("button", { name: "Import" }).click();
        await page.getByTestId("import-result").waitFor();
        const sha = createHash("sha256").update(readFileSync(RIS_FIXTURE)).digest("hex");
        const imported = await page.getByTestId("import-result").textContent();
        expect(imported).toContain("Imported 8 records");
        expect(imported).toContain(sha.slice(0, 16));
        await expect.poll(() => page.getByTestId("project-numbers").textContent()).toContain("8 unique records");

        // a syntax error: the server's message with line and column; nothing saved
        const rules = page.locator("#rules-text");
        await rules.fill('rule trauma in title, abstract:\n  "PTSD" OR (');
        await page.getByRole("button", { name: "Save rules" }).click();
        await page.getByTestId("rules-error-where").waitFor();
        expect(await page.getByTestId("rules-error-where").textContent()).toMatch(/^Line 2, column \d+$/);
        const ruleError = await page.locator("form[aria-labelledby=rules-h] .error").textContent();
        expect(ruleError).toContain("SC_RULE_SYNTAX");
        expect(ruleError).toMatch(/column \d+/);
        expect(await page.locator("#rules-text").getAttribute("aria-invalid")).toBe("true");
        // the caret is put at the error: line 2, column 14 (the end of the text)
        await expect
          .poll(() => page.locator("#rules-text").evaluate((e) => (e as HTMLTextAreaElement).selectionStart))
          .toBe('rule trauma in title, abstract:\n  "PTSD" OR ('.length);
        await shot("28-rules-error");
        const { headers } = await server.login("analyst");
        const base0 = `/api/screening/projects/${encodeURIComponent(projectId)}`;
        expect((await server.app.inject({ method: "GET", url: `${base0}/rules`, headers })).json()).toMatchObject({
          text: null,
        });
        await rules.fill('rule trauma in title, abstract:\n  "PTSD" OR "trauma*"\n');
        await page.getByRole("button", { name: "Save rules" }).click();
        await page.getByTestId("rules-saved").waitFor();
        expect(await page.getByTestId("rules-saved").textContent()).toContain("trauma");
        expect(await page.getByTestId("rules-error-where").count()).toBe(0);
        expect((await server.app.inject({ method: "GET", url: `${base0}/rules`, headers })).json()).toMatchObject({
          rules: ["trauma"],
        });
        // ranking learns from decisions: with none yet, the server's refusal is shown
        await page.getByRole("button", { name: "Compute ranking" }).click();
        await expect
          .poll(() => page.locator("[aria-labelledby=rank-h] .error").textContent())
          .toContain("SC_RANK_NEED_BOTH");
        expect(await page.getByTestId("ranking").count()).toBe(0);
        await shot("29-screening-manage");
        await logOut();

        await logIn("reviewer", server.passwords.reviewer, `#/screening/${encodeURIComponent(projectId)}`);
        const record = page.locator("article.record");
        await record.waitFor();
        const recordId = await record.getAttribute("data-record-id");
        expect(await page.getByTestId("rule-matches").textContent()).toContain("trauma");
        await page.keyboard.press("i");
        await expect.poll(() => page.getByTestId("progress-text").textContent()).toContain("1 of 8");
        const p = await server.ctx.screening.project(projectId);
        const log = await p.decisions({ stage: "title-abstract" });
        expect(log.map((d) => [d.recordId, d.reviewer, d.decision])).toEqual([[recordId, "reviewer", "include"]]);
        await page.keyboard.press("e");
        await expect.poll(() => page.getByTestId("progress-text").textContent()).toContain("2 of 8");
        // with one include and one exclude the ranking can be computed (a reviewer holds the analyst's rights)
        await page.getByRole("link", { name: "Set up and results" }).click();
        await page.getByRole("button", { name: "Compute ranking" }).click();
        await page.getByTestId("ranking").waitFor();
        expect(await page.getByTestId("ranking").textContent()).toContain(
          "6 records ordered, trained on 1 included and 1 excluded",
        );
        await expect
          .poll(() => page.getByTestId("project-numbers").textContent())
          .toContain("2 with a title/abstract decision");

        await shot("30-screening-screened");
        await logOut();

        // a viewer: results only. The PRISMA diagram is an <img> of the server's SVG (data: URL), never markup in the page
        await logIn(NEW_USER.name, NEW_USER.next, `#/screening/${encodeURIComponent(projectId)}`);
        await page.getByText("Screening needs the reviewer role").waitFor();
        expect(await page.locator("article.record").count()).toBe(0);
        await page.getByRole("link", { name: "Results" }).click();
        const img = page.getByTestId("prisma");
        await img.waitFor();
        expect(await img.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
        await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        expect(await page.locator("main svg").count()).toBe(0);
        expect(await page.getByTestId("agreement-none").textContent()).toContain("reviewer");
        // no set-up forms below the analyst role; the rules are shown read-only
        expect(await page.locator("#imp-file").count()).toBe(0);
        expect(await page.getByRole("button", { name: "Save rules" }).count()).toBe(0);
        expect(await page.getByRole("button", { name: "Compute ranking" }).count()).toBe(0);
        expect(await page.locator("#rules-text").inputValue()).toContain("trauma*");
        // an unknown project: the server's 404, once, and no forms
        await page.goto(`${base}/#/screening/no-such-project/manage`);
        await expect
          .poll(() => page.locator("main .error").allTextContents())
          .toEqual([expect.stringContaining("S_SC_NO_PROJECT")]);
        expect(await page.locator("#rules-text").count()).toBe(0);
        await shot("31-screening-results");
      });

      it("ran without page errors, CSP violations or requests outside the server", () => {
        expect(pageErrors).toEqual([]);
        expect(cspViolations).toEqual([]);
        expect(requests.filter((u) => !u.startsWith(base) && !u.startsWith("data:"))).toEqual([]);
      });
    },
  );
