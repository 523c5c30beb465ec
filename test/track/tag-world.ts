// Browser tests of the tracking tag: a real `cpi serve` (the tracker), a publisher's web server with one
// page per case (on another origin, and a third for cross-origin iframes), and headless Chromium whose
// tabs behave like a visitor's (test/web/browser.ts). Each case puts the tag `cpi snippet` prints next
// to an ad, moves the ad in and out of view, and the counts are read back with `cpi report`.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { cpi, tempDir } from "../helpers.js";
import { launchTabBrowser, type TabBrowser } from "../web/browser.js";
import { type ServerProcess, startServer, stopServer } from "./server-process.js";

/** What `cpi snippet --format json` prints. */
export interface PrintedTag {
  tag: string;
  script: string;
  csp: string;
  tag_id: string;
  external_tag?: string;
}

/** A page of the publisher's site: its HTML and, when it sends one, its Content-Security-Policy. */
export interface SitePage {
  html: string;
  csp?: string;
}

/** The counts of one campaign as `cpi report` gives them (a campaign with no row: zeros, no invalid rate). */
export interface Counts {
  impressions: number;
  measurable_impressions: number;
  viewable_impressions: number;
  invalid_rate?: number | null;
}

function svg(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#c33"/><text x="10" y="30" font-size="24" fill="#fff">${width}×${height}</text></svg>`;
}

/** The publisher's web server: pages and scripts registered by the test, creatives by size, held creatives. */
class Site {
  readonly pages = new Map<string, SitePage>();
  readonly scripts = new Map<string, string>();
  video: Buffer = Buffer.alloc(0);
  private readonly held = new Map<string, ServerResponse[]>();
  private readonly released = new Set<string>();
  server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Serves a held creative (`/held/NAME.svg`) to every request waiting for it, and later ones at once. */
  release(name: string): void {
    this.released.add(name);
    for (const res of this.held.get(name) ?? []) this.sendSvg(res, 300, 250);
    this.held.delete(name);
  }

  private sendSvg(res: ServerResponse, w: number, h: number): void {
    res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "no-store" });
    res.end(svg(w, h));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const page = /^\/(?:case|frame)\/([\w-]+)$/.exec(path);
    const size = /^\/ad\/(\d+)x(\d+)\.svg$/.exec(path);
    const held = /^\/held\/([\w-]+)\.svg$/.exec(path);
    const script = /^\/js\/([\w-]+)\.js$/.exec(path);
    if (page && this.pages.has(path)) {
      const p = this.pages.get(path) as SitePage;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...(p.csp ? { "content-security-policy": p.csp } : {}) });
      res.end(p.html);
    } else if (size) {
      // A creative's bytes come a little after the page, as from an ad server: the tag runs before they do.
      setTimeout(() => this.sendSvg(res, Number(size[1]), Number(size[2])), 150);
    } else if (held) {
      const name = held[1] as string;
      if (this.released.has(name)) this.sendSvg(res, 300, 250);
      else this.held.set(name, [...(this.held.get(name) ?? []), res]);
    } else if (script && this.scripts.has(script[1] as string)) {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" });
      res.end(this.scripts.get(script[1] as string));
    } else if (path === "/ad.webm" && this.video.length) {
      res.writeHead(200, { "content-type": "video/webm", "content-length": String(this.video.length), "cache-control": "no-store" });
      res.end(this.video);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  }
}

/** One tracker request the page made, by event type, and whether it has ended (answered or failed). */
interface Sent {
  type: string;
  /** How it was sent: "POST /e" (fetch or sendBeacon) or "GET /i.gif", "GET /v.gif" (the image fallback). */
  via: string;
  ended: boolean;
  ok: boolean;
}

