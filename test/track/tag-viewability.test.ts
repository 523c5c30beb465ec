// test:slow
// The tracking tag in real Chromium, a page per case: what `cpi report` counts (impressions, measurable,
// viewable) for each situation of issue 25 — the MRC display rule and its continuity, a real tab switch,
// cross-origin iframes, the delivery fallbacks, duplicate ids and automation, then the large-ad rule on an
// unsized creative, pages without IntersectionObserver, CSPs, video play time, creatives that load late or
// fail, pages without document.currentScript, and covered or transparent ads (IntersectionObserver v2).
// Skips when /usr/bin/chromium is absent. Campaign = case name, so each case's counts are its own.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import type { BrowserContext } from "playwright-core";
import { launchBrowser, SKIP } from "../web/browser.js";
import { around, type CasePage, TagWorld } from "./tag-world.js";

const world = new TagWorld();
let automation: BrowserContext | undefined;

before(async () => {
  if (!SKIP) await world.start({ video: true });
});
after(async () => {
  await automation?.close();
  if (!SKIP) await world.stop();
});

const BANNER = '<img id="ad" src="/ad/300x250.svg" width="300" height="250" alt="ad">';

/** Opens a page holding `body` (with `csp` if given), runs `steps`, ends the case and returns the counts. */
async function run(name: string, html: string, steps: (c: CasePage) => Promise<void>, csp?: string): Promise<[number, number, number]> {
  const c = await world.open(world.page(name, { html, ...(csp ? { csp } : {}) }));
  await steps(c);
  await world.finish(c);
  return world.triple(name);
}

/** In view for `ms`, then out of view long enough for a wrong viewable to have been sent. */
async function inViewFor(c: CasePage, fraction: number, ms: number): Promise<void> {
  await c.delivered("impression");
  await c.show(fraction);
  await c.hold(ms);
  await c.hide();
  await c.hold(1200);
}

/** For a tag that must send nothing: in view 2.5 s after the page loaded, then out. */
async function neverRenderedInView(c: CasePage): Promise<void> {
  await c.page.waitForLoadState("load");
  await c.show(1);
  await c.hold(2500);
  await c.hide();
  await c.hold(500);
}

/** Fully in view until the viewable impression has been answered. */
async function untilViewable(c: CasePage): Promise<void> {
  await c.delivered("impression");
  await c.show(1);
  await c.delivered("viewable");
}

// ── What already counted right ────────────────────────────────────────────────────────────────────

test("display: a 300×250 banner fully in view for a second is one impression, measured and viewable", { skip: SKIP }, async () => {
  const t = await world.snippet("display-in-view");
  assert.deepEqual(await run("display-in-view", around(BANNER + t.tag), untilViewable), [1, 1, 1]);
});

test("continuity: in view twice for 0.4 s is not one second", { skip: SKIP }, async () => {
  const t = await world.snippet("display-continuity");
  const counts = await run("display-continuity", around(BANNER + t.tag), async (c) => {
    await c.delivered("impression");
    for (let i = 0; i < 3; i++) {
      await c.show(1);
      await c.hold(400);
      await c.hide();
      await c.hold(300);
    }
    await c.hold(1000);
  });
  assert.deepEqual(counts, [1, 1, 0]);
});

test("below the threshold: 40 % of a 300×250 banner for 2.5 s is not viewable", { skip: SKIP }, async () => {
  const t = await world.snippet("display-40pct");
  assert.deepEqual(await run("display-40pct", around(BANNER + t.tag), (c) => inViewFor(c, 0.4, 2500)), [1, 1, 0]);
});

test("a real tab switch: time in a background tab does not count", { skip: SKIP }, async () => {
  const t = await world.snippet("tab-switch");
  const counts = await run("tab-switch", around(BANNER + t.tag), async (c) => {
    await c.delivered("impression");
    const tab = await world.secondTab(c);
    await c.show(1);
    await c.hold(400);
    await tab.away();
    await c.hold(2000);
    await tab.back();
    await c.hold(400);
    await c.hide();
    await c.hold(1200);
    await tab.close();
  });
  assert.deepEqual(counts, [1, 1, 0]);
});

