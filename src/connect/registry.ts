// The platforms `cpi connect add` knows, by name. A new connector is one entry here (and its folder).
import { platformSource } from "../domain/sources.js";
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
