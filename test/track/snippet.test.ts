// The tracking snippet: size, escaping, and its MRC viewability logic in a simulated page with fake
// timers (the same situations in real Chromium: tag-viewability.test.ts, tag-quick.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { type SnippetConfig, snippetScript, snippetTag, tagId } from "../../src/http/snippet/snippet-source.js";
import { cpi, tempDir } from "../helpers.js";

const config: SnippetConfig = { endpoint: "https://t.example.com", campaign: "Launch Q4", creative: "Visual A", placement: "news-site", video: false };

type Listener = () => void;
interface FakeElement {
  tagName: string;
  attrs: Record<string, string>;
  complete?: boolean;
  naturalWidth?: number;
  readyState?: number;
  paused?: boolean;
  ended?: boolean;
  decode?: () => Promise<void>;
  listeners: Record<string, Listener[]>;
  fire(type: string): void;
}

function element(tagName: string, props: Partial<FakeElement> = {}): FakeElement {
  const listeners: Record<string, Listener[]> = {};
  return {
    tagName,
    attrs: {},
    listeners,
    fire: (type) => {
      for (const l of listeners[type] ?? []) l();
    },
    ...props,
  };
}

interface PageOptions {
  /** The ad element (default: a <div> without media). */
  ad?: FakeElement;
  /** Media inside the ad element (what querySelector finds). */
  media?: FakeElement;
  /** How fetch behaves: answers, is refused (a CSP), or does not exist. */
  fetch?: "ok" | "refused" | "none";
  /** The browser's IntersectionObserver: v2 (trackVisibility), v1, or none. */
  observer?: "v2" | "v1" | "none";
  webdriver?: boolean;
  /** document.currentScript is null (old browsers, scripts run from callbacks). */
  noCurrentScript?: boolean;
}

/** A fake page: one ad element, fake timers, an IntersectionObserver we drive, requests recorded. */
function page(cfg: SnippetConfig, o: PageOptions = {}) {
  const posts: { url: string; body: Record<string, unknown>[] }[] = [];
  const images: string[] = [];
  const timers = new Map<number, { at: number; fn: () => void }>();
  let now = 0;
  let nextTimer = 1;
  let observerCallback: ((entries: unknown[]) => void) | null = null;
  let observed: unknown = null;
  let disconnected = false;
  let mutation: Listener | null = null;
  const docListeners: Listener[] = [];
  const link = { href: `${cfg.endpoint}/c?c=x&to=y&sig=z` };
  const ad = o.ad ?? element("DIV");
  const adDom = withMedia(ad, {
    tagName: ad.tagName,
    hasAttribute: (n: string) => n in ad.attrs,
    getAttribute: (n: string) => ad.attrs[n] ?? null,
    querySelector: () => (o.media ? mediaDom : null),
    querySelectorAll: () => [link],
  });
  const mediaDom = o.media ? withMedia(o.media, { tagName: o.media.tagName }) : null;
  /** `target` with the media element's listeners and live state (getters, read when the tag reads them). */
  function withMedia<T extends object>(e: FakeElement, target: T): T {
    return Object.defineProperties(target, Object.getOwnPropertyDescriptors(mediaProps(e)));
  }
  function mediaProps(e: FakeElement) {
    return {
      addEventListener: (type: string, fn: Listener) => {
        e.listeners[type] = [...(e.listeners[type] ?? []), fn];
      },
      get complete() {
        return e.complete;
      },
      get naturalWidth() {
        return e.naturalWidth;
      },
      get readyState() {
        return e.readyState;
      },
      get paused() {
        return e.paused;
      },
      get ended() {
        return e.ended;
      },
      ...(e.decode ? { decode: e.decode } : {}),
      src: "https://ads.example/creative",
    };
  }
  const script = { previousElementSibling: adDom, getAttribute: () => null, text: snippetScript(cfg) } as Record<string, unknown>;
  const document = {
    currentScript: o.noCurrentScript ? null : script,
    hidden: false,
    addEventListener: (_: string, fn: Listener) => docListeners.push(fn),
    getElementsByTagName: () => [{ getAttribute: () => null, text: "var analytics = 1" }, script],
  };
  const observer = o.observer ?? "v2";
  class IntersectionObserver {
    trackVisibility?: boolean;
    constructor(cb: (entries: unknown[]) => void, options: { trackVisibility?: boolean; delay?: number }) {
      observerCallback = cb;
      if (observer === "v2") {
        assert.equal(options.delay, 100, "trackVisibility needs a delay of at least 100 ms");
        this.trackVisibility = options.trackVisibility === true;
      }
    }
    observe(target: unknown) {
      observed = target;
    }
    disconnect() {
      disconnected = true;
    }
  }
  class MutationObserver {
    constructor(cb: Listener) {
      mutation = cb;
    }
    observe() {}
  }
  const fetchFn = (url: string, init: { body: string; keepalive: boolean; mode: string }) => {
    assert.equal(init.keepalive, true);
    assert.equal(init.mode, "no-cors");
    if (o.fetch === "refused") return Promise.reject(new TypeError("Failed to fetch"));
    posts.push({ url, body: JSON.parse(init.body) });
    return Promise.resolve({});
  };
  const window: Record<string, unknown> = {
    crypto: { randomUUID: () => "11111111-2222-3333-4444-555555555555" },
    ...(observer === "none" ? {} : { IntersectionObserver }),
    ...(o.fetch === "none" ? {} : { fetch: fetchFn }),
    performance: { getEntriesByName: () => [] },
  };
  const sandbox = {
    window,
    document,
    navigator: { webdriver: o.webdriver ?? false },
    crypto: window.crypto,
    IntersectionObserver,
    MutationObserver,
    fetch: fetchFn,
    performance: window.performance,
    Image: class {
      set src(v: string) {
        images.push(v);
      }
    },
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(nextTimer, { at: now + ms, fn });
      return nextTimer++;
    },
    clearTimeout: (id: number) => timers.delete(id),
    JSON,
    Date,
    Math,
    encodeURIComponent,
  };
  runInNewContext(script.text as string, sandbox);
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  /** The observer reports the ad: `ratio` of it in view, its box, and (v2) whether nothing covers it. */
  const see = (ratio: number, box = { width: 300, height: 250 }, isVisible = true) => observerCallback?.([{ intersectionRatio: ratio, boundingClientRect: box, isVisible }]);
  const setHidden = (h: boolean) => {
    document.hidden = h;
    for (const l of docListeners) l();
  };
  const setState = (state: string) => {
    ad.attrs["data-cpi-state"] = state;
    mutation?.();
  };
  const types = () => posts.map((p) => p.body[0]?.t);
  return { posts, images, types, advance, see, setHidden, setState, link, observed: () => observed, disconnected: () => disconnected, script };
}