/** A page whose ad is a cross-origin iframe (another host) holding the banner and the tag. */
function framed(name: string, tag: string, overlay = ""): string {
  world.page(name, { html: `<!doctype html><body style="margin:0">${BANNER.replace(' id="ad"', "")}${tag}</body>` }, "frame");
  const frame = `<div style="position:relative;width:300px;height:250px"><iframe id="ad" src="${world.otherOrigin}/frame/${name}" width="300" height="250" style="border:0;display:block"></iframe>${overlay}</div>`;
  return around(frame);
}

test("cross-origin iframe: the ad inside sees the page's viewport", { skip: SKIP }, async () => {
  const t = await world.snippet("iframe-in-view");
  assert.deepEqual(await run("iframe-in-view", framed("iframe-in-view", t.tag), untilViewable), [1, 1, 1]);
  const u = await world.snippet("iframe-30pct");
  assert.deepEqual(await run("iframe-30pct", framed("iframe-30pct", u.tag), (c) => inViewFor(c, 0.3, 2500)), [1, 1, 0]);
});

test("no fetch and no sendBeacon: the image request delivers both events", { skip: SKIP }, async () => {
  const t = await world.snippet("image-fallback");
  const old = "<script>window.fetch = undefined; Navigator.prototype.sendBeacon = undefined;</script>";
  assert.deepEqual(await run("image-fallback", around(old + BANNER + t.tag), untilViewable), [1, 1, 1]);
});

test("duplicate impression ids: the second of each is invalid traffic, not counted", { skip: SKIP }, async () => {
  const t = await world.snippet("duplicate-ids");
  const fixed = `<script>crypto.randomUUID = () => "11111111-2222-4333-8444-555555555555";</script>`;
  const two = `<div id="ad" style="display:flex;gap:8px">${`<span>${BANNER.replace(' id="ad"', "")}${t.tag}</span>`.repeat(2)}</div>`;
  const counts = await run("duplicate-ids", around(fixed + two), async (c) => {
    await c.delivered("impression", 2);
    await c.show(1);
    await c.delivered("viewable", 2);
  });
  assert.deepEqual(counts, [1, 1, 1]);
  assert.equal((await world.counts("duplicate-ids")).invalid_rate, 0.5);
});

test("automation: a browser driven by Playwright (webdriver, HeadlessChrome) is invalid traffic", { skip: SKIP }, async () => {
  const t = await world.snippet("automation");
  automation = await launchBrowser();
  const page = await automation.newPage();
  const c = await world.open(world.page("automation", { html: around(BANNER + t.tag) }), page);
  await c.delivered("impression");
  await c.show(1);
  await c.delivered("viewable");
  await world.finish(c);
  const counts = await world.counts("automation");
  assert.deepEqual([counts.impressions, counts.viewable_impressions, counts.invalid_rate], [0, 0, 1]);
});

// ── Defect 1: the large-ad rule from the rendered size ───────────────────────────────────────────

test("a 970×250 creative without width/height: 36 % in view is viewable (30 % rule), 25 % is not", { skip: SKIP }, async () => {
  const unsized = '<img id="ad" src="/ad/970x250.svg" alt="ad">';
  const t = await world.snippet("large-36pct");
  assert.deepEqual(await run("large-36pct", around(unsized + t.tag), async (c) => inViewFor(c, 0.36, 2500)), [1, 1, 1]);
  const u = await world.snippet("large-25pct");
  assert.deepEqual(await run("large-25pct", around(unsized + u.tag), async (c) => inViewFor(c, 0.25, 2500)), [1, 1, 0]);
});

// ── Defect 2: measurable only once measurement started ───────────────────────────────────────────

