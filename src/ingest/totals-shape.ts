// Totals rows told by their shape, whatever the platform writes in them: where the row's identities
// belong (campaign, ad group, ad, their ids, the day, the breakdowns) it has only labels ("Total",
// "Total of 3 campaigns", "Gesamt: Konto"), placeholders ("-", "--") or nothing, while its measures
// are filled. Such a row is no data row: its figures are checked against the sum of the rows.
import type { Columns, Role } from "./columns.js";
import type { CellOf } from "./platform-rows.js";
import { isPlaceholderText } from "./record-reader.js";

/**
 * The roles that identify a data row: a totals row has none of them. Report-wide dates are not
 * among them. The day and the ids come first: digits, they settle most records on their first
 * character (the fast scan's test).
 */
const IDENTITIES: readonly Role[] = [
  "date",
  "campaign_id",
  "ad_group_id",
  "ad_id",
  "campaign",
  "ad_group",
  "ad",
  "age",
  "gender",
  "country",
  "placement",
  "device",
];

/**
 * A cell that labels a totals row, in the platforms' UI languages: "Total", "Totals", "Grand Total",
 * "Total: Account", "Total of 2 campaigns", "Gesamtergebnis", "Totale", "Totaal", "Łącznie",
 * "Toplam", "Jumlah", "合計". A name that merely starts with the word ("Total Wine") is not one.
 */
export const TOTALS_LABEL =
  /^(?:(?:grand|sub)\s*)?totals?(?:\s*[:：(]|\s+(?:of|de|des|du|da|do|del)\s+\d|\s+(?:général|geral|general|generale)\b|$)|^(?:gesamt(?:ergebnis|summe)?|summe|totale|totaal|suma|razem|łącznie|toplam|jumlah|合計|総計|总计)(?:\s*[:：(]|$)/i;

/** What one identity cell holds: "label" (a totals label), "filler" (empty or a placeholder) or "value". */
function kindOf(raw: string): "label" | "filler" | "value" {
  const t = raw.trim();
  if (t === "" || isPlaceholderText(t)) return "filler";
  return TOTALS_LABEL.test(t) ? "label" : "value";
}

/**
 * The shape rule of a file's columns: `label` gives a record's totals label by shape (a label
 * found in an identity cell, or "totals row"), or null for a data row; `possible` is the cheap test
 * the fast scan runs first (false: surely a data row). Null when the file has no identity column.
 * @example shapeTotals(columns)?.label((i) => ["Total of 2 campaigns", "-", "-"][i] ?? "") // "Total of 2 campaigns"
 */
export function shapeTotals(
  columns: Columns,
  extra: readonly number[] = [],
): { columns: readonly number[]; label(cell: CellOf): string | null; possible(cell: CellOf): boolean } | null {
  const cols = [...new Set([...IDENTITIES.map((r) => columns.index[r]).filter((i): i is number => i !== undefined), ...extra])];
  const measures = (["cost", "cost_micros", "impressions", "clicks"] as const).map((r) => columns.index[r]).filter((i): i is number => i !== undefined);
  if (cols.length === 0 || measures.length === 0) return null;
  // Identity cells repeat: each distinct one is classified once.
  const seen = new Map<string, "label" | "filler" | "value">();
  const kind = (raw: string) => {
    let k = seen.get(raw);
    if (k === undefined) {
      k = kindOf(raw);
      if (seen.size >= 4096) seen.clear();
      seen.set(raw, k);
    }
    return k;
  };
  const possible = (cell: CellOf) => {
    for (const c of cols) if (kind(cell(c)) === "value") return false;
    return true;
  };
  return {
    columns: cols,
    possible,
    label(cell) {
      let label: string | null = null;
      for (const c of cols) {
        const raw = cell(c);
        const k = kind(raw);
        if (k === "value") return null;
        if (k === "label" && label === null) label = raw.trim();
      }
      // A row of fillers only is a totals row when it states some measure (else it is blank).
      if (label === null && !measures.some((m) => !isFillerMeasure(cell(m)))) return null;
      return label ?? "totals row";
    },
  };
}

function isFillerMeasure(raw: string): boolean {
  const t = raw.trim();
  return t === "" || isPlaceholderText(t);
}
