// For the tests that compare a report read in parts with the same report read whole.
import { type SpendColumns, spendRowsOf } from "../domain/spend-columns.js";
import { type ParseOptions, parseReport } from "../ingest/index.js";

/** The report read whole: its summary and rows, or the error it was refused with. */
export function parsedWhole(bytes: Uint8Array, opts: ParseOptions) {
  const batches: SpendColumns[] = [];
  try {
    const report = parseReport(bytes, opts, (b) => batches.push(b));
    return { report, rows: batches.flatMap(spendRowsOf) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The bytes as a source read in parts, counting its reads. */
export function countingSource(bytes: Uint8Array): { size: number; read(p: number, n: number): Uint8Array; reads: number } {
  return {
    size: bytes.length,
    reads: 0,
    read(p: number, n: number) {
      this.reads++;
      return bytes.slice(p, p + n);
    },
  };
}
