import { platformSource } from "../../domain/sources.js";
import type { PlatformParser } from "../platform.js";
import { amazonAds } from "./amazon.js";
import { cm360 } from "./cm360.js";
import { dv360 } from "./dv360.js";
import { googleAds } from "./google-ads.js";
import { linkedin } from "./linkedin.js";
import { meta } from "./meta.js";
import { microsoftAds } from "./microsoft.js";
import { reddit } from "./reddit.js";
import { tiktok } from "./tiktok.js";
import { xAds } from "./x-ads.js";

/** Every platform parser. Detection asks each one; the best score wins. */
export const PLATFORM_PARSERS: readonly PlatformParser[] = [googleAds, meta, linkedin, microsoftAds, tiktok, cm360, dv360, amazonAds, reddit, xAds];

/**
 * The parser a --source value names (its id or an alias, any case), or null for a generic source name.
 * @example findPlatform("Facebook")?.id // "meta"
 */
export function findPlatform(name: string): PlatformParser | null {
  const id = platformSource(name);
  return PLATFORM_PARSERS.find((p) => p.id === id) ?? null;
}