const flush = () => new Promise((r) => setImmediate(r));

test("the script is small and the tag escapes what it embeds", () => {
  assert.ok(Buffer.byteLength(snippetScript(config)) < 3072, `${Buffer.byteLength(snippetScript(config))} bytes`);
  const hostile = snippetTag({ ...config, campaign: '</script><script>alert(1)</script>"&' });
  assert.equal(hostile.match(/<\/script>/g)?.length, 1, "the campaign cannot close the script element");
  assert.match(hostile, /c=%3C%2Fscript%3E/);
  assert.doesNotMatch(hostile.slice(hostile.indexOf("<noscript>")), /"&"/);
  assert.match(tagId(config), /^cpi-[0-9a-f]{12}$/);
  assert.equal(tagId(config), tagId({ ...config }), "the same settings give the same tag id");
  assert.notEqual(tagId(config), tagId({ ...config, placement: "other" }));
});

test("impression on render, measured by IntersectionObserver v2; viewable after ≥ 50 % in view for 1 continuous second, once", () => {
  const p = page(config);
  assert.deepEqual(p.posts, [
    {
      url: "https://t.example.com/e",
      body: [{ t: "impression", c: "Launch Q4", cr: "Visual A", p: "news-site", id: "11111111-2222-3333-4444-555555555555", m: 1, mm: "io-v2" }],
    },
  ]);
  assert.equal(p.link.href.endsWith("&id=11111111-2222-3333-4444-555555555555"), true, "click links carry the impression id");
  p.see(0.6);
  p.advance(900);
  p.see(0.4); // dropped below 50 % before a full second: the clock restarts
  p.advance(500);
  p.see(0.7);
  p.advance(999);
  assert.deepEqual(p.types(), ["impression"]);
  p.advance(1);
  assert.deepEqual(p.types(), ["impression", "viewable"]);
  assert.equal(p.posts[1]?.body[0]?.mm, "io-v2");
  assert.equal(p.disconnected(), true);
  p.see(0.2);
  p.see(0.9);
  p.advance(5000);
  assert.equal(p.posts.length, 2, "viewable is sent once");
});

