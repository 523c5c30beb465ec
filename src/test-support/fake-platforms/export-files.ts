// The delivery the fake APIs serve, written as each platform's export file in a format cpi's
// importer already reads (tests; not part of the build): Google Ads API/Scripts output (GAQL column
// names, cost in micros), a Meta Ads Manager export by ad and day, and a Microsoft Advertising report
// (the CSV its Reporting service zips, which the fake Microsoft API serves too).
import type { FakeAccount, FakeDay, FakeDelivery } from "./delivery.js";
import { microsText, namesOf } from "./delivery.js";

const cell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const line = (cells: (string | number)[]) => cells.map(cell).join(",");

/** A day's campaign, ad group and ad, each as id then name. */
function entityCells(names: ReturnType<typeof namesOf>, d: FakeDay): string[] {
  return [d.campaignId, names.campaign.get(d.campaignId)?.name ?? "", d.adGroupId, names.adGroup.get(d.adGroupId)?.name ?? "", d.adId, names.ad.get(d.adId)?.name ?? ""];
}

/** A number as Google's JSON writes a double (and the export writes it): its shortest form. */
const double = (micros: bigint) => String(Number(micros) / 1e6);

/**
 * One account's delivery as Google Ads API output (GAQL field names, cost in micros): ad rows, and
 * campaign rows for Performance Max campaigns, which report no ads.
 * @example googleAdsApiCsv(data, data.accounts[0])
 */
export function googleAdsApiCsv(data: FakeDelivery, a: FakeAccount): string {
  const names = namesOf(a);
  const header = [
    "customer.id",
    "customer.descriptive_name",
    "customer.currency_code",
    "customer.time_zone",
    "campaign.id",
    "campaign.name",
    "ad_group.id",
    "ad_group.name",
    "ad_group_ad.ad.id",
    "ad_group_ad.ad.name",
    "segments.date",
    "metrics.impressions",
    "metrics.clicks",
    "metrics.cost_micros",
    "metrics.conversions",
    "metrics.conversions_value",
  ];
  const rows = (data.days.get(a.id) ?? []).map((d) =>
    line([
      a.id,
      a.name,
      a.currency,
      a.timezone,
      ...entityCells(names, d),
      d.date,
      d.impressions,
      d.clicks,
      String(d.costMicros),
      d.conversions,
      d.valueMicros ? double(d.valueMicros) : 0,
    ]),
  );
  return `${[line(header), ...rows].join("\n")}\n`;
}

/**
 * One account's delivery as a Meta Ads Manager export by ad and day (BOM, "Amount spent (EUR)",
 * link clicks, purchases, reach and frequency; zero purchases left blank as Ads Manager does).
 * @example metaAdsManagerCsv(data, data.accounts[0])
 */
export function metaAdsManagerCsv(data: FakeDelivery, a: FakeAccount): string {
  const names = namesOf(a);
  const header = [
    "Account ID",
    "Account name",
    "Campaign ID",
    "Campaign name",
    "Ad set ID",
    "Ad set name",
    "Ad ID",
    "Ad name",
    "Day",
    `Amount spent (${a.currency})`,
    "Impressions",
    "Link clicks",
    "Reach",
    "Frequency",
    "Purchases",
    `Purchases conversion value (${a.currency})`,
  ];
  const rows = (data.days.get(a.id) ?? [])
    .filter((d) => d.adId !== "")
    .map((d) =>
      line([
        a.id,
        a.name,
        ...entityCells(names, d),
        d.date,
        microsText(d.costMicros, 2),
        d.impressions,
        d.clicks,
        d.reach,
        (d.impressions / d.reach).toFixed(6),
        d.conversions > 0 ? d.conversions : "",
        d.valueMicros > 0n ? microsText(d.valueMicros, 2) : "",
      ]),
    );
  return `\uFEFF${[line(header), ...rows].join("\n")}\n`;
}

