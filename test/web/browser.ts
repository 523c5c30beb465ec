// Browser-test support: headless Debian Chromium through playwright-core, and a cpi server (API +
// dashboard, the routes `cpi serve` adds) on a loopback port over a store. Tests skip without Chromium.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { allEndpoints } from "../../src/http/api/endpoints/index.js";
import { API_VERSION, type ApiOptions, apiRoutes } from "../../src/http/api/index.js";
import { openApiDocument } from "../../src/http/api/openapi.js";
import { createRouteServer, listen } from "../../src/http/server.js";
import { webRoot, webRoutes } from "../../src/http/web-routes.js";
import type { Store } from "../../src/store/store.js";
import { checkServedAnswers, type OpenApiDoc } from "../api/openapi-check.js";
import { ROOT, tempDir } from "../helpers.js";

export const CHROMIUM = "/usr/bin/chromium";
/** Why browser tests skip, or false when they run. */
export const SKIP: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Builds the dashboard bundle when it is missing (npm test builds it first anyway). */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(webRoot(), "index.html"))) return;
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/build-web.mjs")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build-web failed: ${r.stderr}`);
}

/** Headless Chromium with a fresh profile (its own --user-data-dir) and nothing that phones home; `locale` sets navigator.language. */
export function launchBrowser(viewport = { width: 1280, height: 900 }, locale?: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir("cpi-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...(locale ? { locale } : {}),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"],
  });
}

/** A desktop Chrome's user agent: what a visitor's browser sends (no "HeadlessChrome"). */
export const DESKTOP_CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export interface TabBrowser {
  browser: Browser;
  context: BrowserContext;
  /** The first tab of the window. */
  page: Page;
  close(): Promise<void>;
}

/**
 * Headless Chromium that behaves like a visitor's browser for the tracking tag: its tabs share one
 * window, so opening or activating another tab hides the first (a real tab switch: Playwright's own
 * launch emulates focus, which keeps every page visible), navigator.webdriver is false and the user
 * agent is a desktop Chrome's. Started by hand and driven through connectOverCDP without Playwright's
 * defaults; `close` ends the browser and the process.
 */
export async function launchTabBrowser(viewport = { width: 1200, height: 800 }): Promise<TabBrowser> {
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--remote-debugging-port=0",
    `--user-data-dir=${tempDir("cpi-chromium-")}`,
    `--window-size=${viewport.width},${viewport.height}`,
    `--user-agent=${DESKTOP_CHROME_UA}`,
    "--disable-blink-features=AutomationControlled",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "about:blank",
  ];
  const child = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`chromium exited with ${code} before listening: ${err}`)));
  });
  child.stderr?.resume();
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  const context = browser.contexts()[0] as BrowserContext;
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    browser,
    context,
    page,
    async close() {
      await browser.close().catch(() => {});
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The API and the dashboard over `store` on 127.0.0.1 (an ephemeral port). `boundHost` is the address
 * the API believes it serves (0.0.0.0: as if reachable beyond loopback, so reads need a token too);
 * `more` adds API options (the alert files).
 */
export async function serveDashboard(store: Store, boundHost = "127.0.0.1", more: Partial<ApiOptions> = {}): Promise<{ url: string; server: Server }> {
  await ensureWebBuilt();
  const server = createRouteServer({ routes: [...apiRoutes({ store, boundHost, ...more }), ...webRoutes()], log: () => {} });
  // Every API answer the page receives is checked against /openapi.json; closing the server fails on any that does not match.
  const problems = checkServedAnswers(server, openApiDocument(allEndpoints(boundHost, more.alerts, more.connections), API_VERSION) as unknown as OpenApiDoc);
  const close = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    close(callback);
    if (problems.length) throw new Error(`API answers that do not match /openapi.json:\n${[...new Set(problems)].slice(0, 20).join("\n")}`);
    return server;
  }) as typeof server.close;
  const port = await listen(server, 0, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Every request the page makes that is not to `origin` (there must be none). */
export function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:")) foreign.push(u);
  });
  return foreign;
}

/**
 * Waits until the view has rendered its data for the page's current address. A click that changes
 * the hash renders on the next `hashchange` task, so "ready" alone could still be the previous page's.
 */
export async function ready(page: Page, view: string): Promise<void> {
  await page.waitForFunction((v) => document.body.dataset.ready === v && document.body.dataset.rendered === location.hash, view);
}

/** Saves a full-page screenshot under test-artifacts/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
