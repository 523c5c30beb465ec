// The demo store served with the dashboard (API + web routes), headless Chromium and a tab per width
// of WIDTHS, opened before a test file's tests and closed after them. Nothing runs without Chromium
// (the tests skip).
import type { Server } from "node:http";
import { after, before } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import type { Store } from "../../src/store/store.js";
import { demoStore } from "../api/harness.js";
import { launchBrowser, SKIP, serveDashboard } from "./browser.js";
import { pagesAtWidths } from "./layout.js";

export interface DemoDashboard {
  store: Store;
  /** The server's address, http://127.0.0.1:PORT. */
  url: string;
  /** A tab per width of WIDTHS, by its name ("1440", "390"). */
  pages: Map<string, Page>;
  /** Errors the pages raised, each with its width. */
  errors: string[];
}

/**
 * Registers the file's before/after hooks; the fields are set once `before` has run. `prepare` adds to
 * the demo store before it is served.
 * @example const dash = demoDashboard(); test("…", async () => { await dash.pages.get("1440")?.goto(dash.url); });
 */
export function demoDashboard(prepare?: (store: Store) => Promise<void>): DemoDashboard {
  const d: DemoDashboard = { store: undefined as unknown as Store, url: "", pages: new Map(), errors: [] };
  let server: Server | undefined;
  let browser: BrowserContext | undefined;
  before(async () => {
    if (SKIP) return;
    ({ store: d.store } = await demoStore());
    await prepare?.(d.store);
    const served = await serveDashboard(d.store);
    d.url = served.url;
    server = served.server;
    browser = await launchBrowser();
    d.pages = await pagesAtWidths(browser, d.errors);
  });
  after(async () => {
    if (SKIP) return;
    await browser?.close();
    server?.close();
    await d.store?.close();
  });
  return d;
}
