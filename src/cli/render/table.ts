import { terminalSafe } from "./format.js";

/**
 * Renders rows as an aligned text table. Columns listed in `numeric` are right-aligned. Every cell
 * is made terminal-safe (campaign names come from files).
 */
export function renderTable(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set(), footer?: string[]): string {
  const all = [header, ...rows, ...(footer ? [footer] : [])].map((r) => r.map((c) => terminalSafe(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => {
        const pad = " ".repeat(Math.max(0, (widths[i] ?? 0) - [...c].length));
        return numeric.has(i) ? pad + c : c + pad;
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const out = [line(all[0] as string[]), rule, ...all.slice(1, rows.length + 1).map(line)];
  if (footer) out.push(rule, line(all[all.length - 1] as string[]));
  return `${out.join("\n")}\n`;
}