test("covered or transparent (v2 isVisible false) is out of view; a hidden page too; large ads by their box", () => {
  const covered = page(config);
  covered.see(1, { width: 300, height: 250 }, false);
  covered.advance(3000);
  assert.deepEqual(covered.types(), ["impression"]);

  const p = page(config);
  p.see(1);
  p.advance(500);
  p.setHidden(true);
  p.advance(2000);
  assert.equal(p.posts.length, 1);
  p.setHidden(false);
  p.advance(1000);
  assert.equal(p.posts.length, 2);

  // The area comes from the observer's box, not from the element's size when the tag ran (0×0 before load).
  const large = page(config);
  large.see(0.35, { width: 970, height: 250 });
  large.advance(1000);
  assert.deepEqual(large.types(), ["impression", "viewable"]);
  const small = page(config);
  small.see(0.35);
  small.advance(3000);
  assert.deepEqual(small.types(), ["impression"]);
});

test("measurable only when measurement started: no IntersectionObserver → unmeasured; v1 is recorded as such", () => {
  const none = page(config, { observer: "none" });
  assert.deepEqual(none.posts[0]?.body[0], { t: "impression", c: "Launch Q4", cr: "Visual A", p: "news-site", id: "11111111-2222-3333-4444-555555555555" });
  const v1 = page(config, { observer: "v1" });
  assert.equal(v1.posts[0]?.body[0]?.mm, "io-v1");
  v1.see(1, { width: 300, height: 250 }, false); // v1 has no isVisible: only geometry counts
  v1.advance(1000);
  assert.deepEqual(v1.types(), ["impression", "viewable"]);
});

test("delivery: fetch (keepalive) first; refused (CSP) or missing → an image request; automation is flagged", async () => {
  const refused = page(config, { fetch: "refused", webdriver: true });
  await flush();
  assert.equal(refused.images.length, 1);
  assert.match(refused.images[0] ?? "", /^https:\/\/t\.example\.com\/i\.gif\?c=Launch%20Q4&cr=Visual%20A&p=news-site&id=11111111-2222-3333-4444-555555555555&wd=1&m=1&mm=io-v2$/);
  refused.see(1);
  refused.advance(1000);
  await flush();
  assert.match(refused.images[1] ?? "", /^https:\/\/t\.example\.com\/v\.gif\?/);

  const old = page(config, { fetch: "none" });
  assert.equal(old.images.length, 1, "without fetch the image is sent at once");
});

test("the impression waits for the creative: an image's load, never its error; a video's first frame", () => {
  const img = element("IMG", { complete: false, naturalWidth: 0 });
  const p = page(config, { ad: img });
  assert.equal(p.posts.length, 0, "nothing while the image loads");
  p.see(1);
  p.advance(3000);
  assert.equal(p.posts.length, 0);
  Object.assign(img, { complete: true, naturalWidth: 300 });
  img.fire("load");
  assert.deepEqual(p.types(), ["impression"]);
  assert.equal((p.observed() as { tagName: string }).tagName, "IMG", "the creative itself is observed");

  const broken = element("IMG", { complete: true, naturalWidth: 0 });
  const b = page(config, { ad: broken });
  broken.fire("error");
  b.see(1);
  b.advance(3000);
  assert.equal(b.posts.length, 0, "a creative that failed records nothing");

  const cached = page(config, { media: element("IMG", { complete: true, naturalWidth: 300 }) });
  assert.deepEqual(cached.types(), ["impression"], "an image loaded before the tag ran counts at once");
});

test("an image complete before the tag ran but without a natural size counts once it decodes; a broken one never", async () => {
  const svg = element("IMG", { complete: true, naturalWidth: 0, decode: () => Promise.resolve() });
  const p = page(config, { ad: svg });
  assert.equal(p.posts.length, 0);
  await flush();
  assert.deepEqual(p.types(), ["impression"]);
  const broken = element("IMG", { complete: true, naturalWidth: 0, decode: () => Promise.reject(new Error("EncodingError")) });
  const b = page(config, { ad: broken });
  await flush();
  assert.equal(b.posts.length, 0);
});

