// The one spelling of every ad platform's source id, and the other names users type for it. Imports
// store the canonical id; --source, --where source=… and `cpi connect` accept any alias; a store written
// with an alias is migrated on open (schema migration 2).

/** Canonical source ids of the ad platforms cpi reads: kebab-case, as stored. */
export const SOURCE_IDS = ["google-ads", "microsoft-ads", "amazon-ads", "x-ads", "meta", "linkedin", "tiktok", "reddit", "dv360", "cm360"] as const;

export type SourceId = (typeof SOURCE_IDS)[number];

/** Other names of each platform (any case; "_" and spaces read as "-"). */
export const SOURCE_ALIASES: Readonly<Record<SourceId, readonly string[]>> = {
  "google-ads": ["google", "googleads", "google_ads", "adwords", "google-ads-api"],
  "microsoft-ads": ["microsoft", "microsoft_ads", "bing", "bing-ads", "msads", "microsoft-advertising"],
  "amazon-ads": ["amazon", "amazon_ads", "amazon-advertising", "sponsored-products"],
  "x-ads": ["x", "x_ads", "twitter", "twitter-ads"],
  meta: ["facebook", "fb", "instagram", "meta-ads", "facebook-ads"],
  linkedin: ["linkedin-ads", "linked-in"],
  tiktok: ["tiktok-ads", "tik-tok"],
  reddit: ["reddit-ads"],
  dv360: ["dbm", "display-video-360", "dv-360"],
  cm360: ["dcm", "campaign-manager", "campaign-manager-360", "doubleclick"],
};

const spelling = (name: string) => name.trim().toLowerCase().replace(/[\s_]+/g, "-");

const BY_NAME = new Map<string, SourceId>();
for (const id of SOURCE_IDS) {
  BY_NAME.set(id, id);
  for (const a of SOURCE_ALIASES[id]) BY_NAME.set(spelling(a), id);
}

/**
 * The canonical id of the ad platform a name means (its id or an alias, any case), or null.
 * @example platformSource("Google_Ads") // "google-ads"
 */
export function platformSource(name: string): SourceId | null {
  return BY_NAME.get(spelling(name)) ?? null;
}

/**
 * The source id to store for a name: a platform's canonical id, or any other name (a publisher,
 * "direct", "tracked") as it is, trimmed.
 * @example canonicalSource("bing") // "microsoft-ads"; canonicalSource("direct") // "direct"
 */
export function canonicalSource(name: string): string {
  return platformSource(name) ?? name.trim();
}

/**
 * Every name that maps to a canonical id other than itself, as stored by an earlier cpi: what
 * migration 2 rewrites. @example storedAliases(["google_ads", "meta", "direct"]) // [["google_ads", "google-ads"]]
 */
export function storedAliases(stored: readonly string[]): [string, SourceId][] {
  const out: [string, SourceId][] = [];
  for (const s of stored) {
    const id = platformSource(s);
    if (id !== null && id !== s) out.push([s, id]);
  }
  return out;
}
