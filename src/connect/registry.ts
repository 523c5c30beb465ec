// The platforms `cpi connect add` knows, by name. A new connector is one entry here (and its folder).
import type { Connector, PlannedConnector, PlatformId } from "./connector.js";
import { googleAdsConnector } from "./google-ads/connector.js";
import { linkedinConnector } from "./linkedin/connector.js";
import { metaConnector } from "./meta/connector.js";
import { tiktokConnector } from "./tiktok/connector.js";

const planned = (platform: PlatformId, label: string, source: string): PlannedConnector => ({
  available: false,
  platform,
  label,
  source,
  meanwhile: `download its reports and run 'cpi import FILE' (they are stored under source '${source}', as a sync will store them)`,
});

/** Every platform by name: those that sync, and those planned (they say so). */
export const CONNECTORS: Readonly<Record<PlatformId, Connector | PlannedConnector>> = {
  "google-ads": googleAdsConnector,
  meta: metaConnector,
  microsoft: planned("microsoft", "Microsoft Advertising", "microsoft-ads"),
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
