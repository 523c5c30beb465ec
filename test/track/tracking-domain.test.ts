// Unit tests of the pure tracking pieces: hit validation, invalid traffic, viewability, contract costs,
// zoned days, the log line format.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkClickTarget, signClickTarget } from "../../src/app/track/click-target.js";
import { RateLimiter } from "../../src/app/track/rate-limit.js";
import { TrackingRecorder } from "../../src/app/track/recorder.js";
import { SeenIds } from "../../src/app/track/seen-ids.js";
import { DailyVisitorKeys } from "../../src/app/track/visitor-key.js";
import { type Contract, contractCost, contractWindowUtc, overlappingContract } from "../../src/domain/tracking/contract.js";
import { decodeEventLine, encodeEventLine, type HitFields, type TrackedEvent } from "../../src/domain/tracking/event.js";
import { eventBatch, hitFields } from "../../src/domain/tracking/hit-fields.js";
import { deviceClass, invalidReason, visitorKeyInput } from "../../src/domain/tracking/invalid-traffic.js";
import { MRC_DISPLAY, MRC_VIDEO, viewabilityRule, viewableAt } from "../../src/domain/tracking/viewability.js";
import { zonedDayStartUtc, zonedIsoDate } from "../../src/domain/tracking/zoned-time.js";

test("hit fields: campaign required, lengths and characters checked, flags read", () => {
  const h = hitFields((n) => ({ c: "Launch Q4", cr: "Visual A", p: "news", id: "abc-1", m: "1" })[n], "impression");
  assert.deepEqual(h, { type: "impression", campaign: "Launch Q4", creative: "Visual A", placement: "news", impression_id: "abc-1", measurable: true, webdriver: false });
  assert.throws(() => hitFields(() => undefined, "impression"), /c \(campaign\) is required/);
  assert.throws(() => hitFields((n) => (n === "c" ? "x".repeat(201) : undefined), "impression"), /longer than 200/);
  assert.throws(() => hitFields((n) => (n === "c" ? "a\u0001b" : undefined), "impression"), /control characters/);
  assert.throws(() => hitFields((n) => ({ c: "x", id: "a b" })[n], "impression"), /impression id/);
  assert.throws(() => hitFields((n) => (n === "c" ? 5 : undefined), "click"), /must be text/);
  const measured = hitFields((n) => ({ c: "Launch Q4", m: 1, mm: "io-v2" })[n], "viewable");
  assert.deepEqual([measured.measurable, measured.measurement], [true, "io-v2"]);
  assert.throws(() => hitFields((n) => ({ c: "x", mm: "eyeballs" })[n], "impression"), /mm \(measurement\) must be io-v1 or io-v2/);
  assert.throws(() => eventBatch([{ t: "impression", c: "x", mm: 2 }], 100), /event 0: mm \(measurement\)/);
});

test("event batches: an array of known events, all or nothing", () => {
  assert.equal(eventBatch([{ t: "impression", c: "a" }, { t: "viewable", c: "a", id: "x" }], 100).length, 2);
  assert.throws(() => eventBatch({ t: "impression" }, 100), /JSON array/);
  assert.throws(() => eventBatch([], 100), /no events/);
  assert.throws(() => eventBatch([{ t: "hover", c: "a" }], 100), /unknown event type/);
  assert.throws(() => eventBatch([{ t: "click", c: "a" }, 7], 100), /event 1 is not an object/);
  assert.throws(() => eventBatch(Array.from({ length: 101 }, () => ({ t: "click", c: "a" })), 100), /at most 100/);
});

test("invalid traffic: prefetch, automation, headless, bots, empty user agents", () => {
  const s = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0", purpose: "", clientHints: "", webdriver: false };
  const bots = (ua: string) => /bot/i.test(ua);
  assert.equal(invalidReason(s, bots), null);
  assert.equal(invalidReason({ ...s, purpose: "prefetch" }, bots), "prefetch");
  assert.equal(invalidReason({ ...s, purpose: "preview" }, bots), "prefetch");
  assert.equal(invalidReason({ ...s, webdriver: true }, bots), "automation");
  assert.equal(invalidReason({ ...s, userAgent: "Mozilla/5.0 HeadlessChrome/124.0" }, bots), "headless");
  assert.equal(invalidReason({ ...s, clientHints: '"HeadlessChrome";v="124"' }, bots), "headless");
  assert.equal(invalidReason({ ...s, userAgent: "Googlebot/2.1" }, bots), "bot_user_agent");
  assert.equal(invalidReason({ ...s, userAgent: "" }, bots), "bot_user_agent");
  assert.equal(deviceClass("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"), "mobile");
  assert.equal(deviceClass("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"), "tablet");
  assert.equal(deviceClass("Mozilla/5.0 (Linux; Android 14; Pixel 8)"), "tablet");
  assert.equal(deviceClass("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari"), "mobile");
  assert.equal(deviceClass("Mozilla/5.0 (Windows NT 10.0; Win64; x64)"), "desktop");
  assert.equal(visitorKeyInput("::ffff:203.0.113.9", "UA"), "203.0.113.9\u0000UA");
});

