// Writes (once, cached under bench/data/) the 1,000,000-row ad-platform exports of the
// import-platforms bench, each with a plain UTF-8 CSV of the same rows and columns for read_csv, and
// the totals the import must land (computed here while writing, independently of the parser).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { addDays } from "../src/domain/dates.js";
import { mulberry32 } from "../src/test-support/random-spend.js";

export const DATA_DIR = join(import.meta.dirname, "data");

/** What the rows of a generated export add up to (the totals row / summary row states the same). */
export interface ExportTotals {
  rows: number;
  costMicros: bigint;
  impressions: number;
  clicks: number;
}

export interface GeneratedExport {
  /** The export as the platform's UI writes it. */
  file: string;
  /** The same rows and columns as a plain UTF-8 CSV: header on line 1, no preamble, totals or separators. */
  plain: string;
  totals: ExportTotals;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-05-01" → "1 May 2026", as the Google Ads UI writes its date range. */
const uiDate = (iso: string) => `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
/** 1234567 → "1,234,567"; 1234.5 with 2 decimals → "1,234.50". */
const grouped = (n: number, decimals = 0) => n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
/** A cell with a thousands separator is quoted, as Google Ads does. */
const quotedIfGrouped = (s: string) => (s.includes(",") ? `"${s}"` : s);
const money = (micros: bigint) => `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, "0").slice(0, 2)}`;

/** Streams lines to a file in chunks, encoded as `encoding`, with an optional BOM first. */
class ChunkWriter {
  private fd: number;
  private lines: string[] = [];
  constructor(
    private readonly path: string,
    private readonly encoding: "utf8" | "utf16le",
    bom: boolean,
    private readonly eol: string,
  ) {
    this.fd = openSync(`${path}.tmp`, "w");
    if (bom) writeSync(this.fd, Buffer.from("\ufeff", encoding));
  }
  line(s: string): void {
    this.lines.push(s);
    if (this.lines.length >= 50_000) this.flush();
  }
  private flush(): void {
    if (this.lines.length === 0) return;
    writeSync(this.fd, Buffer.from(`${this.lines.join(this.eol)}${this.eol}`, this.encoding));
    this.lines = [];
  }
  /** Finishes the file under its final name, so an interrupted run never leaves half a cache. */
  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.path}.tmp`, this.path);
  }
}

function cached(name: string, n: number, write: (file: string, plain: string) => ExportTotals): GeneratedExport {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = join(DATA_DIR, `${name}-${n}.csv`);
  const plain = join(DATA_DIR, `${name}-${n}.plain.csv`);
  const totalsFile = join(DATA_DIR, `${name}-${n}.totals.json`);
  if (existsSync(file) && existsSync(plain) && existsSync(totalsFile)) {
    const t = JSON.parse(readFileSync(totalsFile, "utf8"));
    return { file, plain, totals: { ...t, costMicros: BigInt(t.costMicros) } };
  }
  const totals = write(file, plain);
  writeFileSync(totalsFile, JSON.stringify({ ...totals, costMicros: String(totals.costMicros) }));
  return { file, plain, totals };
}

/**
 * A Google Ads "Excel .csv" download of an ad group report segmented by day: UTF-16LE with a BOM, tabs,
 * CRLF, the report name and date range above the header, `Impr.`, `Currency code`, quoted thousands
 * separators, ` --` for empty cells, and `Total:` rows at the bottom (the first sums the rows listed).
 */
