// The tracking snippet: size, escaping, and its MRC viewability behaviour in a simulated page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { type SnippetConfig, snippetScript, snippetTag } from "../../src/http/snippet/snippet-source.js";
import { cpi, tempDir } from "../helpers.js";

const config: SnippetConfig = { endpoint: "https://t.example.com", campaign: "Launch Q4", creative: "Visual A", placement: "news-site", video: false };

/** A fake page: one ad element, fake timers, an IntersectionObserver we drive, sendBeacon recorded. */
function page(cfg: SnippetConfig, opts: { width?: number; height?: number; beacon?: boolean; webdriver?: boolean } = {}) {
  const beacons: { url: string; body: unknown[] }[] = [];
  const images: string[] = [];
  const timers = new Map<number, { at: number; fn: () => void }>();
  let now = 0;
  let nextTimer = 1;
  let observerCallback: ((entries: { intersectionRatio: number }[]) => void) | null = null;
  let disconnected = false;
  const listeners: (() => void)[] = [];
  const link = { href: `${cfg.endpoint}/c?c=x&to=y&sig=z` };
  const el = { offsetWidth: opts.width ?? 300, offsetHeight: opts.height ?? 250, querySelectorAll: () => [link] };
  const document = { currentScript: { previousElementSibling: el }, hidden: false, addEventListener: (_: string, fn: () => void) => listeners.push(fn) };
  const window: Record<string, unknown> = {
    crypto: { randomUUID: () => "11111111-2222-3333-4444-555555555555" },
    IntersectionObserver: class {
      constructor(cb: (entries: { intersectionRatio: number }[]) => void) {
        observerCallback = cb;
      }
      observe() {}
      disconnect() {
        disconnected = true;
      }
    },
  };
  const sandbox = {
    window,
    document,
    crypto: window.crypto,
    IntersectionObserver: window.IntersectionObserver,
    navigator: { webdriver: opts.webdriver ?? false, ...(opts.beacon === false ? {} : { sendBeacon: (url: string, body: string) => beacons.push({ url, body: JSON.parse(body) }) > 0 }) },
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
  runInNewContext(snippetScript(cfg), sandbox);
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
  const see = (ratio: number) => observerCallback?.([{ intersectionRatio: ratio }]);
  const setHidden = (h: boolean) => {
    document.hidden = h;
    for (const l of listeners) l();
  };
  return { beacons, images, advance, see, setHidden, link, disconnected: () => disconnected };
}

test("the script is small and the tag escapes what it embeds", () => {
  assert.ok(Buffer.byteLength(snippetScript(config)) < 2048, `${Buffer.byteLength(snippetScript(config))} bytes`);
  const hostile = snippetTag({ ...config, campaign: '</script><script>alert(1)</script>"&' });
  assert.equal(hostile.match(/<\/script>/g)?.length, 1, "the campaign cannot close the script element");
  assert.match(hostile, /c=%3C%2Fscript%3E/);
  assert.doesNotMatch(hostile.slice(hostile.indexOf("<noscript>")), /"&"/);
});

test("impression on render, once; viewable after ≥ 50 % in view for 1 continuous second, once", () => {
  const p = page(config);
  assert.equal(p.beacons.length, 1);
  assert.equal(p.beacons[0]?.url, "https://t.example.com/e");
  assert.deepEqual(p.beacons[0]?.body, [{ t: "impression", c: "Launch Q4", cr: "Visual A", p: "news-site", id: "11111111-2222-3333-4444-555555555555", m: 1 }]);
  assert.equal(p.link.href.endsWith("&id=11111111-2222-3333-4444-555555555555"), true, "click links carry the impression id");
  p.see(0.6);
  p.advance(900);
  p.see(0.4); // dropped below 50 % before a full second: the clock restarts
  p.advance(500);
  p.see(0.7);
  p.advance(999);
  assert.equal(p.beacons.length, 1);
  p.advance(1);
  assert.equal(p.beacons.length, 2);
  assert.equal((p.beacons[1]?.body[0] as { t: string } | undefined)?.t, "viewable");
  assert.equal(p.disconnected(), true);
  p.see(0.2);
  p.see(0.9);
  p.advance(5000);
  assert.equal(p.beacons.length, 2, "viewable is sent once");
});

test("a hidden page does not count as in view; video needs 2 s; large ads 30 %; no sendBeacon → image", () => {
  const p = page(config);
  p.see(1);
  p.advance(500);
  p.setHidden(true);
  p.advance(2000);
  assert.equal(p.beacons.length, 1);
  p.setHidden(false);
  p.advance(1000);
  assert.equal(p.beacons.length, 2);

  const v = page({ ...config, video: true });
  v.see(0.8);
  v.advance(1999);
  assert.equal(v.beacons.length, 1);
  v.advance(1);
  assert.equal(v.beacons.length, 2);

  const large = page(config, { width: 970, height: 250 });
  large.see(0.35);
  large.advance(1000);
  assert.equal(large.beacons.length, 2);

  const old = page(config, { beacon: false, webdriver: true });
  assert.equal(old.images.length, 1);
  assert.match(old.images[0] ?? "", /^https:\/\/t\.example\.com\/i\.gif\?c=Launch%20Q4&cr=Visual%20A&p=news-site&id=11111111-2222-3333-4444-555555555555&m=1&wd=1$/);
});

test("cpi snippet prints the tag, the <img> fallback and a signed click URL", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "snippet", "--endpoint", "https://t.example.com/", "--campaign", "Launch Q4", "--placement", "news", "--click-url", "https://shop.example/q4", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { tag: string; img: string; script_bytes: number; click_url: string };
  assert.ok(o.script_bytes < 2048);
  assert.match(o.img, /^<img src="https:\/\/t\.example\.com\/i\.gif\?c=Launch%20Q4&amp;p=news"/);
  assert.match(o.click_url, /^https:\/\/t\.example\.com\/c\?c=Launch\+Q4&p=news&to=https%3A%2F%2Fshop\.example%2Fq4&sig=[\w-]{22}$/);
  const bad = await cpi(dir, "snippet", "--endpoint", "ftp://x", "--campaign", "a");
  assert.equal(bad.code, 2);
});
