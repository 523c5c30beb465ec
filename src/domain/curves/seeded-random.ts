/**
 * A seeded uniform generator on [0, 1) (mulberry32): the same seed gives the same sequence everywhere.
 * @example const rand = mulberry32(42); rand() // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A standard normal draw from a uniform generator (Box–Muller).
 * @example normalDraw(mulberry32(1)) // a number near 0
 */
export function normalDraw(rand: () => number): number {
  let u = rand();
  while (u <= 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