export function googleAdsExcelExport(n: number): GeneratedExport {
  return cached("google-ads-excel-utf16", n, (file, plainFile) => {
    const groupsPerDay = 2000;
    const days = Math.ceil(n / groupsPerDay);
    const first = "2025-01-01";
    const last = addDays(first, days - 1);
    const out = new ChunkWriter(file, "utf16le", true, "\r\n");
    const plain = new ChunkWriter(plainFile, "utf8", false, "\n");
    const header = ["Day", "Campaign", "Campaign ID", "Ad group", "Currency code", "Impr.", "Clicks", "Cost", "Conversions", "Conv. value", "Avg. CPC"];
    out.line("Ad group report");
    out.line(`${uiDate(first)} - ${uiDate(last)}`);
    out.line(header.join("\t"));
    plain.line(header.map((h) => `"${h}"`).join(","));
    const rnd = mulberry32(7);
    const t: ExportTotals = { rows: n, costMicros: 0n, impressions: 0, clicks: 0 };
    let conversions = 0;
    let value = 0n;
    for (let i = 0; i < n; i++) {
      const day = addDays(first, Math.floor(i / groupsPerDay));
      const g = i % groupsPerDay;
      const campaign = `Brand search ${Math.floor(g / 20)} - EU`;
      const impr = Math.floor(rnd() ** 2 * 40_000);
      const clicks = Math.floor(impr * rnd() * 0.05);
      const costMicros = BigInt(Math.round(clicks * rnd() * 120)) * 10_000n; // whole cents
      const conv = clicks > 20 ? Math.floor(rnd() * 5) : 0;
      const valueMicros = conv ? BigInt(conv * Math.round(rnd() * 9000)) * 10_000n : 0n;
      t.costMicros += costMicros;
      t.impressions += impr;
      t.clicks += clicks;
      conversions += conv;
      value += valueMicros;
      const cost = money(costMicros);
      const cpc = clicks ? (Number(costMicros) / 1e6 / clicks).toFixed(2) : "";
      const convValue = conv ? money(valueMicros) : "";
      out.line(
        [day, campaign, String(100000 + Math.floor(g / 20)), `Ad group ${g % 20}`, "USD", quotedIfGrouped(grouped(impr)), quotedIfGrouped(grouped(clicks)),
          quotedIfGrouped(grouped(Number(cost), 2)), `${conv}.00`, convValue ? quotedIfGrouped(grouped(Number(convValue), 2)) : " --", cpc || " --"].join("\t"),
      );
      plain.line(`${day},${campaign},${100000 + Math.floor(g / 20)},Ad group ${g % 20},USD,${impr},${clicks},${cost},${conv}.00,${convValue},${cpc}`);
    }
    const sums = ["USD", `"${grouped(t.impressions)}"`, `"${grouped(t.clicks)}"`, `"${grouped(Number(money(t.costMicros)), 2)}"`, quotedIfGrouped(grouped(conversions, 2)), `"${grouped(Number(money(value)), 2)}"`, " --"];
    out.line([" --", "Total: All but removed ad groups", " --", " --", ...sums].join("\t"));
    out.line(["", "Total: Account", "", "", ...sums].join("\t"));
    out.close();
    plain.close();
    return t;
  });
}

/**
 * A Meta Ads Manager "Export table data" CSV by ad set with the Day, Age and Gender breakdowns: UTF-8
 * with a BOM, the summary row first under the header (names and breakdowns empty), the currency in
 * `Amount spent (USD)`, rates without `%`, `Reporting starts` / `Reporting ends` per day.
 */
export function metaAdsManagerExport(n: number): GeneratedExport {
  return cached("meta-ads-manager", n, (file, plainFile) => {
    const ages = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
    const genders = ["female", "male", "unknown"];
    const perDay = 2016; // 112 ad sets × 6 ages × 3 genders
    const days = Math.ceil(n / perDay);
    const first = "2025-03-01";
    const header = ["Campaign name", "Ad set name", "Day", "Age", "Gender", "Reach", "Impressions", "Frequency", "Amount spent (USD)", "Link clicks",
      "CPM (cost per 1,000 impressions)", "CTR (all)", "Reporting starts", "Reporting ends"];
    const rnd = mulberry32(11);
    const t: ExportTotals = { rows: n, costMicros: 0n, impressions: 0, clicks: 0 };
    let reach = 0;
    const body: string[] = [];
    const out = new ChunkWriter(file, "utf8", true, "\n");
    const plain = new ChunkWriter(plainFile, "utf8", false, "\n");
    const q = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    // The summary row comes first, so the rows are made before it is written: kept as lines.
    for (let i = 0; i < n; i++) {
      const day = addDays(first, Math.floor(i / perDay));
      const k = i % perDay;
      const adSet = Math.floor(k / 18);
      const impr = 1 + Math.floor(rnd() ** 2 * 20_000);
      const people = Math.max(1, Math.floor(impr / (1 + rnd() * 1.5)));
      const clicks = Math.floor(impr * rnd() * 0.03);
      const costMicros = BigInt(Math.round(impr * (2 + rnd() * 10) / 10)) * 10_000n;
      t.costMicros += costMicros;
      t.impressions += impr;
      t.clicks += clicks;
      reach += people;
      const cost = money(costMicros);
      const cells = [`Spring sale, EU ${Math.floor(adSet / 8)}`, `Lookalike ${adSet % 8} - ${adSet}`, day, ages[Math.floor(k / 3) % 6] as string, genders[k % 3] as string,
        String(people), String(impr), (impr / people).toFixed(8), cost, clicks ? String(clicks) : "", ((Number(costMicros) / 1e3) / impr).toFixed(8),
        ((clicks / impr) * 100).toFixed(8), day, day];
      body.push(cells.map(q).join(","));
    }
    const last = addDays(first, days - 1);
    out.line(header.map(q).join(","));
    plain.line(header.map(q).join(","));
    out.line(["", "", "", "", "", String(reach), String(t.impressions), (t.impressions / reach).toFixed(8), money(t.costMicros), String(t.clicks),
      ((Number(t.costMicros) / 1e3) / t.impressions).toFixed(8), ((t.clicks / t.impressions) * 100).toFixed(8), first, last].join(","));
    for (const line of body) {
      out.line(line);
      plain.line(line);
    }
    out.close();
    plain.close();
    return t;
  });
}

