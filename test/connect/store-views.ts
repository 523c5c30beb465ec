// What the connector suites compare: the store's totals per account against the delivery a fake
// served, everything stored for an account (to prove a failed account untouched), platform reach rows,
// and `cpi report` outputs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { FakeAccount, FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { cpiEnv } from "./fakes.js";

/** Per source and account: currency, zone, rows, cost, impressions, clicks, first and last day. */
export async function storeTotals(db: string): Promise<Record<string, unknown>[]> {
  const store = await DuckDbStore.open(db);
  try {
    const rows = await store.query("SELECT source, account_id, currency, account_timezone AS tz, count(*) AS n, sum(cost_micros) AS cost, sum(impressions) AS impr, sum(clicks) AS clicks, min(date_start) AS first, max(date_end) AS last FROM spend GROUP BY ALL ORDER BY ALL");
    return rows.map((r) => ({ ...r, first: String(r.first), last: String(r.last) }));
  } finally {
    await store.close();
  }
}

/**
 * The same totals computed from the served delivery over each account's synced window (ad rows
 * only when `adsOnly`: platforms whose campaign rows are not synced).
 * @example expectedTotals("meta", data, (a) => ({ from, to: yesterday(a.timezone) }), true)
 */
export function expectedTotals(source: string, data: FakeDelivery, window: (a: FakeAccount) => { from: string; to: string }, adsOnly: boolean): Record<string, unknown>[] {
  return data.accounts.map((a) => {
    const w = window(a);
    const days = (data.days.get(a.id) ?? []).filter((d) => d.date >= w.from && d.date <= w.to && (!adsOnly || d.adId !== ""));
    const dates = days.map((d) => d.date).sort();
    return {
      source,
      account_id: a.id,
      currency: a.currency,
      tz: a.timezone,
      n: BigInt(days.length),
      cost: days.reduce((s, d) => s + d.costMicros, 0n),
      impr: BigInt(days.reduce((s, d) => s + d.impressions, 0)),
      clicks: BigInt(days.reduce((s, d) => s + d.clicks, 0)),
      first: dates[0],
      last: dates[dates.length - 1],
    };
  });
}

/** Everything the store holds for each account (spend and reach), in order, without import ids. */
export async function accountSnapshots(db: string, ids: readonly string[]): Promise<Map<string, string>> {
  const store = await DuckDbStore.open(db);
  try {
    const out = new Map<string, string>();
    for (const id of ids) {
      const spend = await store.query(`SELECT * EXCLUDE (import_id) FROM spend WHERE account_id = '${id}' ORDER BY ALL`);
      const reach = await store.query(`SELECT * EXCLUDE (import_id) FROM platform_reach WHERE account_id = '${id}' ORDER BY ALL`);
      out.set(id, JSON.stringify({ spend, reach }, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
    }
    return out;
  } finally {
    await store.close();
  }
}

async function queryStore(dir: string, sql: string): Promise<unknown[]> {
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    return await store.query(sql);
  } finally {
    await store.close();
  }
}

/** The platform reach rows of the store in `dir`, in order. */
export const reachRows = (dir: string) => queryStore(dir, "SELECT source, account_id, level, campaign, ad_group, ad, date_start, date_end, reach, impressions, frequency FROM platform_reach ORDER BY ALL");

/** Each account's identity as stored: the same whether synced or imported (zone, name and currency included). */
export const accountRows = (dir: string) => queryStore(dir, "SELECT DISTINCT source, account_id, account_name, account_timezone, currency FROM spend ORDER BY ALL");

/** Reports a user would check: every entity by day, totals per account, and by week. */
export const REPORTS = [
  ["--by", "source,account,currency,campaign,ad_group,ad,day", "--metrics", "cost,impressions,clicks,conversions,revenue,cpi,cpa,roas"],
  ["--by", "source,account,currency", "--metrics", "cost,impressions,clicks,conversions,revenue,cpm,ctr"],
  ["--by", "currency,week", "--metrics", "cost,impressions,cpi"],
];

/** The CSV output of each of REPORTS over the store in `dir`. */
export async function reports(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const args of REPORTS) {
    const r = await cpiEnv(dir, {}, "report", ...args, "--format", "csv");
    assert.equal(r.code, 0, r.stderr);
    out.push(r.stdout);
  }
  return out;
}
