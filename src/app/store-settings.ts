// The store's configured default account time zone (issue 3: "the account time zone comes from the
// file when present, else --timezone, else the configured default"), kept in the store's metadata.
import { UserError } from "../domain/errors.js";
import { isIanaTimeZone } from "../ingest/time-zone.js";
import type { Store } from "../store/store.js";

/** The zone rows get when neither the file, --timezone nor the store's default names one. */
export const FALLBACK_TIMEZONE = "UTC";

/**
 * Checks an IANA time zone name given by a user (`flag` names where it came from in the error).
 * @example checkTimezone("Europe/Berlin") // "Europe/Berlin"
 */
export function checkTimezone(zone: string, flag = "--timezone"): string {
  const z = zone.trim();
  if (!isIanaTimeZone(z)) throw new UserError("bad_timezone", `${flag} '${zone}' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
  return z;
}

/**
 * The store's default account time zone for imports, or null when none was configured (imports then use UTC).
 * @example await storeDefaultTimezone(store) // "Europe/Berlin"
 */
export function storeDefaultTimezone(store: Store): Promise<string | null> {
  return store.setting("default_timezone");
}

/**
 * Configures the store's default account time zone (validated) and returns it.
 * @example await setStoreDefaultTimezone(store, "Europe/Berlin") // "Europe/Berlin"
 */
export async function setStoreDefaultTimezone(store: Store, zone: string): Promise<string> {
  const z = checkTimezone(zone);
  await store.setSetting("default_timezone", z);
  return z;
}

/**
 * The time-zone options of an import: `--timezone` when given, else the store's configured default
 * (a fallback the file's own zone overrides without a warning), else none (the parser's UTC).
 * @example await importTimezoneOptions(store, undefined) // { defaultTimezone: "Europe/Berlin" } after cpi init --timezone Europe/Berlin
 */
export async function importTimezoneOptions(store: Store, flag: string | undefined): Promise<{ timezone?: string; defaultTimezone?: string }> {
  if (flag !== undefined && flag !== "") return { timezone: flag };
  const configured = await storeDefaultTimezone(store);
  if (configured === null || configured === "") return {};
  // Set through checkTimezone, but a runtime with an older time-zone database may not know it.
  return { defaultTimezone: checkTimezone(configured, "the store's default time zone (cpi init --timezone)") };
}
