// When to compact an append-only rollup (the tracked-event rollup on DuckDB and on ClickHouse): once
// the rows appended since the last compaction exceed the rows it kept, and at least COMPACT_MIN_ROWS,
// so each appended row is rewritten a bounded number of times (amortised).

/** Rows appended since the last compaction before the next one, at least (also its growth factor's floor). */
export const COMPACT_MIN_ROWS = 250_000;

/** Counts appended rows and says when a compaction is due. @example await s.due(300_000, count) // true once 300,000 ≥ the rows kept */
export class CompactionSchedule {
  private kept: number | null = null;
  private added = 0;

  constructor(private readonly minRows = COMPACT_MIN_ROWS) {}

  /** Adds a load's appended rows; true when a compaction is due. `keptNow` (the rows stored now) is asked once, when first needed. */
  async due(rows: number, keptNow: () => Promise<number>): Promise<boolean> {
    this.added += rows;
    if (this.added < this.minRows) return false;
    this.kept ??= await keptNow();
    return this.added >= this.kept;
  }

  /** A compaction finished, keeping `keptRows` rows. */
  compacted(keptRows: number): void {
    this.added = 0;
    this.kept = keptRows;
  }
}