/** Microsoft Advertising report columns the fakes write, by name: each one's cell of a row. */
type MsCell = (a: FakeAccount, d: FakeDay, names: ReturnType<typeof namesOf>) => string;
const thousands = (n: string): string => n.replace(/^(\d+)(\d{3})(\.|$)/, (_m, a: string, b: string, c: string): string => `${thousands(a)},${b}${c}`);
const MS_COLUMNS: Record<string, MsCell> = {
  TimePeriod: (_a, d) => d.date,
  AccountId: (a) => a.id,
  AccountName: (a) => a.name,
  AccountNumber: (a) => `F${a.id.slice(-7)}`,
  CampaignId: (_a, d) => d.campaignId,
  CampaignName: (_a, d, n) => n.campaign.get(d.campaignId)?.name ?? "",
  AdGroupId: (_a, d) => d.adGroupId,
  AdGroupName: (_a, d, n) => n.adGroup.get(d.adGroupId)?.name ?? "",
  AdId: (_a, d) => d.adId,
  AdTitle: (_a, d, n) => n.ad.get(d.adId)?.name ?? "",
  CurrencyCode: (a) => a.currency,
  Impressions: (_a, d) => String(d.impressions),
  Clicks: (_a, d) => String(d.clicks),
  Spend: (_a, d) => microsText(d.costMicros, 2),
  Conversions: (_a, d) => String(d.conversions),
  Revenue: (_a, d) => microsText(d.valueMicros, 2),
};

/** True for a column the Microsoft fakes can write. */
export const isMicrosoftColumn = (c: string): boolean => c in MS_COLUMNS;

export interface MicrosoftCsvOptions {
  columns: readonly string[];
  /** "2.0" (plain numbers) or "1.0" (thousands separators). */
  formatVersion: "1.0" | "2.0";
  /** The "Report Name:" … "Rows:" block above the columns, when not excluded. */
  header?: { name: string; zoneLabel: string; from: string; to: string };
  footer: boolean;
  columnHeaders: boolean;
  bom: boolean;
}

/** Delivery days summed per campaign and day (a campaign performance report's rows). */
export function campaignDays(days: readonly FakeDay[]): FakeDay[] {
  const byKey = new Map<string, FakeDay>();
  for (const d of days) {
    const k = `${d.campaignId}|${d.date}`;
    const s = byKey.get(k);
    if (!s) byKey.set(k, { ...d, adGroupId: "", adId: "" });
    else Object.assign(s, { costMicros: s.costMicros + d.costMicros, impressions: s.impressions + d.impressions, clicks: s.clicks + d.clicks, conversions: s.conversions + d.conversions, valueMicros: s.valueMicros + d.valueMicros });
  }
  return [...byKey.values()];
}

/**
 * Days of one account as a Microsoft Advertising report CSV, as the Reporting service writes it:
 * every cell quoted, optional report header block, column names and copyright footer; FormatVersion
 * 1.0 puts thousands separators in numbers.
 * @example microsoftReportCsv(a, days, { columns: ["TimePeriod", "Spend"], formatVersion: "2.0", footer: false, columnHeaders: true, bom: false })
 */
