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
