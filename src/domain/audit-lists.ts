// The audit trail's lists: an import's sources and accounts, each comma-separated in one text column.
// Store migrations rewrite them to the spellings the rows themselves were migrated to.
import { canonicalAccountId } from "./account-ids.js";
import { platformSource } from "./sources.js";

/**
 * A sources list with every platform alias spelled as its canonical id, once each.
 * @example canonicalSourceList("google_ads,meta,google-ads") // "google-ads,meta"
 */
export function canonicalSourceList(sources: string): string {
  return [...new Set(sources.split(",").map((s) => platformSource(s) ?? s))].join(",");
}

/**
 * An accounts list with Google Ads customer ids as cpi stores them (without dashes) when the import's
 * sources include Google Ads; any other list as it is.
 * @example canonicalAccountList("google-ads", "123-456-7890,acme") // "1234567890,acme"
 */
export function canonicalAccountList(sources: string, accounts: string): string {
  if (!canonicalSourceList(sources).split(",").includes("google-ads")) return accounts;
  return accounts
    .split(",")
    .map((a) => canonicalAccountId("google-ads", a))
    .join(",");
}
