import { terminalSafe } from "./format.js";

/** Characters a terminal shows for `s` (code points: a surrogate pair is one). @example shownLength("a😀") // 2 */
function shownLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Renders rows as an aligned text table. Columns listed in `numeric` are right-aligned. Every cell
 * is made terminal-safe (campaign names come from files). Linear in the cells: a table of 100,000
 * rows is measured and padded in one pass each, with no argument list as long as the table.
 */
export function renderTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set(), footer?: string[]): string {
  const all = [header, ...rows, ...(footer ? [footer] : [])].map((r) => r.map((c) => terminalSafe(c)));
  const lengths = all.map((r) => r.map(shownLength));
  const widths = header.map((_, i) => {
    let w = 0;
    for (const r of lengths) w = Math.max(w, r[i] ?? 0);
    return w;
  });
  const line = (r: string[], n: number[]) => {
    let out = "";
    for (let i = 0; i < r.length; i++) {
      const c = r[i] as string;
      const pad = " ".repeat(Math.max(0, (widths[i] ?? 0) - (n[i] ?? 0)));
      if (i > 0) out += "  ";
      out += numeric.has(i) ? pad + c : c + pad;
    }
    return out.trimEnd();
  };
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const out = [line(all[0] as string[], lengths[0] as number[]), rule];
  for (let i = 1; i <= rows.length; i++) out.push(line(all[i] as string[], lengths[i] as number[]));
  if (footer) out.push(rule, line(all[all.length - 1] as string[], lengths[lengths.length - 1] as number[]));
  return `${out.join("\n")}\n`;
}
