// The platforms `cpi connect add` knows, by name. A new connector is one entry here (and its folder).
import type { Connector, PlannedConnector, PlatformId } from "./connector.js";
import { googleAdsConnector } from "./google-ads/connector.js";
import { linkedinConnector } from "./linkedin/connector.js";
import { metaConnector } from "./meta/connector.js";
import { microsoftConnector } from "./microsoft/connector.js";
import { tiktokConnector } from "./tiktok/connector.js";

/** Every platform by name (a PlannedConnector entry would say that syncing it is not available yet). */
export const CONNECTORS: Readonly<Record<PlatformId, Connector | PlannedConnector>> = {
  "google-ads": googleAdsConnector,
  meta: metaConnector,
  microsoft: microsoftConnector,
  linkedin: linkedinConnector,
  tiktok: tiktokConnector,
};

/** Other names users type for a platform. */
const ALIASES: Record<string, PlatformId> = {
  google: "google-ads",
  google_ads: "google-ads",
  googleads: "google-ads",
  adwords: "google-ads",
  facebook: "meta",
  fb: "meta",
  instagram: "meta",
  "microsoft-ads": "microsoft",
  microsoft_ads: "microsoft",
  bing: "microsoft",
  "bing-ads": "microsoft",
  "linkedin-ads": "linkedin",
  "tiktok-ads": "tiktok",
};

/**
 * The platform a name means (its id or an alias, any case), or null.
 * @example platformOf("Google_Ads") // "google-ads"
 */
export function platformOf(name: string): PlatformId | null {
  const n = name.trim().toLowerCase();
  if (n in CONNECTORS) return n as PlatformId;
  return ALIASES[n] ?? null;
}
