// Reach rows for tests: every level, names with quotes and non-ASCII characters, windows of one day
// and of a month, counts past 2^32, and a frequency missing from every sixth row.
import type { PlatformReachRow } from "../domain/spend.js";

const LEVELS = ["account", "campaign", "ad_group", "ad"] as const;

/** `n` awkward reach rows, each with a distinct reach. @example awkwardReachRows(300)[0]?.level // "account" */
export function awkwardReachRows(n: number): PlatformReachRow[] {
  return Array.from({ length: n }, (_, i) => ({
    source: i % 2 ? "meta" : "linkedin",
    account_id: `act_${i % 3}`,
    level: LEVELS[i % 4] as PlatformReachRow["level"],
    campaign: i % 4 === 0 ? "" : `Été « ${i % 7} », "quoted" ${"x".repeat(i % 20)}`,
    ad_group: i % 4 >= 2 ? `Set ${i % 6}` : "",
    ad: i % 4 === 3 ? `Ad ${i}` : "",
    date_start: `2026-0${1 + (i % 9)}-01`,
    date_end: `2026-0${1 + (i % 9)}-${i % 2 ? "01" : "28"}`,
    reach: i * 1000 + 7,
    impressions: 2 ** 40 + i,
    frequency: i % 6 === 0 ? null : 1 + i / 64,
  }));
}
