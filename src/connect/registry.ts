// The platforms `cpi connect add` knows, by name. A new connector is one entry here (and its folder).
import { platformSource } from "../domain/sources.js";
import type { Connector, PlannedConnector, PlatformId } from "./connector.js";
import { googleAdsConnector } from "./google-ads/connector.js";
import { metaConnector } from "./meta/connector.js";

const planned = (platform: PlatformId, label: string, source: string): PlannedConnector => ({
  available: false,
  platform,
  label,
  source,
  meanwhile: `download its reports and run 'cpi import FILE' (they are stored under source '${source}', as a sync will store them)`,
});

/** Every platform by name: Google Ads and Meta sync; Microsoft, LinkedIn and TikTok are planned. */
export const CONNECTORS: Readonly<Record<PlatformId, Connector | PlannedConnector>> = {
  "google-ads": googleAdsConnector,
  meta: metaConnector,
  microsoft: planned("microsoft", "Microsoft Advertising", "microsoft-ads"),
  linkedin: planned("linkedin", "LinkedIn", "linkedin"),
  tiktok: planned("tiktok", "TikTok", "tiktok"),
};

/**
 * The platform a name means (its id or an alias, any case), or null.
 * @example platformOf("Google_Ads") // "google-ads"
 */
export function platformOf(name: string): PlatformId | null {
  const n = name.trim().toLowerCase();
  if (n in CONNECTORS) return n as PlatformId;
  // Any name of the platform's source (src/domain/sources.ts): google_ads, bing, facebook, …
  const source = platformSource(n);
  return (Object.keys(CONNECTORS) as PlatformId[]).find((id) => CONNECTORS[id].source === source) ?? null;
}
