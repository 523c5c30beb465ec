import {
  BIGINT,
  DATE,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBDateValue,
  type DuckDBType,
  type DuckDBValue,
  VARCHAR,
} from "@duckdb/node-api";
import { isoToEpochDay } from "../../domain/dates.js";
import type { SpendRow } from "../../domain/spend.js";
import { SPEND_COLUMNS } from "./schema.js";

const CHUNK = 2048;
const STRING_FIELDS = [
  "source",
  "account_id",
  "account_name",
  "account_timezone",
  "currency",
  "campaign_id",
  "campaign",
  "ad_group_id",
  "ad_group",
  "ad_id",
  "ad",
  "placement",
  "country",
  "device",
  "age",
  "gender",
] as const satisfies readonly (keyof SpendRow)[];

const TYPES: DuckDBType[] = SPEND_COLUMNS.map(([, t]) =>
  t.startsWith("DATE") ? DATE : t.startsWith("VARCHAR") ? VARCHAR : t.startsWith("DOUBLE") ? DOUBLE : BIGINT,
);

/**
 * Appends spend rows column by column in chunks of 2048 (DuckDB's vector size): far faster than
 * row-by-row appends from JS. Column order follows SPEND_COLUMNS.
 */
export function appendSpendRows(appender: DuckDBAppender, rows: readonly SpendRow[], importId: number, onChunk?: (n: number) => void): void {
  const dates = new Map<string, DuckDBDateValue>();
  const date = (iso: string) => {
    let v = dates.get(iso);
    if (!v) {
      v = new DuckDBDateValue(isoToEpochDay(iso) as number);
      dates.set(iso, v);
    }
    return v;
  };
  const id = BigInt(importId);
  for (let off = 0; off < rows.length; off += CHUNK) {
    const n = Math.min(CHUNK, rows.length - off);
    const cols: DuckDBValue[][] = TYPES.map(() => new Array<DuckDBValue>(n));
    for (let i = 0; i < n; i++) {
      const r = rows[off + i] as SpendRow;
      (cols[0] as DuckDBValue[])[i] = date(r.date_start);
      (cols[1] as DuckDBValue[])[i] = date(r.date_end);
      for (let s = 0; s < STRING_FIELDS.length; s++) (cols[2 + s] as DuckDBValue[])[i] = r[STRING_FIELDS[s] as (typeof STRING_FIELDS)[number]];
      (cols[18] as DuckDBValue[])[i] = r.cost;
      (cols[19] as DuckDBValue[])[i] = BigInt(r.impressions);
      (cols[20] as DuckDBValue[])[i] = BigInt(r.clicks);
      (cols[21] as DuckDBValue[])[i] = r.conversions;
      (cols[22] as DuckDBValue[])[i] = r.revenue;
      (cols[23] as DuckDBValue[])[i] = BigInt(r.viewable_impressions);
      (cols[24] as DuckDBValue[])[i] = BigInt(r.measurable_impressions);
      (cols[25] as DuckDBValue[])[i] = id;
    }
    const chunk = DuckDBDataChunk.create(TYPES, n);
    chunk.setColumns(cols);
    appender.appendDataChunk(chunk);
    onChunk?.(n);
  }
}
