// Sample-ratio mismatch: are the units split between the arms as the randomisation intended?
// (gbstats `check_srm`.)

import { chiSquareSf } from "./distributions.js";

/**
 * χ² goodness-of-fit of observed units per arm against the intended weights (equal by default):
 * χ² = Σ (o − e)²/e with e = w/Σw · Σo, p = P(χ²_{k−1} > χ²); null with fewer than 2 arms or no units.
 * @example sampleRatioMismatch([1030, 970]) // { chiSquare: 1.8, pValue: 0.1797… }
 */
export function sampleRatioMismatch(observed: readonly number[], weights?: readonly number[]): { chiSquare: number; pValue: number } | null {
  const k = observed.length;
  const w = weights ?? observed.map(() => 1);
  if (k < 2 || w.length !== k) return null;
  const total = observed.reduce((s, x) => s + x, 0);
  const weightTotal = w.reduce((s, x) => s + x, 0);
  if (!(total > 0 && weightTotal > 0) || w.some((x) => !(x > 0))) return null;
  let chiSquare = 0;
  for (let i = 0; i < k; i++) {
    const expected = ((w[i] as number) / weightTotal) * total;
    chiSquare += ((observed[i] as number) - expected) ** 2 / expected;
  }
  return { chiSquare, pValue: chiSquareSf(chiSquare, k - 1) };
}
