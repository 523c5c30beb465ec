/**
 * Remembers recent (type, impression id) pairs to spot an impression counted twice. Two generations
 * of at most `capacity` entries each: memory stays bounded, and an id is remembered for at least
 * `capacity` later ids.
 *
 * A pair is kept as a 64-bit fingerprint in an open-addressing table of typed arrays, not as a string
 * in a Set: two Sets of a million strings each cost a third of the recorder's time per event (hashing
 * a new concatenated string, rehashing as a Set grows, and the garbage collector walking two million
 * live strings). Two different ids share a fingerprint with a probability of about 2⁻⁶⁴ per pair:
 * with 2M ids remembered, a new id is wrongly taken for a duplicate about once in 10¹³ events.
 * @example const s = new SeenIds(); s.checkAndAdd("impression", "a1") // false, then true
 */
export class SeenIds {
  private current: FingerprintTable;
  private previous: FingerprintTable;

  constructor(private readonly capacity = 1_000_000) {
    this.current = new FingerprintTable(capacity);
    this.previous = new FingerprintTable(capacity);
  }

  /** True when the pair was seen before; records it either way. */
  checkAndAdd(type: string, id: string): boolean {
    fingerprint(type, id);
    const { hi, lo } = FP;
    if (this.current.has(hi, lo) || this.previous.has(hi, lo)) return true;
    if (this.current.size >= this.capacity) {
      const old = this.previous;
      this.previous = this.current;
      old.clear();
      this.current = old;
    }
    this.current.add(hi, lo);
    return false;
  }

  /** Forgets a pair (its request was not stored after all). */
  forget(type: string, id: string): void {
    fingerprint(type, id);
    this.current.remove(FP.hi, FP.lo);
  }
}

/** The last fingerprint computed (two 32-bit halves; no allocation per id). */
const FP = { hi: 0, lo: 0 };

/** murmur3's finaliser: every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** 64-bit fingerprint of the type's first letter and the id, from two differently seeded 32-bit hashes. */
function fingerprint(type: string, id: string): void {
  let a = 0x811c9dc5 ^ type.charCodeAt(0);
  let b = Math.imul(0x9747b28c ^ type.charCodeAt(0), 0xcc9e2d51);
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x1b873593);
    b = (b << 13) | (b >>> 19);
  }
  FP.hi = fmix(a ^ id.length);
  FP.lo = fmix(b ^ Math.imul(id.length, 0x85ebca6b));
}

const EMPTY = 0;
const REMOVED = 1;

/** A set of 64-bit fingerprints: linear probing over twice `capacity` slots; (0, 0) marks a free slot, (0, 1) a removed one. */
class FingerprintTable {
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.mask = slots - 1;
  }

  private static norm(hi: number, lo: number): number {
    // Fingerprints that look like a free or removed slot are moved aside (it costs nothing in practice).
    return hi === 0 && (lo === EMPTY || lo === REMOVED) ? 2 : lo;
  }

  has(hi: number, rawLo: number): boolean {
    const lo = FingerprintTable.norm(hi, rawLo);
    for (let i = (hi ^ lo) & this.mask; ; i = (i + 1) & this.mask) {
      const h = this.hi[i] as number;
      const l = this.lo[i] as number;
      if (h === hi && l === lo) return true;
      if (h === 0 && l === EMPTY) return false;
    }
  }

  add(hi: number, rawLo: number): void {
    const lo = FingerprintTable.norm(hi, rawLo);
    let i = (hi ^ lo) & this.mask;
    while (this.hi[i] !== 0 || this.lo[i] !== EMPTY) i = (i + 1) & this.mask;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.size++;
  }

  remove(hi: number, rawLo: number): void {
    const lo = FingerprintTable.norm(hi, rawLo);
    for (let i = (hi ^ lo) & this.mask; ; i = (i + 1) & this.mask) {
      const h = this.hi[i] as number;
      const l = this.lo[i] as number;
      if (h === hi && l === lo) {
        // A removed slot keeps later entries of its probe chain reachable; it still counts in `size`.
        this.hi[i] = 0;
        this.lo[i] = REMOVED;
        return;
      }
      if (h === 0 && l === EMPTY) return;
    }
  }

  clear(): void {
    this.hi.fill(0);
    this.lo.fill(0);
    this.size = 0;
  }
}
