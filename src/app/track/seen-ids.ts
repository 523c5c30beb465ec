/**
 * Remembers recent (type, impression id) pairs to spot an impression counted twice. Two generations
 * of at most `capacity` entries each: memory stays bounded, and an id is remembered for at least
 * `capacity` later ids.
 * @example const s = new SeenIds(); s.checkAndAdd("impression", "a1") // false, then true
 */
export class SeenIds {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 1_000_000) {}

  /** True when the pair was seen before; records it either way. */
  checkAndAdd(type: string, id: string): boolean {
    const k = `${type[0]}${id}`;
    if (this.current.has(k) || this.previous.has(k)) return true;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(k);
    return false;
  }

  /** Forgets a pair (its request was not stored after all). */
  forget(type: string, id: string): void {
    this.current.delete(`${type[0]}${id}`);
  }
}