test("visitor keys: stable within a UTC day, new salt the next day, never the input", () => {
  let n = 0;
  const keys = new DailyVisitorKeys((size) => Buffer.alloc(size, ++n));
  const day = Date.UTC(2026, 9, 1, 10);
  const a = keys.key("203.0.113.9", "UA", day);
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.equal(keys.key("::ffff:203.0.113.9", "UA", day + 3_600_000), a);
  assert.notEqual(keys.key("203.0.113.10", "UA", day), a);
  assert.notEqual(keys.key("203.0.113.9", "UA", day + 86_400_000), a);
});

test("MRC viewability: ≥ 50 % for ≥ 1 s continuously (2 s for video, 30 % for large ads)", () => {
  assert.equal(viewableAt([{ t: 0, fraction: 0.6 }, { t: 1500, fraction: 0 }], MRC_DISPLAY), 1000);
  assert.equal(viewableAt([{ t: 0, fraction: 0.6 }, { t: 900, fraction: 0.2 }, { t: 1000, fraction: 0.7 }, { t: 1800, fraction: 0 }], MRC_DISPLAY), null);
  assert.equal(viewableAt([{ t: 0, fraction: 0.49 }], MRC_DISPLAY, 10_000), null);
  assert.equal(viewableAt([{ t: 100, fraction: 1 }], MRC_VIDEO, 2000), null);
  assert.equal(viewableAt([{ t: 100, fraction: 1 }], MRC_VIDEO, 2100), 2100);
  assert.equal(viewabilityRule(false, 970 * 250).minFraction, 0.3);
  assert.equal(viewabilityRule(true, 970 * 250).minMs, 2000);
});

const base: Contract = { id: 1, campaign: "Launch Q4", placement: "news", pricing: "flat", amount: 5_000_000_000n, currency: "USD", from: "2026-10-01", to: "2026-10-31", timezone: "UTC" };

test("contract costs: flat spread over the flight's impressions, CPM and CPC per unit, exact micros", () => {
  assert.equal(contractCost(base, { impressions: 500_000, clicks: 0 }, { impressions: 500_000, clicks: 0 }), 5_000_000_000n);
  assert.equal(contractCost(base, { impressions: 1, clicks: 0 }, { impressions: 3, clicks: 0 }), 1_666_666_667n);
  assert.equal(contractCost(base, { impressions: 0, clicks: 0 }, { impressions: 0, clicks: 0 }), 0n);
  assert.equal(contractCost({ pricing: "cpm", amount: 10_000_000n }, { impressions: 1234, clicks: 0 }, { impressions: 0, clicks: 0 }), 12_340_000n);
  assert.equal(contractCost({ pricing: "cpc", amount: 500_000n }, { impressions: 10, clicks: 7 }, { impressions: 0, clicks: 0 }), 3_500_000n);
});

test("contract flights: days in the contract's zone; overlaps of the same campaign and placement refused", () => {
  const ny = contractWindowUtc({ ...base, timezone: "America/New_York" });
  assert.equal(ny.start, Date.UTC(2026, 9, 1, 4));
  assert.equal(ny.end, Date.UTC(2026, 10, 1, 4));
  assert.equal(overlappingContract([base], { ...base, from: "2026-10-31", to: "2026-11-30" })?.id, 1);
  assert.equal(overlappingContract([base], { ...base, from: "2026-11-01", to: "2026-11-30" }), null);
  assert.equal(overlappingContract([base], { ...base, placement: "sports" }), null);
  assert.equal(overlappingContract([base], { ...base, placement: "" })?.id, 1);
});

