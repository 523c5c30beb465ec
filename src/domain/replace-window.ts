import type { IsoDate } from "./dates.js";
import type { SpendRow } from "./spend.js";

/** What one import replaces (DESIGN rule 5): these campaigns of one source and account over a window. */
export interface ReplaceWindow {
  source: string;
  account_id: string;
  campaign_ids: string[];
  from: IsoDate;
  to: IsoDate;
}

/**
 * The windows a set of imported rows replaces: per source × account, the campaigns the rows
 * mention over the dates they cover. Campaigns the file does not mention are left alone.
 * @example replacementWindows(rows)[0] // { source: "meta", account_id: "1", campaign_ids: ["42"], from: "2026-10-01", to: "2026-10-31" }
 */
export function replacementWindows(rows: readonly SpendRow[]): ReplaceWindow[] {
  // Nested maps rather than a joined string key: this runs once per imported row.
  const bySource = new Map<string, Map<string, { w: ReplaceWindow; ids: Set<string> }>>();
  const out: { w: ReplaceWindow; ids: Set<string> }[] = [];
  let last: { source: string; account: string; e: { w: ReplaceWindow; ids: Set<string> } } | null = null;
  for (const r of rows) {
    let e: { w: ReplaceWindow; ids: Set<string> } | undefined;
    if (last && last.source === r.source && last.account === r.account_id) e = last.e;
    else {
      let byAccount = bySource.get(r.source);
      if (!byAccount) {
        byAccount = new Map();
        bySource.set(r.source, byAccount);
      }
      e = byAccount.get(r.account_id);
      if (!e) {
        e = { w: { source: r.source, account_id: r.account_id, campaign_ids: [], from: r.date_start, to: r.date_end }, ids: new Set() };
        byAccount.set(r.account_id, e);
        out.push(e);
      }
      last = { source: r.source, account: r.account_id, e };
    }
    e.ids.add(r.campaign_id);
    if (r.date_start < e.w.from) e.w.from = r.date_start;
    if (r.date_end > e.w.to) e.w.to = r.date_end;
  }
  return out.map(({ w, ids }) => ({ ...w, campaign_ids: [...ids].sort() }));
}
