// Generates the bundled demo data set (demo-data/*.csv) deterministically. Run: npx tsx scripts/make-demo-data.ts
// Several sources, currencies and campaigns over months, including the seed case: "Launch Q4" is a
// $5,000 banner campaign with exactly 500,000 impressions, and its predecessor "Launch Q3" cost
// exactly $0.015 per impression ($4,500 for 300,000 impressions).
import { mkdirSync, writeFileSync } from "node:fs";
import { mulberry32 } from "../src/domain/stats/random.js";

const rnd = mulberry32(20261128);
const noise = (s: number) => 1 + (rnd() * 2 - 1) * s;

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();
const HEADER = "date,source,account,campaign,ad_group,ad,placement,currency,cost,impressions,clicks,conversions,revenue";
const csv = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

interface Line {
  date: string;
  source: string;
  account: string;
  campaign: string;
  ad_group: string;
  ad: string;
  placement: string;
  currency: string;
  costCents: number;
  impressions: number;
  clicks: number;
  conversions: number;
  revenueCents: number;
}
const toRow = (l: Line) =>
  [l.date, l.source, l.account, l.campaign, l.ad_group, l.ad, l.placement, l.currency, (l.costCents / 100).toFixed(2), l.impressions, l.clicks, l.conversions, (l.revenueCents / 100).toFixed(2)]
    .map((x) => csv(String(x)))
    .join(",");

interface Spec {
  source: string;
  account: string;
  currency: string;
  campaign: string;
  ad_group: string;
  ads: string[];
  placement: string;
  from: string;
  to: string;
  dailyBudget: number;
  cpm: number;
  /** CPM drift per month (auction pressure in Q4). */
  cpmDrift: number;
  ctr: number;
  cvr: number;
  aov: number;
}

function platformLines(s: Spec): Line[] {
  const out: Line[] = [];
  for (const date of days(s.from, s.to)) {
    const month = Number(date.slice(5, 7));
    const weekend = weekday(date) === 0 || weekday(date) === 6;
    for (const [i, ad] of s.ads.entries()) {
      const budget = (s.dailyBudget / s.ads.length) * noise(0.35) * (weekend ? 0.8 : 1);
      // Auction pressure: the more a day's budget, the dearer its impressions (diminishing returns).
      const pressure = 0.6 + 0.8 * (budget / (s.dailyBudget / s.ads.length));
      const cpm = s.cpm * (1 + s.cpmDrift * (month - 6)) * noise(0.08) * (1 + i * 0.06) * pressure;
      const impressions = Math.round((budget / cpm) * 1000);
      const clicks = Math.round(impressions * s.ctr * noise(0.2));
      const conversions = Math.round(clicks * s.cvr * noise(0.3));
      out.push({
        date,
        source: s.source,
        account: s.account,
        campaign: s.campaign,
        ad_group: s.ad_group,
        ad,
        placement: s.placement,
        currency: s.currency,
        costCents: Math.round(budget * 100),
        impressions,
        clicks,
        conversions,
        revenueCents: Math.round(conversions * s.aov * noise(0.2) * 100),
      });
    }
  }
  return out;
}

/** A direct banner buy whose totals are exact: cost and impressions spread over days and placements. */
function directLines(campaign: string, from: string, to: string, costCents: number, impressions: number, placements: string[], ads: string[], ctr: number): Line[] {
  const cells: { date: string; placement: string; ad: string; w: number }[] = [];
  for (const date of days(from, to)) for (const placement of placements) for (const ad of ads) cells.push({ date, placement, ad, w: noise(0.3) * (weekday(date) % 6 === 0 ? 0.7 : 1) });
  const wsum = cells.reduce((s, c) => s + c.w, 0);
  // Visual B is a little cheaper per impression (the A/B test in the demo finds it).
  // Each cell's price also wanders a little (publishers' pacing), so a test has real variance.
  const price = cells.map(() => noise(0.12));
  const costWeight = (c: (typeof cells)[number], i: number) => c.w * (c.ad.endsWith("B") ? 0.97 : 1.03) * (price[i] as number);
  const csum = cells.reduce((s, c, i) => s + costWeight(c, i), 0);
  let costLeft = costCents;
  let impLeft = impressions;
  return cells.map((c, i) => {
    const last = i === cells.length - 1;
    const imp = last ? impLeft : Math.round((impressions * c.w) / wsum);
    const cost = last ? costLeft : Math.round((costCents * costWeight(c, i)) / csum);
    impLeft -= imp;
    costLeft -= cost;
    const clicks = Math.round(imp * ctr * noise(0.25));
    return { date: c.date, source: "direct", account: "publisher-direct", campaign, ad_group: "Banner", ad: c.ad, placement: c.placement, currency: "USD", costCents: cost, impressions: imp, clicks, conversions: Math.round(clicks * 0.04), revenueCents: 0 };
  });
}