test("zoned days across daylight-saving changes", () => {
  assert.equal(zonedDayStartUtc("2026-03-08", "America/New_York"), Date.UTC(2026, 2, 8, 5));
  assert.equal(zonedDayStartUtc("2026-03-09", "America/New_York"), Date.UTC(2026, 2, 9, 4));
  assert.equal(zonedDayStartUtc("2026-10-25", "Europe/Berlin"), Date.UTC(2026, 9, 24, 22));
  assert.equal(zonedIsoDate(Date.UTC(2026, 9, 1, 2), "America/New_York"), "2026-09-30");
  assert.equal(zonedIsoDate(Date.UTC(2026, 9, 1, 2), "Asia/Kathmandu"), "2026-10-01");
});

test("log lines round-trip, including awkward text", () => {
  const e: TrackedEvent = { ts: 1_790_000_000_123, type: "viewable", impression_id: "x:1", campaign: 'Q4 "launch"\n,é', creative: "", placement: "news", visitor: "0123456789abcdef", country: "DE", device: "mobile", measurable: true, reason: "duplicate_id" };
  const line = encodeEventLine(e);
  assert.equal(line.endsWith("\n"), true);
  assert.equal(line.slice(0, -1).includes("\n"), false);
  assert.deepEqual(decodeEventLine(line.slice(0, -1)), e);
  assert.equal(decodeEventLine("[1,2"), null);
  assert.equal(decodeEventLine('[1,"q"]'), null);
  // A measurement is a 12th element; lines without one read as before (logs written by older versions).
  const measured: TrackedEvent = { ...e, reason: "", measurement: "io-v1" };
  assert.equal(encodeEventLine({ ...e, measurement: "" }), line);
  assert.deepEqual(JSON.parse(encodeEventLine(measured)).length, 12);
  assert.deepEqual(decodeEventLine(encodeEventLine(measured).slice(0, -1)), measured);
  assert.equal(decodeEventLine(encodeEventLine(measured).replace('"io-v1"', '"io-v9"')), null);
  // The line is built without JSON.stringify of the whole array, yet is exactly that text, whatever the names hold.
  for (const name of ["Launch Q4", 'say "hi"', "back\\slash", "tab\there", "\u0000\u001f\u007f", "é 日本 🚀", "lone \ud800 high", "lone \udc00 low", "\u2028\u2029", ""]) {
    const x: TrackedEvent = { ...measured, campaign: name, creative: `${name}!`, placement: name };
    const fields = [x.ts, "v", x.impression_id, x.campaign, x.creative, x.placement, x.visitor, x.country, x.device, 1, x.reason, "io-v1"];
    assert.equal(encodeEventLine(x), `${JSON.stringify(fields)}\n`, JSON.stringify(name));
    assert.deepEqual(decodeEventLine(encodeEventLine(x).slice(0, -1)), x);
  }
});

test("duplicate ids as fingerprints: 1M distinct ids are all new, every repeat is caught, two generations are remembered", () => {
  const n = 1_000_000;
  const seen = new SeenIds(n);
  // Ids as clients make them: counters, UUID-like and short ones, differing in one character.
  const id = (i: number) => (i % 3 === 0 ? `b${i}` : i % 3 === 1 ? `${(i * 2654435761) >>> 0}-4e2f-${i.toString(36)}` : `x${i.toString(36)}`);
  let wrong = 0;
  for (let i = 0; i < n; i++) if (seen.checkAndAdd("impression", id(i))) wrong++;
  assert.equal(wrong, 0, "no new id is taken for a duplicate");
  let caught = 0;
  for (let i = 0; i < n; i += 7) if (seen.checkAndAdd("impression", id(i))) caught++;
  assert.equal(caught, Math.ceil(n / 7), "every repeat is a duplicate");
  assert.equal(seen.checkAndAdd("click", id(5)), false, "the type is part of the key");
  const small = new SeenIds(2);
  for (const x of ["a", "b", "c", "d"]) small.checkAndAdd("impression", x);
  assert.equal(small.checkAndAdd("impression", "c"), true, "the previous generation is remembered");
  small.checkAndAdd("impression", "e");
  small.checkAndAdd("impression", "f");
  small.checkAndAdd("impression", "g");
  assert.equal(small.checkAndAdd("impression", "a"), false, "older ones are forgotten: memory stays bounded");
  small.forget("impression", "a");
  assert.equal(small.checkAndAdd("impression", "a"), false, "a forgotten id (its write failed) counts again");
  assert.equal(small.checkAndAdd("impression", ""), false);
  assert.equal(small.checkAndAdd("impression", ""), true);
});

