/**
 * The MRC viewable-impression rule: at least `minFraction` of the ad's pixels in view for at least
 * `minMs` continuous milliseconds. Large display ads (≥ 242,500 px²) need 30 % of their pixels.
 */
export interface ViewabilityRule {
  minFraction: number;
  minMs: number;
}

export const MRC_DISPLAY: ViewabilityRule = { minFraction: 0.5, minMs: 1000 };
export const MRC_VIDEO: ViewabilityRule = { minFraction: 0.5, minMs: 2000 };
export const MRC_LARGE_DISPLAY: ViewabilityRule = { minFraction: 0.3, minMs: 1000 };
export const LARGE_AD_PIXELS = 242_500;

/** The rule for an ad. @example viewabilityRule(false, 300 * 250) // MRC_DISPLAY */
export function viewabilityRule(video: boolean, pixels: number): ViewabilityRule {
  if (video) return MRC_VIDEO;
  return pixels >= LARGE_AD_PIXELS ? MRC_LARGE_DISPLAY : MRC_DISPLAY;
}

/** A change of the ad's visible fraction at time `t` (ms); a hidden page counts as fraction 0. */
export interface VisibilitySample {
  t: number;
  fraction: number;
}

/**
 * When an ad became viewable under `rule`, given its visibility changes in time order: the first
 * moment it had been in view continuously for `minMs`; null if never (the snippet mirrors this).
 * @example viewableAt([{ t: 0, fraction: 0.6 }, { t: 1500, fraction: 0 }], MRC_DISPLAY) // 1000
 */
export function viewableAt(samples: readonly VisibilitySample[], rule: ViewabilityRule, end = Number.POSITIVE_INFINITY): number | null {
  let since: number | null = null;
  for (const s of samples) {
    if (since !== null && s.t - since >= rule.minMs) return since + rule.minMs;
    if (s.fraction >= rule.minFraction) since ??= s.t;
    else since = null;
  }
  if (since !== null && end - since >= rule.minMs) return since + rule.minMs;
  return null;
}
