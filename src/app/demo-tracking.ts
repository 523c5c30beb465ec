// First-party events for the demo store: what cpi's own tag would have counted on the direct banner
// "Launch Q4" during its last week. Hits are simulated (seeded, so every demo store is the same) and go
// through the tracking server's own recorder (visitor keys, invalid traffic, duplicate ids) and then
// Store.appendTrackedEvents, as the server's loader writes its log.
import type { IsoDate } from "../domain/dates.js";
import { mulberry32 } from "../domain/stats/random.js";
import type { HitFields, InvalidReason, TrackedEvent } from "../domain/tracking/event.js";
import { zonedDayStartUtc } from "../domain/tracking/zoned-time.js";
import type { Store } from "../store/store.js";
import { runReport } from "./report.js";
import { addContract } from "./track/contracts.js";
import { type HitContext, TrackingRecorder } from "./track/recorder.js";
import { DailyVisitorKeys } from "./track/visitor-key.js";

/** The tracked campaign, its week and the flat fee its publishers invoiced for that week. */
export const DEMO_TRACKING = { campaign: "Launch Q4", from: "2026-11-09" as IsoDate, to: "2026-11-15" as IsoDate, flatFee: "812.50", logId: "cpi-demo" } as const;

/** Days whose tracked count misses the publisher's by more than the 10 % tolerance, and why. */
const OUTLIERS: Record<string, number> = {
  // A page-template release dropped the tag from the article pages for an afternoon.
  "2026-11-11\u0000industry-news.example / leaderboard": -0.17,
  // The publisher's ad server lost an hour of its own log; the tag counted it.
  "2026-11-13\u0000trade-journal.example / sidebar": 0.13,
  // A consent-banner change delayed the tag until the visitor's first click.
  "2026-11-14\u0000expo-guide.example / banner": -0.12,
};

/** Viewable share of measurable impressions by site (a leaderboard sits above the fold). */
const VIEWABLE: Record<string, number> = { "industry-news.example": 0.66, "trade-journal.example": 0.49, "expo-guide.example": 0.57 };

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
];
/** Cumulative shares of USER_AGENTS: most readers of trade sites are at a desk. */
const UA_CUMULATIVE = [0.34, 0.5, 0.58, 0.78, 0.94, 1];
const COUNTRIES = ["US", "US", "US", "US", "US", "US", "US", "CA", "GB", "DE"];
const BOT_USER_AGENTS = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"];
const HEADLESS_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36";
/** Readers by UTC hour (a North American audience: busy in its office hours). */
const HOURS = [3, 2, 2, 1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3];

interface Hit {
  ctx: HitContext;
  fields: HitFields;
}

/** Reported impressions of one day × placement × creative. */
export interface ReportedCell {
  day: IsoDate;
  placement: string;
  creative: string;
  impressions: number;
}

export interface DemoTrackingOutcome {
  events: number;
  impressions: number;
  invalid: Partial<Record<InvalidReason, number>>;
}

/**
 * The hits a week of tracking would have received, given what the publishers reported: per site and
 * day a few percent fewer impressions than reported (ad blockers, readers gone before the tag fired),
 * the OUTLIERS days far off, viewable and click hits following their impressions, ~3 % of impressions
 * from noscript pixels (not measurable), and invalid traffic (bots, headless browsers, prefetches,
 * impressions sent twice). Sorted by time.
 * @example demoTrackingHits(cells, 7).length // ~130,000
 */
