/**
 * A frequency distribution: `exact[k-1]` people saw exactly k impressions (k = 1, 2, …). The last
 * entry may stand for "k or more" when `lastIsOpen` is true (as in a 10+ bucket).
 */
export interface FrequencyDistribution {
  exact: readonly number[];
  lastIsOpen?: boolean;
}

/** One row of a bucketed distribution: "1", "2", …, "10+". */
export interface FrequencyBucket {
  label: string;
  /** Smallest frequency in the bucket. */
  from: number;
  /** Largest frequency in the bucket, or null for the open last bucket. */
  to: number | null;
  people: number;
  /** Share of all reached people, or null when nobody was reached. */
  share: number | null;
}

/**
 * Counts people by how many impressions each saw, from per-person exposure counts (zeros ignored).
 * @example frequencyFromExposures([1, 1, 2, 5]) // { exact: [2, 1, 0, 0, 1] }
 */
export function frequencyFromExposures(exposures: Iterable<number>): FrequencyDistribution {
  const exact: number[] = [];
  for (const e of exposures) {
    if (!(e >= 1)) continue;
    const k = Math.floor(e);
    while (exact.length < k) exact.push(0);
    exact[k - 1] = (exact[k - 1] ?? 0) + 1;
  }
  return { exact };
}

/**
 * Groups a distribution into buckets 1, 2, …, cap−1 and "cap+" (default cap 10). When the input's own
 * last bucket is open below the cap (e.g. "5+"), the output stops there.
 * @example frequencyBuckets({ exact: [5, 3, 2] }, 3).map((b) => `${b.label}:${b.people}`) // ["1:5", "2:3", "3+:2"]
 */
export function frequencyBuckets(dist: FrequencyDistribution, cap = 10): FrequencyBucket[] {
  const c = dist.lastIsOpen === true && dist.exact.length > 0 ? Math.min(cap, dist.exact.length) : cap;
  const reach = totalReach(dist);
  const share = (people: number) => (reach === 0 ? null : people / reach);
  const buckets: FrequencyBucket[] = [];
  for (let k = 1; k < c; k++) {
    const people = dist.exact[k - 1] ?? 0;
    buckets.push({ label: String(k), from: k, to: k, people, share: share(people) });
  }
  const open = kPlusReach(dist, c) ?? 0;
  buckets.push({ label: `${c}+`, from: c, to: null, people: open, share: share(open) });
  return buckets;
}

/**
 * People reached at least k times (k+ reach), or null when an open last bucket below k hides it.
 * @example kPlusReach({ exact: [5, 3, 2] }, 2) // 5
 */
export function kPlusReach(dist: FrequencyDistribution, k: number): number | null {
  const from = Math.max(1, Math.ceil(k));
  if (dist.lastIsOpen === true && from > dist.exact.length) return null;
  let s = 0;
  for (let i = from; i <= dist.exact.length; i++) s += dist.exact[i - 1] ?? 0;
  return s;
}

/** Total people reached at least once. @example totalReach({ exact: [5, 3, 2] }) // 10 */
export function totalReach(dist: FrequencyDistribution): number {
  return dist.exact.reduce((s, x) => s + x, 0);
}

/**
 * Impressions implied by a distribution (exact when it has no open bucket; a lower bound otherwise).
 * @example impressionsFromFrequency({ exact: [5, 3, 2] }) // 17
 */
export function impressionsFromFrequency(dist: FrequencyDistribution): number {
  return dist.exact.reduce((s, x, i) => s + x * (i + 1), 0);
}

/**
 * Average frequency = impressions / reach, or null when nobody was reached.
 * @example averageFrequency(500_000, 125_000) // 4
 */
export function averageFrequency(impressions: number, reach: number): number | null {
  return reach > 0 ? impressions / reach : null;
}

/**
 * Cost per thousand people reached, or null when nobody was reached.
 * @example costPerThousandReached(5000, 125_000) // 40
 */
export function costPerThousandReached(cost: number, reach: number): number | null {
  return reach > 0 ? (1000 * cost) / reach : null;
}
