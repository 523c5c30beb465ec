/** Where a platform reported a reach figure: its level, the entity's keys and the window. */
export interface LeveledReach {
  source: string;
  account: string;
  level: string;
  campaign: string;
  ad_group: string;
  ad: string;
  from: string;
  to: string;
}

const DEPTH: Record<string, number> = { account: 0, campaign: 1, ad_group: 2, ad: 3 };
const KEYS = ["campaign", "ad_group", "ad"] as const;

/** Whether `outer` is a higher-level figure whose entity and window contain `inner`'s. */
function contains(outer: LeveledReach, inner: LeveledReach): boolean {
  const o = DEPTH[outer.level];
  const i = DEPTH[inner.level];
  if (o === undefined || i === undefined || o >= i) return false;
  if (outer.source !== inner.source || outer.account !== inner.account) return false;
  for (let k = 0; k < o; k++) {
    const key = KEYS[k] as (typeof KEYS)[number];
    if (outer[key] !== inner[key]) return false;
  }
  return outer.from <= inner.from && outer.to >= inner.to;
}

/**
 * Splits platform reach figures into those to combine across channels and those a higher-level figure
 * of the same platform already contains (an account's reach is the platform's own deduplicated union of
 * its campaigns, so the campaigns must not be combined with it as further audiences).
 * @example reachAtHighestLevel([account, campaignOfIt]) // { kept: [account], contained: [campaignOfIt] }
 */
export function reachAtHighestLevel<T extends LeveledReach>(rows: readonly T[]): { kept: T[]; contained: T[] } {
  const kept: T[] = [];
  const contained: T[] = [];
  for (const r of rows) (rows.some((o) => contains(o, r)) ? contained : kept).push(r);
  return { kept, contained };
}
