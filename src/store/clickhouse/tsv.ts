// TabSeparated encoding of rows for ClickHouse inserts (the format every ClickHouse version reads fastest).
import type { PlatformReachRow, SpendRow } from "../../domain/spend.js";

/** A string field escaped for TabSeparated: backslash, tab, newline and carriage return. */
export function tsvString(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : s;
}

/** A float in a form ClickHouse parses exactly (plain decimal, no exponent for ordinary values). */
function tsvFloat(x: number): string {
  return Number.isFinite(x) ? String(x) : "0";
}

/**
 * Segment ids for an import's rows: one per source × account × campaign × month, numbered within the
 * import (import id in the high bits), so ids are unique without a round trip to the server.
 */
export class SegmentIds {
  private readonly ids = new Map<string, bigint>();
  constructor(private readonly importId: number) {}

  /** The id of a group key. */
  of(key: string): bigint {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = (BigInt(this.importId) << 24n) | BigInt(this.ids.size + 1);
      this.ids.set(key, id);
    }
    return id;
  }

  /** Every id handed out. */
  all(): bigint[] {
    return [...this.ids.values()];
  }
}

const CHUNK = 8192;

/** Spend rows as TSV chunks in SPEND_COLUMN_NAMES order, plus `segment`. */
export function* spendTsv(rows: readonly SpendRow[], importId: number, segments: SegmentIds, onChunk?: (n: number) => void): Generator<string> {
  for (let off = 0; off < rows.length; off += CHUNK) {
    const end = Math.min(rows.length, off + CHUNK);
    let out = "";
    for (let i = off; i < end; i++) {
      const r = rows[i] as SpendRow;
      const seg = segments.of(`${r.source}\u0000${r.account_id}\u0000${r.campaign_id}\u0000${r.date_start.slice(0, 7)}`);
      out += `${r.date_start}\t${r.date_end}\t${tsvString(r.source)}\t${tsvString(r.account_id)}\t${tsvString(r.account_name)}\t${tsvString(r.account_timezone)}\t${tsvString(r.currency)}\t${tsvString(r.campaign_id)}\t${tsvString(r.campaign)}\t${tsvString(r.ad_group_id)}\t${tsvString(r.ad_group)}\t${tsvString(r.ad_id)}\t${tsvString(r.ad)}\t${tsvString(r.placement)}\t${tsvString(r.country)}\t${tsvString(r.device)}\t${tsvString(r.age)}\t${tsvString(r.gender)}\t${r.cost}\t${r.impressions}\t${r.clicks}\t${tsvFloat(r.conversions)}\t${r.revenue}\t${r.viewable_impressions}\t${r.measurable_impressions}\t${importId}\t${seg}\n`;
    }
    yield out;
    onChunk?.(end - off);
  }
}

/** Platform reach rows as TSV in REACH_COLUMN_NAMES order, plus `segment`. */
export function reachTsv(rows: readonly PlatformReachRow[], importId: number, segments: SegmentIds): string {
  let out = "";
  for (const r of rows) {
    const seg = segments.of(`reach\u0000${r.source}\u0000${r.account_id}\u0000${r.date_start.slice(0, 7)}`);
    const freq = r.frequency === null ? "\\N" : tsvFloat(r.frequency);
    out += `${tsvString(r.source)}\t${tsvString(r.account_id)}\t${tsvString(r.level)}\t${tsvString(r.campaign)}\t${tsvString(r.ad_group)}\t${tsvString(r.ad)}\t${r.date_start}\t${r.date_end}\t${Math.round(r.reach)}\t${Math.round(r.impressions)}\t${freq}\t${importId}\t${seg}\n`;
  }
  return out;
}