test("rate limits, duplicate ids and click targets", () => {
  const rl = new RateLimiter(3);
  assert.equal(rl.admit("a", 2, 1000), 2);
  assert.equal(rl.admit("a", 2, 1500), 1, "one of two is within the limit");
  assert.equal(rl.admit("a", 1, 1600), 0, "what was over it still counts");
  assert.equal(rl.admit("b", 3, 1500), 3);
  assert.equal(rl.admit("a", 3, 2000), 3, "a new second");
  assert.equal(new RateLimiter(0).admit("a", 1e9, 0), 1e9);
  const seen = new SeenIds(2);
  assert.equal(seen.checkAndAdd("impression", "1"), false);
  assert.equal(seen.checkAndAdd("impression", "1"), true);
  assert.equal(seen.checkAndAdd("viewable", "1"), false);
  assert.equal(seen.checkAndAdd("impression", "2"), false);
  assert.equal(seen.checkAndAdd("impression", "1"), true, "still remembered in the previous generation");
  const secret = Buffer.alloc(32, 7);
  const to = "https://shop.example/landing?x=1";
  assert.equal(checkClickTarget(to, signClickTarget(to, secret), secret, []), to);
  assert.throws(() => checkClickTarget(to, "A".repeat(22), secret, []), /signature/);
  assert.equal(checkClickTarget("https://www.shop.example/", undefined, secret, ["shop.example"]), "https://www.shop.example/");
  assert.throws(() => checkClickTarget("https://evil.example/", undefined, secret, ["shop.example"]), /neither signed/);
  assert.throws(() => checkClickTarget("https://shop.example.evil.example/", undefined, secret, ["shop.example"]), /neither signed/);
  assert.throws(() => checkClickTarget("javascript:alert(1)", undefined, secret, ["shop.example"]), /http or https/);
});

test("over the rate limits, events are recorded as invalid 'rate', a flooding visitor does not use up its address, a beacon flood is refused", () => {
  const logged: string[] = [];
  const sink = {
    append: (lines: string, done: (err: Error | null) => void) => {
      logged.push(lines);
      done(null);
    },
  };
  const recorder = new TrackingRecorder(sink, { ipPerSecond: 5, visitorPerSecond: 2, floodPerSecond: 6 });
  const ua = (n: number) => `Mozilla/5.0 (X11; Linux x86_64) Chrome/${n}.0`;
  const ctx = (agent: string) => ({ ip: "192.0.2.1", userAgent: agent, purpose: "", clientHints: "", webdriver: false, country: "", now: 5_000 });
  const hit = (id: string): HitFields => ({ type: "impression", impression_id: id, campaign: "c", creative: "", placement: "", measurable: false, webdriver: false });
  const reasons: string[] = [];
  const keep = (_e: Error | null, events: TrackedEvent[]) => reasons.push(...events.map((e) => e.reason || "ok"));
  // One visitor sends 4: 2 within its limit, 2 over it (kept, as invalid).
  recorder.record([hit("a1"), hit("a2"), hit("a3"), hit("a4")], ctx(ua(1)), keep);
  // Others behind the same address: the address's 5 are not used up by the first visitor's excess.
  for (const [i, agent] of [ua(2), ua(3)].entries()) recorder.record([hit(`b${i}1`), hit(`b${i}2`)], ctx(agent), keep);
  assert.deepEqual(reasons, ["ok", "ok", "rate", "rate", "ok", "ok", "ok", "rate"]);
  assert.deepEqual(recorder.stats, { recorded: 5, invalid: 3, rateLimited: 3 });
  assert.equal(logged.join("").split("\n").filter(Boolean).length, 8, "every event is in the log");
  // Beacons: past --flood-rate a batch is refused whole, and nothing is logged.
  recorder.record([hit("f1"), hit("f2"), hit("f3"), hit("f4")], ctx(ua(4)), keep, { beacon: true });
  assert.throws(() => recorder.record([hit("f5"), hit("f6"), hit("f7")], ctx(ua(5)), keep, { beacon: true }), /too many events from this address/);
  assert.equal(logged.join("").split("\n").filter(Boolean).length, 12, "the first batch was logged, the refused one not");
});
