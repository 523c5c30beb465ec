// Discrepancies: impressions a publisher or platform reported against first-party counts.
import { get } from "../api.js";
import { errorBox, h, loading, replace } from "../dom.js";
import { change, count } from "../format.js";
import type { AppState } from "../state.js";
import { dataTable } from "../table.js";

interface Gap {
  campaign: string;
  placement: string;
  day: string;
  reported: number;
  tracked: number;
  gap: number | null;
  status: string;
}

const STATUS: Record<string, string> = { ok: "ok", over: "tracked > reported", under: "tracked < reported", not_tracked: "not tracked", not_reported: "not reported" };

export async function discrepanciesView(root: HTMLElement, s: AppState): Promise<void> {
  const out = h("div");
  replace(root, h("h1", null, "Discrepancies"), h("p", { class: "sub" }, "Reported impressions against tracked ones per campaign × placement × day; gaps beyond ±10 % flagged. Only campaigns both tracked and reported are compared, from the day their tracking began."), out);
  replace(out, loading());
  try {
    // Impressions need no currency: one request covers a store in several currencies.
    const r = await get<{ flagged: number; before_tracking: number; rows: Gap[] }>("/api/discrepancies", { from: s.from, to: s.to });
    const early = r.before_tracking > 0 ? `; ${count(r.before_tracking)} reported row${r.before_tracking === 1 ? "" : "s"} before the campaign's tracking began not compared` : "";
    replace(
      out,
      h("p", null, `${count(r.flagged)} of ${count(r.rows.length)} rows beyond the tolerance${early}`),
      dataTable<Gap>({
        // Gap and status come right after where: on a phone they are the columns that stay in view.
        columns: [
          { key: "where", label: "Campaign / placement", value: (x) => `${x.campaign} ${x.placement}`, render: (x) => h("span", { class: "name where" }, x.campaign, h("small", null, x.placement || "(all)")) },
          { key: "gap", label: "Gap", numeric: true, value: (x) => x.gap, render: (x) => change(x.gap) },
          { key: "status", label: "Status", value: (x) => x.status, render: (x) => h("span", { class: `status ${x.status}` }, STATUS[x.status] ?? x.status) },
          { key: "day", label: "Day", value: (x) => x.day },
          { key: "reported", label: "Reported", numeric: true, value: (x) => x.reported, render: (x) => count(x.reported) },
          { key: "tracked", label: "Tracked", numeric: true, value: (x) => x.tracked, render: (x) => count(x.tracked) },
        ],
        rows: r.rows,
        filterKeys: ["where"],
      }),
    );
  } catch (e) {
    replace(out, errorBox(e));
  }
}