test("no IntersectionObserver: the impression counts, unmeasured (left out of viewable_rate)", { skip: SKIP }, async () => {
  const t = await world.snippet("no-observer");
  const old = "<script>delete window.IntersectionObserver;</script>";
  assert.deepEqual(await run("no-observer", around(old + BANNER + t.tag), (c) => inViewFor(c, 1, 2000)), [1, 0, 0]);
});

// ── Defect 3: delivery under a Content-Security-Policy ───────────────────────────────────────────

/** A page under `csp` held in view until viewable: its counts, and how each event was delivered. */
async function viewableUnder(name: string, html: string, csp: string): Promise<{ counts: [number, number, number]; via: string[] }> {
  let via: string[] = [];
  const counts = await run(
    name,
    html,
    async (c) => {
      await untilViewable(c);
      via = c.deliveries();
    },
    csp,
  );
  return { counts, via };
}

/** The CSP source of an inline script's hash. */
function hashOf(script: string): string {
  return `'sha256-${createHash("sha256").update(script).digest("base64")}'`;
}

test("CSP without connect-src for the tracker (default-src 'self'; img-src *): the image fallback records", { skip: SKIP }, async () => {
  const t = await world.snippet("csp-no-connect");
  const csp = `default-src 'self'; script-src ${hashOf(t.script)}; img-src *`;
  const { counts, via } = await viewableUnder("csp-no-connect", around(BANNER + t.tag), csp);
  assert.deepEqual(counts, [1, 1, 1]);
  assert.deepEqual(via, ["impression GET /i.gif", "viewable GET /v.gif"], "fetch was refused: the image requests delivered");
});

/** A site's strict policy (its own origin only) with the sources `cpi snippet` printed added to each directive. */
function strictWith(printed: string): string {
  const policy = new Map(["default-src", "script-src", "connect-src", "img-src"].map((d) => [d, ["'self'"]]));
  for (const part of printed.split(";")) {
    const [directive, ...sources] = part.trim().split(/\s+/);
    policy.get(directive as string)?.push(...sources.filter((x) => x !== "'self'"));
  }
  return [...policy].map(([d, sources]) => `${d} ${sources.join(" ")}`).join("; ");
}

