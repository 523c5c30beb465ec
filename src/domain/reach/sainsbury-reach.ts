import { UserError } from "../errors.js";

/**
 * Deduplicated reach of channels whose audiences are independent (random duplication), the
 * "Sainsbury" formula R = N·(1 − Π(1 − rᵢ/N)). This is the pure random-duplication variant, not the
 * Telmar/AMIC one that subtracts a further ~5 %. Channel reaches above N are capped at N.
 * @example sainsburyReach([400_000, 300_000], 1_000_000) // 580000
 */
export function sainsburyReach(reaches: readonly number[], audience: number): number {
  if (!(audience > 0) || !Number.isFinite(audience)) {
    throw new UserError("bad_audience", `the audience size must be a positive number, got ${audience}`);
  }
  let notReached = 1;
  for (const r of reaches) {
    if (!(r >= 0) || !Number.isFinite(r)) throw new UserError("bad_reach", `a channel's reach must be a non-negative number, got ${r}`);
    notReached *= 1 - Math.min(r, audience) / audience;
  }
  return audience * (1 - notReached);
}

/**
 * Deduplicated reach as a fraction of the universe from channel reach fractions, 1 − Π(1 − rᵢ).
 * @example sainsburyReachShare(new Array(400).fill(0.001)) // ≈ 0.3298 (400 spots at a 0.1 rating)
 */
export function sainsburyReachShare(shares: readonly number[]): number {
  let notReached = 1;
  for (const r of shares) notReached *= 1 - Math.min(Math.max(r, 0), 1);
  return 1 - notReached;
}
