// The delivery the fake APIs serve, written as each platform's export file in a format cpi's
// importer already reads (tests; not part of the build): Google Ads API/Scripts output (GAQL column
// names, cost in micros) and a Meta Ads Manager export by ad and day.
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