test("CSP as `cpi snippet` prints it (the tag's hash, connect-src and img-src for the tracker)", { skip: SKIP }, async () => {
  const t = await world.snippet("csp-printed");
  assert.match(t.csp, /^script-src 'sha256-[A-Za-z0-9+/=]+'; connect-src http:\/\/127\.0\.0\.1:\d+; img-src http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(t.csp.includes(hashOf(t.script)));
  const { counts, via } = await viewableUnder("csp-printed", around(BANNER + t.tag), strictWith(t.csp));
  assert.deepEqual(counts, [1, 1, 1]);
  assert.deepEqual(via, ["impression POST /e", "viewable POST /e"]);
});

test("CSP script-src 'self': the external-script form of the tag records; the inline tag cannot (nor its <noscript>)", { skip: SKIP }, async () => {
  const t = await world.snippet("csp-external", "--script-src", "/js/csp-external.js");
  const js = await world.snippetJs("csp-external");
  world.site.scripts.set("csp-external", js);
  assert.match(t.tag, /^<script src="\/js\/csp-external\.js" data-cpi-tag="cpi-[0-9a-f]{12}"><\/script><noscript>/);
  assert.match(t.csp, /^script-src 'self'; connect-src http:\/\/127\.0\.0\.1:\d+; img-src http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(await run("csp-external", around(BANNER + t.tag), untilViewable, strictWith(t.csp)), [1, 1, 1]);

  const inline = await world.snippet("csp-inline-blocked");
  const csp = strictWith(inline.csp.replace(/script-src [^;]+/, "script-src 'self'"));
  assert.deepEqual(await run("csp-inline-blocked", around(BANNER + inline.tag), (c) => neverRenderedInView(c), csp), [0, 0, 0]);
});

// ── Defect 4: video counts play time ─────────────────────────────────────────────────────────────

const VIDEO = '<video id="ad" src="/ad.webm" width="320" height="180" muted playsinline preload="auto"></video>';
const play = (c: CasePage) => c.run('document.getElementById("ad").play().then(() => true)');
const pause = (c: CasePage) => c.run('document.getElementById("ad").pause()');

test("video: in view 3 s without playing is not viewable; 2 s of play in view is", { skip: SKIP }, async () => {
  const t = await world.snippet("video-not-played", "--video");
  assert.deepEqual(await run("video-not-played", around(VIDEO + t.tag), (c) => inViewFor(c, 1, 3000)), [1, 1, 0]);
  const u = await world.snippet("video-played", "--video");
  const counts = await run("video-played", around(VIDEO + u.tag), async (c) => {
    await c.delivered("impression");
    await c.show(1);
    await play(c);
    await c.delivered("viewable");
  });
  assert.deepEqual(counts, [1, 1, 1]);
});

test("video: 1.2 s of play, a pause, 1.2 s more is not 2 continuous seconds", { skip: SKIP }, async () => {
  const t = await world.snippet("video-paused", "--video");
  const counts = await run("video-paused", around(VIDEO + t.tag), async (c) => {
    await c.delivered("impression");
    await c.show(1);
    for (let i = 0; i < 2; i++) {
      await play(c);
      await c.hold(1200);
      await pause(c);
      await c.hold(1000);
    }
  });
  assert.deepEqual(counts, [1, 1, 0]);
});

test("video signalled by the page (data-cpi-state): rendered, then 2 s of play", { skip: SKIP }, async () => {
  const t = await world.snippet("video-signal", "--video");
  const player = '<div id="ad" data-cpi-state="loading" style="width:320px;height:180px;background:#222"></div>';
  const state = (c: CasePage, s: string) => c.run(`document.getElementById("ad").dataset.cpiState = "${s}"`);
  const counts = await run("video-signal", around(player + t.tag), async (c) => {
    await c.show(1);
    await c.hold(1000);
    assert.deepEqual(await world.triple("video-signal"), [0, 0, 0], "nothing before the player says it rendered");
    await state(c, "paused");
    await c.delivered("impression");
    await c.hold(2500);
    await state(c, "playing");
    await c.hold(1000);
    await state(c, "paused");
    await c.hold(1500);
    assert.deepEqual(await world.triple("video-signal"), [1, 1, 0], "in view 5 s, but never 2 s of play");
    await state(c, "playing");
    await c.delivered("viewable");
  });
  assert.deepEqual(counts, [1, 1, 1]);
});

// ── Defect 5: an impression once the creative has rendered ───────────────────────────────────────

/** Steps: the ad in view 1.5 s counts nothing (checked through `cpi report`); after `render`, it is viewable. */
function nothingUntil(name: string, render: (c: CasePage) => Promise<unknown>): (c: CasePage) => Promise<void> {
  return async (c) => {
    await c.show(1);
    await c.hold(1500);
    assert.deepEqual(await world.triple(name), [0, 0, 0], "nothing before the creative has rendered");
    await render(c);
    await c.delivered("impression");
    await c.delivered("viewable");
  };
}

test("a creative that answers 404 records nothing, even in view", { skip: SKIP }, async () => {
  const t = await world.snippet("creative-404");
  const broken = '<img id="ad" src="/ad/missing.svg" width="300" height="250" alt="ad">';
  assert.deepEqual(await run("creative-404", around(broken + t.tag), neverRenderedInView), [0, 0, 0]);
});

test("a creative that loads late is counted when it has loaded, not when the tag ran", { skip: SKIP }, async () => {
  const t = await world.snippet("creative-late");
  const late = '<img id="ad" src="/held/creative-late.svg" width="300" height="250" alt="ad">';
  const counts = await run("creative-late", around(late + t.tag), nothingUntil("creative-late", async () => world.site.release("creative-late")));
  assert.deepEqual(counts, [1, 1, 1]);
});

test("a display ad drawn by script signals its render (data-cpi-state=rendered)", { skip: SKIP }, async () => {
  const t = await world.snippet("render-signal");
  const canvas = '<div id="ad" data-cpi-state="" style="width:300px;height:250px;background:#36c"></div>';
  const rendered = (c: CasePage) => c.run('document.getElementById("ad").dataset.cpiState = "rendered"');
  assert.deepEqual(await run("render-signal", around(canvas + t.tag), nothingUntil("render-signal", rendered)), [1, 1, 1]);
});

// ── Defect 6: no document.currentScript ──────────────────────────────────────────────────────────

test("no document.currentScript: each of two identical tags finds its own script and ad", { skip: SKIP }, async () => {
  const t = await world.snippet("no-current-script");
  const old = '<script>Object.defineProperty(Document.prototype, "currentScript", { get: () => null });</script>';
  const second = `<div class="gap"></div><img src="/ad/300x250.svg" width="300" height="250" alt="ad">${t.tag}`;
  const counts = await run("no-current-script", around(old + BANNER + t.tag, second), async (c) => {
    await c.delivered("impression", 2);
    await c.show(1);
    await c.delivered("viewable");
    await c.hide();
    await c.hold(1200);
  });
  assert.deepEqual(counts, [2, 2, 1], "two impressions; only the ad that was in view is viewable");
});

// ── Defect 7: covered or transparent ads (IntersectionObserver v2) ───────────────────────────────

const OVERLAY = '<div style="position:absolute;left:0;top:0;width:300px;height:250px;background:#fff">a cookie banner</div>';

test("an ad covered by another element, or transparent, is not viewable (IntersectionObserver v2)", { skip: SKIP }, async () => {
  const t = await world.snippet("covered");
  const covered = `<div id="ad" style="position:relative;width:300px;height:250px">${BANNER.replace(' id="ad"', "")}${t.tag}${OVERLAY}</div>`;
  assert.deepEqual(await run("covered", around(covered), (c) => inViewFor(c, 1, 2500)), [1, 1, 0]);
  const u = await world.snippet("transparent");
  const clear = BANNER.replace("<img ", '<img style="opacity:0" ');
  assert.deepEqual(await run("transparent", around(clear + u.tag), (c) => inViewFor(c, 1, 2500)), [1, 1, 0]);
  const v = await world.snippet("iframe-covered");
  assert.deepEqual(await run("iframe-covered", framed("iframe-covered", v.tag, OVERLAY), (c) => inViewFor(c, 1, 2500)), [1, 1, 0]);
});

test("without IntersectionObserver v2 a covered ad still counts (the documented limit), recorded as io-v1", { skip: SKIP }, async () => {
  const t = await world.snippet("covered-v1");
  const v1 = `<script>{ const IO = window.IntersectionObserver; window.IntersectionObserver = class extends IO {
    constructor(cb, o) { const { trackVisibility, delay, ...geometry } = o || {}; super(cb, geometry); } }; }</script>`;
  const covered = `<div id="ad" style="position:relative;width:300px;height:250px">${BANNER.replace(' id="ad"', "")}${t.tag}${OVERLAY}</div>`;
  assert.deepEqual(await run("covered-v1", around(v1 + covered), untilViewable), [1, 1, 1]);
});

test("cpi report --by measurement tells which measurement counted each impression", { skip: SKIP }, async () => {
  const rows = await world.report("--where", "campaign=display-in-view|covered-v1|no-observer|covered", "--by", "campaign,measurement");
  const by = Object.fromEntries(rows.map((r) => [`${r.campaign}/${r.measurement}`, [r.impressions, r.measurable_impressions, r.viewable_impressions]]));
  assert.deepEqual(by, { "covered-v1/io-v1": [1, 1, 1], "covered/io-v2": [1, 1, 0], "display-in-view/io-v2": [1, 1, 1], "no-observer/": [1, 0, 0] });
});
