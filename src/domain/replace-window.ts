import type { IsoDate } from "./dates.js";
import { epochDayToIso } from "./dates.js";
import type { SpendRow } from "./spend.js";
import type { SpendColumns } from "./spend-columns.js";

/** Column positions in SpendColumns.text (see SPEND_TEXT_FIELDS). */
const SOURCE = 0;
const ACCOUNT = 1;
const CAMPAIGN_ID = 5;

/** What one import replaces (DESIGN rule 5): these campaigns of one source and account over a window. */
export interface ReplaceWindow {
  source: string;
  account_id: string;
  campaign_ids: string[];
  from: IsoDate;
  to: IsoDate;
}

type Entry = { w: ReplaceWindow; ids: Set<string> };

/**
 * Collects the windows rows replace, batch after batch (a file streamed while it is parsed).
 * @example const c = new ReplaceWindowCollector(); c.add(rows); c.windows()
 */
export class ReplaceWindowCollector {
  // Nested maps rather than a joined string key: this runs once per imported row.
  private readonly bySource = new Map<string, Map<string, Entry>>();
  private readonly out: Entry[] = [];

  add(rows: readonly SpendRow[]): void {
    let last: { source: string; account: string; e: Entry } | null = null;
    for (const r of rows) {
      let e: Entry | undefined;
      if (last && last.source === r.source && last.account === r.account_id) e = last.e;
      else {
        e = this.entry(r.source, r.account_id, r.date_start, r.date_end);
        last = { source: r.source, account: r.account_id, e };
      }
      e.ids.add(r.campaign_id);
      if (r.date_start < e.w.from) e.w.from = r.date_start;
      if (r.date_end > e.w.to) e.w.to = r.date_end;
    }
  }

  /** Adds a batch of columns: grouped by dictionary codes first, so strings are touched once per batch. */
  addColumns(c: SpendColumns): void {
    const src = c.text[SOURCE] as { values: string[]; codes: Uint32Array };
    const acc = c.text[ACCOUNT] as { values: string[]; codes: Uint32Array };
    const cmp = c.text[CAMPAIGN_ID] as { values: string[]; codes: Uint32Array };
    const width = acc.values.length;
    const groups = new Map<number, { from: number; to: number; campaigns: Set<number> }>();
    for (let i = 0; i < c.length; i++) {
      const key = (src.codes[i] as number) * width + (acc.codes[i] as number);
      let g = groups.get(key);
      if (!g) {
        g = { from: c.date_start[i] as number, to: c.date_end[i] as number, campaigns: new Set() };
        groups.set(key, g);
      }
      g.campaigns.add(cmp.codes[i] as number);
      const a = c.date_start[i] as number;
      const b = c.date_end[i] as number;
      if (a < g.from) g.from = a;
      if (b > g.to) g.to = b;
    }
    for (const [key, g] of groups) {
      const source = src.values[Math.floor(key / width)] as string;
      const account = acc.values[key % width] as string;
      const from = epochDayToIso(g.from);
      const to = epochDayToIso(g.to);
      const e = this.entry(source, account, from, to);
      for (const k of g.campaigns) e.ids.add(cmp.values[k] as string);
      if (from < e.w.from) e.w.from = from;
      if (to > e.w.to) e.w.to = to;
    }
  }

  private entry(source: string, account: string, from: string, to: string): Entry {
    let byAccount = this.bySource.get(source);
    if (!byAccount) {
      byAccount = new Map();
      this.bySource.set(source, byAccount);
    }
    let e = byAccount.get(account);
    if (!e) {
      e = { w: { source, account_id: account, campaign_ids: [], from, to }, ids: new Set() };
      byAccount.set(account, e);
      this.out.push(e);
    }
    return e;
  }

  windows(): ReplaceWindow[] {
    return this.out.map(({ w, ids }) => ({ ...w, campaign_ids: [...ids].sort() }));
  }
}

/**
 * The windows a set of imported rows replaces: per source × account, the campaigns the rows
 * mention over the dates they cover. Campaigns the file does not mention are left alone.
 * @example replacementWindows(rows)[0] // { source: "meta", account_id: "1", campaign_ids: ["42"], from: "2026-10-01", to: "2026-10-31" }
 */
export function replacementWindows(rows: readonly SpendRow[]): ReplaceWindow[] {
  const c = new ReplaceWindowCollector();
  c.add(rows);
  return c.windows();
}
