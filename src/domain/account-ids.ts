// One account, one id: the form every importer and connector stores an account id in, so rows of
// the same account from an API and from an export file (or from two kinds of export) replace each
// other instead of counting twice. The Google Ads API gives a customer id as 10 digits; its UI and
// reports write "123-456-7890": stored as the digits. Store migration 4 rewrites ids stored before.

/** The dashed form of a Google Ads customer id. */
export const DASHED_GOOGLE_CUSTOMER_ID = /^\d{3}-\d{3}-\d{4}$/;

/**
 * An account id as cpi stores it for a source: a Google Ads customer id without its dashes; any
 * other id as it is.
 * @example canonicalAccountId("google-ads", "123-456-7890") // "1234567890"
 */
export function canonicalAccountId(source: string, id: string): string {
  return source === "google-ads" && id.length === 12 && DASHED_GOOGLE_CUSTOMER_ID.test(id) ? id.replace(/-/g, "") : id;
}
