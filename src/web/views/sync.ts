// Sync: per connection to an ad platform (`cpi connect add`), when a sync last succeeded, the last
// error in plain words and the freshest day the store holds for each account.
import { get } from "../api.js";
import { errorBox, h, loading, replace } from "../dom.js";
import type { AppState } from "../state.js";
import { dataTable } from "../table.js";

interface AccountStatus {
  account: string;
  last_success: string | null;
  last_error: string | null;
  synced_through: string | null;
  freshest_day: string | null;
}

interface ConnectionStatus {
  name: string;
  platform: string;
  label: string;
  last_success: string | null;
  last_error: string | null;
  accounts: AccountStatus[];
}

type Row = AccountStatus & { connection: string; label: string };

/** "2026-11-20T06:00:12.345Z" → "2026-11-20 06:00 UTC". */
const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "never");

export async function syncView(root: HTMLElement, _s: AppState): Promise<void> {
  const out = h("div");
  replace(root, h("h1", null, "Sync"), h("p", { class: "sub" }, "Spend pulled from the ad platforms' APIs: connections are added with 'cpi connect add'; 'cpi sync' or 'cpi serve --sync-every 6h' pulls them."), out);
  replace(out, loading());
  try {
    const r = await get<{ connections: ConnectionStatus[] }>("/api/sync");
    if (r.connections.length === 0) {
      replace(out, h("p", { class: "empty", data: { testid: "no-connections" } }, "No connections yet: add one with 'cpi connect add google-ads' or 'cpi connect add meta' (see docs/sync.md)."));
      return;
    }
    const rows: Row[] = r.connections.flatMap((c) => c.accounts.map((a) => ({ ...a, connection: c.name, label: c.label })));
    replace(
      out,
      h(
        "ul",
        { class: "sync-connections", data: { testid: "connections" } },
        r.connections.map((c) =>
          h("li", null, h("strong", null, c.name), ` (${c.label}): last full sync ${when(c.last_success)}`, c.last_error ? h("span", { class: "status over" }, ` — ${c.last_error}`) : null),
        ),
      ),
      dataTable<Row>({
        testId: "sync-accounts",
        columns: [
          { key: "connection", label: "Connection", value: (x) => x.connection },
          { key: "account", label: "Account", value: (x) => x.account },
          { key: "last_success", label: "Last success", value: (x) => x.last_success, render: (x) => when(x.last_success) },
          { key: "synced_through", label: "Synced through", value: (x) => x.synced_through, render: (x) => x.synced_through ?? "—" },
          { key: "freshest_day", label: "Freshest day in the store", value: (x) => x.freshest_day, render: (x) => x.freshest_day ?? "—" },
          { key: "last_error", label: "Last error", value: (x) => x.last_error, render: (x) => (x.last_error ? h("span", { class: "status over sync-error" }, x.last_error) : "—") },
        ],
        rows,
        filterKeys: ["connection", "account"],
      }),
    );
  } catch (e) {
    replace(out, errorBox(e));
  }
}
