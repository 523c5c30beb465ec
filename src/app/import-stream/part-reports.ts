// The reports of a file's parts (each parsed behind the file's own head: see parse-parts.ts and
// xlsx-parts.ts) made into the one report a whole read gives.
import type { ParsedReport, ParseIssue } from "../../domain/spend.js";

const NO_ROWS = "the file has no data rows";

const issueKey = (i: ParseIssue) => `${i.severity}\u0000${i.line}\u0000${i.column ?? ""}\u0000${i.message}`;

/**
 * Collects the parts' reports in order. `add` takes a part's report, the lines of the head it was read
 * behind, and how far its lines are from the file's; `report` gives the whole once the last is added.
 * @example const parts = new PartReports(); parts.add(first, 1, 0); parts.add(second, 1, 1000); parts.report(rowsHanded)
 */
export class PartReports {
  private merged: ParsedReport | null = null;
  private readonly statuses = new Map<string, NonNullable<ParsedReport["statuses"]>[number]>();
  private readonly firstPart = new Set<string>();
  private readonly slack: NonNullable<ParsedReport["bucketSlack"]> = {};

  /** Adds a part's report; true when the file should be read no further (the parser could not place it, or its data ended). */
  add(parsed: ParsedReport, headLines: number, shift: number): boolean {
    const report = this.merged;
    if (report === null) {
      this.merged = { ...parsed, rows: [...parsed.rows], rowLines: [...parsed.rowLines], reach: [...parsed.reach], issues: [...parsed.issues], fileTotals: [...parsed.fileTotals] };
      for (const i of parsed.issues) this.firstPart.add(issueKey(i));
    } else {
      // Issues about the file as a whole come again from every part (at the same place in it): once.
      // The head's own issues (repeated in every part) are left out.
      for (const i of parsed.issues) if (!this.firstPart.has(issueKey(i)) && i.line > headLines) report.issues.push({ ...i, line: i.line + shift });
      report.fileTotals.push(...parsed.fileTotals.map((t) => (t.line === undefined ? t : { ...t, line: t.line + shift })));
      for (const r of parsed.rows) report.rows.push(r);
      for (const l of parsed.rowLines) report.rowLines.push(l + shift);
      for (const r of parsed.reach) report.reach.push(r);
    }
    const slack = this.slack;
    for (const [m, v] of Object.entries(parsed.bucketSlack ?? {})) slack[m as keyof typeof slack] = (slack[m as keyof typeof slack] ?? 0) + (v ?? 0);
    for (const st of parsed.statuses ?? []) this.statuses.set(`${st.source}\u0000${st.account_id}\u0000${st.campaign_id}\u0000${st.campaign}`, st);
    // A file the parser could not place is read no further: every part would say the same.
    const failed = parsed.format === "unknown" && parsed.issues.some((i) => i.severity === "error");
    return failed || parsed.dataEnded === true;
  }

  /** The file's report, `handed` rows having gone out in batches. */
  report(handed: number): ParsedReport {
    const out = this.merged as ParsedReport;
    const slack = this.slack;
    // What masked cells left out anywhere in the file is each totals row's slack, as in a whole read.
    if (Object.keys(slack).length > 0) {
      out.bucketSlack = slack;
      out.fileTotals = out.fileTotals.map((t) => (slack[t.measure] ? { ...t, slack: slack[t.measure] } : t));
    }
    // Each part that held no data row (a summary row alone, a footer) said the file had none.
    const none = out.issues.filter((i) => i.message === NO_ROWS);
    if (handed + out.rows.length > 0 || none.length > 1) out.issues = out.issues.filter((i) => i.message !== NO_ROWS || (handed + out.rows.length === 0 && i === none[0]));
    if (this.statuses.size > 0) out.statuses = [...this.statuses.values()];
    return out;
  }
}
