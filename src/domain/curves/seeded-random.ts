import { mulberry32 } from "../stats/random.js";

// One seeded generator for the whole domain: it lives in stats/random.ts.
export { mulberry32 };

/**
 * A standard normal draw from a uniform generator (Box–Muller).
 * @example normalDraw(mulberry32(1)) // a number near 0
 */
export function normalDraw(rand: () => number): number {
  let u = rand();
  while (u <= 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
