// A large generic CSV export written as a stream (a 5 GB file never held in memory), with the sums of
// what it holds, for the large-file import benchmark and its checks. Distinct days, accounts and
// campaigns; a quoted campaign name with a comma every so often (parts are cut outside quotes).
import { closeSync, openSync, writeSync } from "node:fs";

export interface LargeExport {
  rows: number;
  bytes: number;
  /** Sums, cost in micros (exact as bigint). */
  cost: bigint;
  impressions: number;
  clicks: number;
}

const HEADER = "date,source,account,campaign,ad_group,ad,currency,cost,impressions,clicks\n";
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2020, 0, 1);

/** Writes about `bytes` bytes of CSV to `path` (whole lines: a little more). */
export function writeLargeExport(path: string, bytes: number): LargeExport {
  const fd = openSync(path, "w");
  const out: LargeExport = { rows: 0, bytes: 0, cost: 0n, impressions: 0, clicks: 0 };
  let costMicros = 0;
  let day = "";
  try {
    out.bytes += writeSync(fd, HEADER);
    while (out.bytes < bytes) {
      let chunk = "";
      for (let k = 0; k < 50_000; k++, out.rows++) {
        const i = out.rows;
        const c = (i * 7919) % 100_000; // cents
        const imp = (i * 31) % 50_000;
        const clk = (i * 17) % 700;
        costMicros += c * 10_000;
        out.impressions += imp;
        out.clicks += clk;
        // Each (day, account, campaign, group, ad) once: the day moves every 100k rows over ~27 years.
        if (i % 100_000 === 0) day = new Date(EPOCH + (Math.floor(i / 100_000) % 10_000) * DAY_MS).toISOString().slice(0, 10);
        const campaign = i % 101 === 0 ? `"Campaign ${i % 1000}, quoted"` : `Campaign ${i % 1000}`;
        chunk += `${day},meta,acct-${i % 9},${campaign},Group ${i % 17},Ad ${i % 100_000},USD,${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")},${imp},${clk}\n`;
      }
      out.bytes += writeSync(fd, chunk);
      if (costMicros > 2 ** 52) {
        out.cost += BigInt(costMicros);
        costMicros = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  out.cost += BigInt(costMicros);
  return out;
}