export function microsoftReportCsv(a: FakeAccount, days: readonly FakeDay[], o: MicrosoftCsvOptions): string {
  const names = namesOf(a);
  const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const numeric = new Set(["Impressions", "Clicks", "Spend", "Conversions", "Revenue"]);
  const lines: string[] = [];
  if (o.header) {
    const us = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`;
    lines.push(
      q(`Report Name: ${o.header.name}`),
      q(`Report Time: ${us(o.header.from)},${us(o.header.to)}`),
      q(`Time Zone: ${o.header.zoneLabel}`),
      q(`Last Completed Available Day: ${us(o.header.to)} 11:59:00 PM (GMT)`),
      q(`Last Completed Available Hour: ${us(o.header.to)} 11:59:00 PM (GMT)`),
      q("Report Aggregation: Daily"),
      q("Report Filter: "),
      q("Potential Incomplete Data: false"),
      q(`Rows: ${days.length}`),
      "",
    );
  }
  if (o.columnHeaders) lines.push(o.columns.map(q).join(","));
  for (const d of days) {
    lines.push(
      o.columns
        .map((c) => {
          const v = (MS_COLUMNS[c] as MsCell)(a, d, names);
          return q(o.formatVersion === "1.0" && numeric.has(c) ? thousands(v) : v);
        })
        .join(","),
    );
  }
  if (o.footer) lines.push("", q("©2026 Microsoft Corporation. All rights reserved. "));
  return `${o.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}

/**
 * One account's delivery as a Microsoft Advertising report a user downloads (Reports → Download,
 * CSV): BOM, report header block with the account's time zone label, FormatVersion 1.0 numbers,
 * copyright footer; ad rows, and campaign rows for the campaigns that report no ads.
 * @example microsoftExportCsv(data, data.accounts[0], "(GMT-05:00) Eastern Time (US & Canada)", "2026-10-01", "2026-10-20")
 */
export function microsoftExportCsv(data: FakeDelivery, a: FakeAccount, zoneLabel: string, from: string, to: string): string {
  const days = (data.days.get(a.id) ?? []).filter((d) => d.date >= from && d.date <= to);
  const columns = ["AccountName", "AccountId", "TimePeriod", "CampaignName", "CampaignId", "AdGroupName", "AdGroupId", "AdTitle", "AdId", "CurrencyCode", "Spend", "Impressions", "Clicks", "Conversions", "Revenue"];
  return microsoftReportCsv(a, days, { columns, formatVersion: "1.0", header: { name: "Ad performance", zoneLabel, from, to }, footer: true, columnHeaders: true, bom: true });
}

/** A US-English export date (M/D/YYYY). */
const usDate = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`;

/**
 * One account's delivery as a LinkedIn Campaign Manager creative export by day, as LinkedIn writes
 * it: UTF-16LE with a BOM, tab-separated, a preamble, English headers, days in UTC, no account id
 * (imported with --account) and no ad group (LinkedIn has none between campaign and creative).
 * @example linkedinCampaignManagerExport(data, data.accounts[0], { from: "2026-10-01", to: "2026-10-30" })
 */
export function linkedinCampaignManagerExport(data: FakeDelivery, a: FakeAccount, w: { from: string; to: string }): Buffer {
  const names = namesOf(a);
  const header = ["Start Date (in UTC)", "Account Name", "Currency", "Campaign Group Name", "Campaign ID", "Campaign Name", "Creative ID", "Creative Name", "Total Spent", "Impressions", "Clicks", "Conversions", "Total Conversion Value"];
  const rows = (data.days.get(a.id) ?? [])
    .filter((d) => d.adId !== "" && d.date >= w.from && d.date <= w.to)
    .map((d) => [usDate(d.date), a.name, a.currency, "Always on", d.campaignId, names.campaign.get(d.campaignId)?.name ?? "", d.adId, names.ad.get(d.adId)?.name ?? "", microsText(d.costMicros, 2), d.impressions, d.clicks, d.conversions, microsText(d.valueMicros, 2)].join("\t"));
  const preamble = ["Creative Performance Report (in UTC)", `"Report Start: ${usDate(w.from)}, 12:00 AM"`, `"Report End: ${usDate(w.to)}, 11:59 PM"`, `"Date Generated: ${usDate(w.to)}, 5:55 AM"`, ""];
  return Buffer.from(`\uFEFF${[...preamble, header.join("\t"), ...rows].join("\n")}\n`, "utf16le");
}

/**
 * One account's delivery as a TikTok Ads Manager export by ad and day (CSV, one header row, the
 * UI's column names; days in the advertiser's zone, imported with --timezone).
 * @example tiktokAdsManagerCsv(data, data.accounts[0], { from: "2026-10-01", to: "2026-10-30" })
 */
export function tiktokAdsManagerCsv(data: FakeDelivery, a: FakeAccount, w: { from: string; to: string }): string {
  const names = namesOf(a);
  const header = ["By Day", "Advertiser ID", "Advertiser name", ...["Campaign ID", "Campaign name", "Ad group ID", "Ad group name", "Ad ID", "Ad name"], "Currency", "Cost", "Impressions", "Clicks (destination)", "Conversions", "Reach", "Frequency"];
  const rows = (data.days.get(a.id) ?? [])
    .filter((d) => d.adId !== "" && d.date >= w.from && d.date <= w.to)
    .map((d) => line([d.date, a.id, a.name, ...entityCells(names, d), a.currency, microsText(d.costMicros, 2), d.impressions, d.clicks, d.conversions, d.reach, (d.impressions / d.reach).toFixed(2)]));
  return `${[line(header), ...rows].join("\n")}\n`;
}