test("video: 2 s of continuous play with ≥ 50 % in view; a pause restarts the clock; never played → not viewable", () => {
  const video = { ...config, video: true };
  const v = element("VIDEO", { readyState: 4, paused: true, ended: false });
  const p = page(video, { media: v });
  assert.deepEqual(p.types(), ["impression"]);
  p.see(0.8);
  p.advance(5000);
  assert.deepEqual(p.types(), ["impression"], "in view, but never played");
  v.paused = false;
  v.fire("play");
  p.advance(1500);
  v.paused = true;
  v.fire("pause");
  p.advance(1000);
  v.paused = false;
  v.fire("play");
  p.advance(1999);
  assert.deepEqual(p.types(), ["impression"]);
  p.advance(1);
  assert.deepEqual(p.types(), ["impression", "viewable"]);

  const notYet = element("VIDEO", { readyState: 0, paused: true });
  const q = page(video, { media: notYet });
  assert.equal(q.posts.length, 0);
  notYet.readyState = 2;
  notYet.fire("loadeddata");
  assert.deepEqual(q.types(), ["impression"]);

  const player = page(video); // a <div> player without signals: play cannot be seen, so it is not measured
  assert.deepEqual(player.posts[0]?.body[0]?.m, undefined);
});

test("the page signals render and play (data-cpi-state)", () => {
  const ad = element("DIV");
  ad.attrs["data-cpi-state"] = "loading";
  const p = page({ ...config, video: true }, { ad });
  assert.equal(p.posts.length, 0);
  p.setState("paused");
  assert.deepEqual(p.types(), ["impression"]);
  p.see(1);
  p.advance(3000);
  assert.deepEqual(p.types(), ["impression"]);
  p.setState("playing");
  p.advance(2000);
  assert.deepEqual(p.types(), ["impression", "viewable"]);
});

test("no document.currentScript: the tag finds its own <script> by its id", () => {
  const p = page(config, { noCurrentScript: true });
  assert.deepEqual(p.types(), ["impression"]);
  assert.equal(p.script.cpi, 1, "the script is claimed, so a second identical tag takes the next one");
});

test("cpi snippet prints the tag, the CSP it needs, the <img> fallback and a signed click URL", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "snippet", "--endpoint", "https://t.example.com/", "--campaign", "Launch Q4", "--placement", "news", "--click-url", "https://shop.example/q4", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { tag: string; img: string; script_bytes: number; click_url: string; csp: string; tag_id: string };
  assert.ok(o.script_bytes < 3072);
  assert.match(o.img, /^<img src="https:\/\/t\.example\.com\/i\.gif\?c=Launch%20Q4&amp;p=news"/);
  assert.match(o.click_url, /^https:\/\/t\.example\.com\/c\?c=Launch\+Q4&p=news&to=https%3A%2F%2Fshop\.example%2Fq4&sig=[\w-]{22}$/);
  assert.match(o.csp, /^script-src 'sha256-[A-Za-z0-9+/]{43}='; connect-src https:\/\/t\.example\.com; img-src https:\/\/t\.example\.com$/);
  assert.match(o.tag_id, /^cpi-[0-9a-f]{12}$/);

  const js = await cpi(dir, "snippet", "--endpoint", "https://t.example.com", "--campaign", "Launch Q4", "--placement", "news", "--format", "js");
  assert.equal(js.stdout, `${JSON.parse((await cpi(dir, "snippet", "--endpoint", "https://t.example.com", "--campaign", "Launch Q4", "--placement", "news", "--format", "json")).stdout).script}\n`);
  const ext = await cpi(dir, "snippet", "--endpoint", "https://t.example.com", "--campaign", "Launch Q4", "--script-src", "https://cdn.example/cpi.js");
  assert.equal(ext.code, 0, ext.stderr);
  assert.match(ext.stdout, /<script src="https:\/\/cdn\.example\/cpi\.js" data-cpi-tag="cpi-[0-9a-f]{12}"><\/script><noscript>/);
  assert.match(ext.stdout, /must allow: script-src https:\/\/cdn\.example; connect-src https:\/\/t\.example\.com; img-src https:\/\/t\.example\.com -->/);

  for (const bad of [
    ["--endpoint", "ftp://x", "--campaign", "a"],
    ["--endpoint", "https://t.example.com", "--campaign", "a", "--script-src", "cpi.js"],
    ["--endpoint", "https://t.example.com", "--campaign", "a", "--format", "xml"],
  ]) {
    const b = await cpi(dir, "snippet", ...bad);
    assert.equal(b.code, 2, bad.join(" "));
    assert.match(b.stderr, /--endpoint|--script-src|--format/);
  }
});