/** 2026-01-05 → "1/5/2026", as LinkedIn's en-US UI writes dates. */
const usDate = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`;
/** "January 5, 2026, 12:00 AM" in LinkedIn's preamble. */
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const longDate = (iso: string) => `${LONG_MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}, ${iso.slice(0, 4)}`;

/**
 * A LinkedIn Campaign Manager campaign performance export by day: UTF-16LE with a BOM, tabs, the
 * title / Report Start / Report End / Date Generated preamble, en-US dates (M/D/YYYY), quoted
 * thousands in Total Spent, and Reach and Average Frequency on every row (a platform reach row each).
 */
export function linkedinCampaignExport(n: number): GeneratedExport {
  return cached("linkedin-campaigns-utf16", n, (file, plainFile) => {
    const perDay = 1500;
    const days = Math.ceil(n / perDay);
    const first = "2025-01-01";
    const last = addDays(first, days - 1);
    const out = new ChunkWriter(file, "utf16le", true, "\n");
    const plain = new ChunkWriter(plainFile, "utf8", false, "\n");
    const header = ["Start Date (in UTC)", "Account Name", "Currency", "Campaign Group Name", "Campaign Name", "Campaign ID", "Total Spent", "Impressions", "Clicks", "Reach",
      "Average Frequency", "Conversions"];
    out.line("Campaign Performance Report (in UTC)");
    out.line(`"Report Start: ${longDate(first)}, 12:00 AM"`);
    out.line(`"Report End: ${longDate(last)}, 11:59 PM"`);
    out.line(`"Date Generated: ${longDate(addDays(last, 1))}, 5:55 AM"`);
    out.line("");
    out.line(header.join("\t"));
    plain.line(header.map((h) => `"${h}"`).join(","));
    const rnd = mulberry32(5);
    const t: ExportTotals = { rows: n, costMicros: 0n, impressions: 0, clicks: 0 };
    for (let i = 0; i < n; i++) {
      const day = addDays(first, Math.floor(i / perDay));
      const c = i % perDay;
      const impr = 100 + Math.floor(rnd() ** 2 * 60_000);
      const reach = Math.max(1, Math.floor(impr / (1 + rnd() * 2)));
      const clicks = Math.floor(impr * rnd() * 0.01);
      const costMicros = BigInt(Math.round(impr * (5 + rnd() * 30) / 10)) * 10_000n;
      t.costMicros += costMicros;
      t.impressions += impr;
      t.clicks += clicks;
      const cost = money(costMicros);
      const frequency = (impr / reach).toFixed(2);
      const conv = String(Math.floor(clicks * 0.05));
      out.line([usDate(day), "Acme", "USD", `Group ${c % 17}`, `Campaign ${c} - EU`, String(500_000 + c), quotedIfGrouped(grouped(Number(cost), 2)), String(impr), String(clicks),
        String(reach), frequency, conv].join("\t"));
      plain.line(`${day},Acme,USD,Group ${c % 17},Campaign ${c} - EU,${500_000 + c},${cost},${impr},${clicks},${reach},${frequency},${conv}`);
    }
    out.close();
    plain.close();
    return t;
  });
}