const FROM = "2026-06-01";
const TO = "2026-11-27";
const specs: Spec[] = [
  { source: "google-ads", account: "acme-google", currency: "USD", campaign: "Search - Brand", ad_group: "Brand terms", ads: ["RSA Brand 1", "RSA Brand 2"], placement: "Google Search", from: FROM, to: TO, dailyBudget: 180, cpm: 32, cpmDrift: 0.03, ctr: 0.08, cvr: 0.09, aov: 120 },
  { source: "google-ads", account: "acme-google", currency: "USD", campaign: "Search - Generic", ad_group: "Category terms", ads: ["RSA Generic 1", "RSA Generic 2"], placement: "Google Search", from: FROM, to: TO, dailyBudget: 260, cpm: 41, cpmDrift: 0.05, ctr: 0.045, cvr: 0.05, aov: 110 },
  { source: "google-ads", account: "acme-google", currency: "USD", campaign: "Display - Remarketing", ad_group: "Site visitors 30d", ads: ["Banner 300x250", "Banner 728x90"], placement: "Google Display Network", from: FROM, to: TO, dailyBudget: 90, cpm: 3.2, cpmDrift: 0.04, ctr: 0.004, cvr: 0.03, aov: 95 },
  { source: "meta", account: "acme-meta", currency: "EUR", campaign: "Prospecting - Video", ad_group: "Lookalike 1%", ads: ["Video 15s", "Video 30s"], placement: "Facebook & Instagram", from: FROM, to: TO, dailyBudget: 210, cpm: 6.5, cpmDrift: 0.08, ctr: 0.009, cvr: 0.02, aov: 80 },
  { source: "meta", account: "acme-meta", currency: "EUR", campaign: "Retargeting - Carousel", ad_group: "Engaged 60d", ads: ["Carousel A", "Carousel B"], placement: "Facebook & Instagram", from: "2026-08-01", to: TO, dailyBudget: 70, cpm: 9.8, cpmDrift: 0.06, ctr: 0.014, cvr: 0.04, aov: 85 },
  { source: "linkedin", account: "acme-linkedin", currency: "GBP", campaign: "B2B Decision Makers", ad_group: "IT directors UK", ads: ["Single image", "Document ad"], placement: "LinkedIn feed", from: FROM, to: TO, dailyBudget: 120, cpm: 28, cpmDrift: 0.02, ctr: 0.006, cvr: 0.08, aov: 400 },
];

const placements = ["industry-news.example / leaderboard", "trade-journal.example / sidebar", "expo-guide.example / banner"];
const files: Record<string, Line[]> = {
  "google-ads.csv": specs.filter((s) => s.source === "google-ads").flatMap(platformLines),
  "meta.csv": specs.filter((s) => s.source === "meta").flatMap(platformLines),
  "linkedin.csv": specs.filter((s) => s.source === "linkedin").flatMap(platformLines),
  "direct-banners.csv": [
    ...directLines("Launch Q3", "2026-07-01", "2026-09-30", 450_000, 300_000, placements, ["Visual A"], 0.0011),
    ...directLines("Launch Q4", "2026-10-01", "2026-11-15", 500_000, 500_000, placements, ["Visual A", "Visual B"], 0.0012),
  ],
};

mkdirSync("demo-data", { recursive: true });
for (const [name, lines] of Object.entries(files)) writeFileSync(`demo-data/${name}`, `${HEADER}\n${lines.map(toRow).join("\n")}\n`);

// ECB-style rates (1 EUR = rate units), business days only, with a gentle drift.
const rates = ["date,currency,rate,base"];
let usd = 1.085;
let gbp = 0.852;
for (const date of days("2026-05-25", TO)) {
  usd *= noise(0.003);
  gbp *= noise(0.002);
  if (weekday(date) === 0 || weekday(date) === 6) continue;
  rates.push(`${date},USD,${usd.toFixed(4)},EUR`, `${date},GBP,${gbp.toFixed(4)},EUR`);
}
writeFileSync("demo-data/fx-rates.csv", `${rates.join("\n")}\n`);
console.log(Object.entries(files).map(([n, l]) => `${n}: ${l.length} rows`).join("\n"));
