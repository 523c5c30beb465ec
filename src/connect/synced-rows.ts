// Spend and reach rows made from a platform's API answer, identified the way the platform's export
// files identify them (ingest/platform-row-builder.ts): a name defaults to its id and an id to its
// name, so every level is identified either way and files and syncs replace each other's rows.
import type { IsoDate } from "../domain/dates.js";
import type { Micros } from "../domain/money.js";
import { blankSpendRow, type PlatformReachRow, type SpendRow } from "../domain/spend.js";
import { reachLevel } from "../ingest/platform-rows.js";
import type { AccountInfo } from "./connector.js";

/** One day of one entity as an API reports it. Ids and names are "" where the level does not apply. */
export interface Delivery {
  date: IsoDate;
  campaignId: string;
  campaign: string;
  adGroupId: string;
  adGroup: string;
  adId: string;
  ad: string;
  cost: Micros;
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: Micros;
}

/**
 * A stored spend row of one day's delivery, in the account's currency and time zone.
 * @example syncedRow("meta", account, delivery).campaign_id // "120210000000001"
 */
export function syncedRow(source: string, account: AccountInfo, d: Delivery): SpendRow {
  const row = blankSpendRow();
  row.date_start = d.date;
  row.date_end = d.date;
  row.source = source;
  row.account_id = account.id;
  row.account_name = account.name;
  row.account_timezone = account.timezone;
  row.currency = account.currency;
  row.campaign_id = d.campaignId || d.campaign;
  row.campaign = d.campaign || d.campaignId;
  row.ad_group_id = d.adGroupId || d.adGroup;
  row.ad_group = d.adGroup || d.adGroupId;
  row.ad_id = d.adId || d.ad;
  row.ad = d.ad || d.adId;
  row.cost = d.cost;
  row.impressions = d.impressions;
  row.clicks = d.clicks;
  row.conversions = d.conversions;
  row.revenue = d.revenue;
  return row;
}

/**
 * The platform's reach of a row's entity on its day (never summed: DESIGN rule 3), at the row's level.
 * @example syncedReach(row, 1400, 1.09).level // "ad"
 */
export function syncedReach(row: SpendRow, reach: number, frequency: number | null): PlatformReachRow {
  return {
    source: row.source,
    account_id: row.account_id,
    level: reachLevel(row) ?? "account",
    campaign: row.campaign,
    ad_group: row.ad_group,
    ad: row.ad,
    date_start: row.date_start,
    date_end: row.date_end,
    reach,
    impressions: row.impressions,
    frequency,
  };
}