function eventTypeOf(r: Request, tracker: string): string | null {
  const u = r.url();
  if (!u.startsWith(tracker)) return null;
  const path = new URL(u).pathname;
  if (path === "/i.gif") return "impression";
  if (path === "/v.gif") return "viewable";
  if (path === "/e") {
    try {
      return String((JSON.parse(r.postData() ?? "[]") as { t?: string }[])[0]?.t ?? "?");
    } catch {
      return "?";
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longest wait for an event the tag should send: a guard against hanging, far above any rule's time. */
const GUARD_MS = 30_000;

/** A page under test and the tracker requests it made. */
export class CasePage {
  readonly sent: Sent[] = [];
  /** Uncaught errors in the page (the tag must throw none). */
  readonly errors: string[] = [];

  constructor(
    readonly page: Page,
    readonly tracker: string,
  ) {
    const byRequest = new Map<Request, Sent>();
    page.on("request", (r) => {
      const type = eventTypeOf(r, tracker);
      if (type === null) return;
      const s = { type, via: `${r.method()} ${new URL(r.url()).pathname}`, ended: false, ok: false };
      byRequest.set(r, s);
      this.sent.push(s);
    });
    const end = (ok: boolean) => (r: Request) => {
      const s = byRequest.get(r);
      if (s) Object.assign(s, { ended: true, ok });
    };
    page.on("requestfinished", end(true));
    page.on("requestfailed", end(false));
    page.on("pageerror", (e) => this.errors.push(e.message));
  }

  /** How each answered event was sent, e.g. ["impression GET /i.gif", …]. */
  deliveries(): string[] {
    return this.sent.filter((s) => s.ended && s.ok).map((s) => `${s.type} ${s.via}`);
  }

  /** How many events of `type` the tracker has answered. */
  answered(type: "impression" | "viewable"): number {
    return this.sent.filter((s) => s.type === type && s.ended && s.ok).length;
  }

  /** Waits until the tracker has answered `n` events of `type` (or the guard passes: the report then shows them missing). */
  async delivered(type: "impression" | "viewable", n = 1): Promise<void> {
    for (let waited = 0; waited < GUARD_MS && this.answered(type) < n; waited += 50) await sleep(50);
  }

  /** Waits until every tracker request the page started has ended. */
  async settled(): Promise<void> {
    for (let waited = 0; waited < GUARD_MS && this.sent.some((s) => !s.ended); waited += 50) await sleep(50);
  }

  /**
   * Scrolls so that `fraction` of the element `#id`'s height is inside the viewport, at its bottom edge
   * (0: just below it, 1: all of it); `hide` scrolls back to the top, far from the ad.
   */
  async show(fraction: number, id = "ad"): Promise<void> {
    await this.page.evaluate(
      ([f, name]) => {
        const el = document.getElementById(name as string) as HTMLElement;
        const box = el.getBoundingClientRect();
        window.scrollTo(0, Math.round(box.top + window.scrollY + (f as number) * box.height - window.innerHeight));
      },
      [fraction, id] as const,
    );
  }

  async hide(): Promise<void> {
    await this.page.evaluate(() => window.scrollTo(0, 0));
  }

  /** Runs an expression in the page (CSP does not apply to it). */
  async run(expression: string): Promise<unknown> {
    return this.page.evaluate(expression);
  }

  hold(ms: number): Promise<void> {
    return sleep(ms);
  }
}

/** A page's body around an ad: far from the top, so it starts out of view, with room below it. */
export function around(ad: string, extra = ""): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;font:16px sans-serif}.gap{height:2000px}</style></head><body><div class="gap">publisher content</div>${ad}<div class="gap"></div>${extra}</body></html>`;
}

/** The tracker, the site and the browser, started once for a test file. */
export class TagWorld {
  readonly dir = tempDir();
  readonly db = join(this.dir, "cpi.duckdb");
  server!: ServerProcess;
  readonly site = new Site();
  tabs!: TabBrowser;

  /** Starts everything; `video` records a short WebM in the browser for video cases. */
  async start(o: { video?: boolean } = {}): Promise<void> {
    const listening = new Promise<number>((resolve) => this.site.server.listen(0, "127.0.0.1", () => resolve((this.site.server.address() as { port: number }).port)));
    [this.server, this.tabs, this.site.port] = await Promise.all([startServer(this.db, "--ip-rate", "0", "--visitor-rate", "0"), launchTabBrowser(), listening]);
    if (o.video) this.site.video = await this.recordVideo();
  }

  async stop(): Promise<void> {
    await this.tabs?.close();
    this.site.server.closeAllConnections();
    this.site.server.close();
    if (this.server && this.server.child.exitCode === null) assert.equal(await stopServer(this.server), 0);
  }

  /** The page origin (the tracker is on another port: another origin). */
  get origin(): string {
    return `http://127.0.0.1:${this.site.port}`;
  }

  /** Another site's origin for cross-origin iframes: same server, another host name. */
  get otherOrigin(): string {
    return `http://localhost:${this.site.port}`;
  }

  private async printed(campaign: string, format: string, flags: string[]): Promise<string> {
    const r = await cpi(this.dir, "snippet", "--endpoint", this.server.url, "--campaign", campaign, "--creative", "banner", "--placement", "site", "--format", format, ...flags);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  /** The tag for `campaign`, as `cpi snippet` prints it (`--format json`), with more flags if given. */
  async snippet(campaign: string, ...flags: string[]): Promise<PrintedTag> {
    return JSON.parse(await this.printed(campaign, "json", flags)) as PrintedTag;
  }

  /** The script file for the external-script form (`cpi snippet --format js`). */
  snippetJs(campaign: string, ...flags: string[]): Promise<string> {
    return this.printed(campaign, "js", flags);
  }

  /** Registers a page at /case/NAME (or /frame/NAME) and returns its URL on the page origin. */
  page(name: string, page: SitePage, kind: "case" | "frame" = "case"): string {
    this.site.pages.set(`/${kind}/${name}`, page);
    return `${this.origin}/${kind}/${name}`;
  }

  /** Opens `url` in the browser's tab (not waiting for its creatives) and watches its tracker requests. */
  async open(url: string, page: Page = this.tabs.page): Promise<CasePage> {
    const c = new CasePage(page, this.server.url);
    await page.goto(url, { waitUntil: "domcontentloaded" });
    return c;
  }

  /** Ends a case: waits for its tracker requests, leaves the page (the next case starts fresh) and checks it threw nothing. */
  async finish(c: CasePage): Promise<void> {
    await c.settled();
    for (const e of ["request", "requestfinished", "requestfailed", "pageerror"] as const) c.page.removeAllListeners(e);
    await c.page.goto("about:blank");
    assert.deepEqual(c.errors, [], "the page threw");
  }

  /**
   * A second tab in the case page's window, opened in the background (the case page stays visible), so
   * that a tab switch is then quick: `away` activates it (the case page becomes hidden, as when a
   * visitor switches tabs), `back` activates the case page again, `close` closes the second tab.
   */
  async secondTab(c: CasePage): Promise<{ away(): Promise<void>; back(): Promise<void>; close(): Promise<void> }> {
    const cdp = await this.tabs.context.newCDPSession(c.page);
    const { targetInfo } = await cdp.send("Target.getTargetInfo");
    const [other, created] = await Promise.all([this.tabs.context.waitForEvent("page"), cdp.send("Target.createTarget", { url: "about:blank", newWindow: false, background: true })]);
    assert.equal(await c.run("document.hidden"), false, "a tab opened in the background leaves the case page visible");
    return {
      away: async () => {
        await cdp.send("Target.activateTarget", { targetId: created.targetId });
        await this.until(c, "document.hidden");
      },
      back: async () => {
        await cdp.send("Target.activateTarget", { targetId: targetInfo.targetId });
        await this.until(c, "!document.hidden");
      },
      close: async () => {
        await other.close();
        await cdp.detach();
      },
    };
  }

  /** Waits until `expression` is true in the case page (polled from here: a hidden page runs no animation frames). */
  private async until(c: CasePage, expression: string): Promise<void> {
    for (let waited = 0; waited < GUARD_MS && !(await c.run(expression)); waited += 50) await sleep(50);
  }

  /** Tracked counts through `cpi report` (forwarded to the running server), with more arguments. */
  async report(...args: string[]): Promise<Record<string, string | number | null>[]> {
    const metrics = "impressions,measurable_impressions,viewable_impressions,invalid_rate";
    const r = await cpi(this.dir, "report", "--where", "source=tracked", "--metrics", metrics, "--format", "json", "--db", this.db, ...args);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  /** The stored counts of `campaign`. */
  async counts(campaign: string): Promise<Counts> {
    const [row] = (await this.report("--where", `campaign=${campaign}`)) as unknown as Counts[];
    return row ?? { impressions: 0, measurable_impressions: 0, viewable_impressions: 0 };
  }

  /** Impressions, measurable and viewable impressions of `campaign`, as a triple to compare. */
  async triple(campaign: string): Promise<[number, number, number]> {
    const c = await this.counts(campaign);
    return [c.impressions, c.measurable_impressions, c.viewable_impressions];
  }

  /** A 4-second WebM recorded from a canvas by the browser's MediaRecorder (no video tools needed). */
  private async recordVideo(): Promise<Buffer> {
    const page = this.tabs.page;
    await page.goto(this.page("recorder", { html: "<!doctype html><body></body>" }));
    const b64 = await page.evaluate(`(async () => {
      const c = document.createElement("canvas"); c.width = 320; c.height = 180; document.body.append(c);
      const g = c.getContext("2d");
      const rec = new MediaRecorder(c.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
      const chunks = []; rec.ondataavailable = (e) => chunks.push(e.data);
      rec.start(); const start = performance.now();
      await new Promise((done) => { const draw = () => { const t = performance.now() - start;
        g.fillStyle = "hsl(" + (t / 10 % 360) + ",80%,50%)"; g.fillRect(0, 0, 320, 180);
        if (t < 4000) requestAnimationFrame(draw); else done(); }; draw(); });
      rec.stop(); await new Promise((r) => (rec.onstop = r));
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s);
    })()`);
    await page.goto("about:blank");
    return Buffer.from(String(b64), "base64");
  }
}
