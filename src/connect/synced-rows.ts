// Spend and reach rows made from a platform's API answer, identified the way the platform's export
// files identify them (ingest/platform-row-builder.ts): a name defaults to its id and an id to its
// name, so every level is identified either way and files and syncs replace each other's rows.
import type { IsoDate } from "../domain/dates.js";
import type { Micros } from "../domain/money.js";
import { blankSpendRow, type PlatformReachRow, type SpendRow } from "../domain/spend.js";
import { reachLevel, reachOfRow } from "../ingest/platform-rows.js";
import { isIanaTimeZone } from "../ingest/time-zone.js";
import type { AccountInfo } from "./connector.js";
import { malformed } from "./problem.js";

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
  return reachOfRow(row, reachLevel(row) ?? "account", reach, frequency);
}

/**
 * An account as a platform described it, checked: an ISO-4217 currency and an IANA time zone (rows
 * are priced and dated in them). `fields` name the platform's fields in the message when one is not.
 * @example accountOf("ad account act_1", "1", { name: "Acme", currency: "EUR", timezone: "Europe/Berlin" }, ["currency", "timezone_name"])
 */
export function accountOf(what: string, id: string, a: { name: unknown; currency: unknown; timezone: unknown }, fields: [currency: string, timezone: string]): AccountInfo {
  const currency = String(a.currency ?? "");
  const timezone = String(a.timezone ?? "");
  if (!/^[A-Z]{3}$/.test(currency)) throw malformed(what, `${fields[0]} '${currency}'`);
  if (!isIanaTimeZone(timezone)) throw malformed(what, `${fields[1]} '${timezone}'`);
  return { id, name: String(a.name ?? ""), currency, timezone };
}