export function demoTrackingHits(cells: readonly ReportedCell[], seed: number): Hit[] {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const gaps = new Map<string, number>();
  const hourTotal = HOURS.reduce((s, w) => s + w, 0);
  const hits: Hit[] = [];
  let serial = 0;
  const at = (dayStart: number): number => {
    let u = rand() * hourTotal;
    let h = 0;
    while (h < 23 && u >= (HOURS[h] as number)) u -= HOURS[h++] as number;
    return dayStart + h * 3_600_000 + Math.floor(rand() * 3_600_000);
  };
  const push = (type: HitFields["type"], cell: ReportedCell, id: string, measurable: boolean, ctx: HitContext) =>
    hits.push({ ctx, fields: { type, campaign: DEMO_TRACKING.campaign, creative: cell.creative, placement: cell.placement, impression_id: id, measurable, webdriver: false } });
  const creatives = [...new Set(cells.map((c) => c.creative))].sort();
  for (const cell of cells) {
    const key = `${cell.day}\u0000${cell.placement}`;
    let gap = gaps.get(key);
    if (gap === undefined) {
      gap = OUTLIERS[key] ?? Math.max(-0.07, Math.min(0.04, -0.025 + 0.018 * normal()));
      gaps.set(key, gap);
    }
    const site = cell.placement.split(" / ")[0] ?? "";
    const siteIndex = Object.keys(VIEWABLE).indexOf(site);
    const n = Math.round(cell.impressions * (1 + gap));
    const dayStart = zonedDayStartUtc(cell.day, "UTC");
    // Readers of the day: each site draws from its own part of a shared pool (some read two sites);
    // a few read many pages, most one or two (frequency 1 … 10+). The ad server splits the creatives
    // by reader (an A/B test by visitor): a reader only ever sees one of them.
    const pool = Math.round((n * 1.05) / creatives.length);
    const arm = creatives.indexOf(cell.creative);
    for (let i = 0; i < n; i++) {
      const person = (siteIndex * Math.round(pool * 0.8) + Math.floor(pool * rand() ** 1.7)) * creatives.length + arm;
      // A reader keeps one address and browser all day (one visitor key).
      const u = (Math.imul(person, 2654435761) >>> 0) / 4294967296;
      const ctx: HitContext = {
        ip: `2001:db8::${person.toString(16)}`,
        userAgent: USER_AGENTS[UA_CUMULATIVE.findIndex((c) => u < c)] as string,
        country: COUNTRIES[person % COUNTRIES.length] as string,
        purpose: "",
        clientHints: "",
        webdriver: false,
        now: at(dayStart),
      };
      const id = `${(serial++).toString(16).padStart(6, "0")}${Math.floor(rand() * 0xffffffff).toString(16).padStart(8, "0")}`;
      const measurable = rand() >= 0.03;
      push("impression", cell, id, measurable, ctx);
      if (rand() < 0.003) push("impression", cell, id, measurable, { ...ctx, now: ctx.now + 2_000 }); // sent twice
      if (measurable && rand() < (VIEWABLE[site] ?? 0.5)) push("viewable", cell, id, true, { ...ctx, now: ctx.now + 1_000 + Math.floor(rand() * 20_000) });
      if (rand() < 0.0012) push("click", cell, id, measurable, { ...ctx, now: ctx.now + 4_000 + Math.floor(rand() * 60_000) });
      const r = rand();
      if (r < 0.022) {
        // Invalid traffic beside the reader: a crawler, a headless browser or a link preview.
        const bot: HitContext =
          r < 0.012
            ? { ...ctx, ip: `2001:db8:ffff::${(i % 97).toString(16)}`, userAgent: BOT_USER_AGENTS[i % 2] as string }
            : r < 0.016
              ? { ...ctx, ip: `2001:db8:fffe::${(i % 31).toString(16)}`, userAgent: HEADLESS_USER_AGENT }
              : { ...ctx, purpose: "prefetch" };
        push("impression", cell, `${id}b`, false, { ...bot, now: bot.now + 500 });
      }
    }
  }
  return hits.sort((a, b) => a.ctx.now - b.ctx.now);
}

/**
 * Adds the demo's first-party events and the contract pricing them to a store holding the demo's
 * spend: hits simulated from the reported Launch Q4 week, recorded by the tracking server's recorder
 * (seeded visitor-key salts, so the store is the same every time) and appended as one loaded log.
 * @example await loadDemoTracking(store) // { events: 131_000, impressions: 79_000, invalid: { … } }
 */
export async function loadDemoTracking(store: Store, seed = 20261109): Promise<DemoTrackingOutcome> {
  const { campaign, from, to } = DEMO_TRACKING;
  const reported = await runReport(store, {
    metrics: ["impressions"],
    dimensions: ["day", "placement", "ad"],
    filters: [{ dimension: "campaign", op: "eq", values: [campaign] }],
    from,
    to,
  });
  const cells: ReportedCell[] = reported.rows.map((r) => ({ day: r.keys[0] as IsoDate, placement: r.keys[1] ?? "", creative: r.keys[2] ?? "", impressions: r.totals.impressions }));
  const saltRand = mulberry32(seed ^ 0x5a17);
  const salt = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(saltRand() * 256)));
  const events: TrackedEvent[] = [];
  let bytes = 0;
  const recorder = new TrackingRecorder(
    {
      append(lines, done) {
        bytes += Buffer.byteLength(lines);
        done(null);
      },
    },
    { ipPerSecond: 0, visitorPerSecond: 0, visitorKeys: new DailyVisitorKeys(salt) },
  );
  for (const hit of demoTrackingHits(cells, seed)) {
    recorder.record([hit.fields], hit.ctx, (err, logged) => {
      if (err) throw err;
      events.push(...logged);
    });
  }
  await store.appendTrackedEvents({ logId: DEMO_TRACKING.logId, from: 0, to: bytes, events });
  await addContract(store, { campaign, flat: DEMO_TRACKING.flatFee, currency: "USD", from, to });
  const invalid: DemoTrackingOutcome["invalid"] = {};
  let impressions = 0;
  for (const e of events) {
    if (e.reason !== "") invalid[e.reason] = (invalid[e.reason] ?? 0) + 1;
    else if (e.type === "impression") impressions++;
  }
  return { events: events.length, impressions, invalid };
}
