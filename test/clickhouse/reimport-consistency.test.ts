// test:slow
// Re-imports on ClickHouse are atomic for readers: while a writer keeps replacing a window (with
// copy-forward of the rows around it), concurrent readers only ever see the store before or after an
// import, never double-counted rows and never half an import — on one server and on the cluster.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpendRow } from "../../src/domain/spend.js";
import type { Store } from "../../src/store/store.js";
import { randomSpendRows } from "../../src/test-support/random-spend.js";
import { clusterForFile } from "./harness.js";
import { clusterStore, singleStore } from "./stores.js";

const { skip, cluster } = clusterForFile(2);

async function totals(store: Store): Promise<string> {
  const r = (await store.query("SELECT COUNT(*) AS n, SUM(cost_micros) AS cost, SUM(impressions) AS imp FROM spend"))[0];
  return `${r?.n}/${r?.cost ?? 0}/${r?.imp ?? 0}`;
}

async function hammer(store: Store): Promise<{ reads: number; states: Map<string, number> }> {
  // A: two months of every campaign. B: a newer export of ten days of some campaigns (cuts A's segments).
  const a = randomSpendRows({ seed: 11, rows: 20_000, days: 60, start: "2026-09-01", sources: ["meta"], campaigns: 8 });
  const b = randomSpendRows({ seed: 12, rows: 3_000, days: 10, start: "2026-09-25", sources: ["meta"], campaigns: 3 }).map((r): SpendRow => ({ ...r, impressions: r.impressions + 1 }));
  const file = (name: string, rows: SpendRow[]) => [{ file: name, contentHash: name, format: "generic", rows, reach: [] }];
  await store.importSpend(file("a", a));
  const stateA = await totals(store);
  await store.importSpend(file("b", b));
  const stateAB = await totals(store);
  assert.notEqual(stateA, stateAB);
  const states = new Map<string, number>();
  let writing = true;
  let reads = 0;
  const reader = async () => {
    while (writing) {
      const t = await totals(store);
      states.set(t, (states.get(t) ?? 0) + 1);
      reads++;
    }
  };
  const writer = async () => {
    for (let i = 0; i < 12; i++) {
      await store.importSpend(file("a", a));
      await store.importSpend(file("b", b));
    }
    writing = false;
  };
  await Promise.all([writer(), reader(), reader(), reader()]);
  for (const s of states.keys()) assert.ok(s === stateA || s === stateAB, `a reader saw ${s}, neither ${stateA} nor ${stateAB}`);
  assert.equal(await totals(store), stateAB);
  return { reads, states };
}

test("readers never see a half-done re-import on one ClickHouse server", { skip }, async (t) => {
  const store = await singleStore(cluster(), "consistency");
  const r = await hammer(store);
  t.diagnostic(`${r.reads} reads during 24 imports: ${[...r.states.values()].join(" / ")} in the two states`);
  await store.close();
});

test("readers never see a half-done re-import on the two-shard cluster", { skip }, async (t) => {
  const store = await clusterStore(cluster(), "consistency");
  const r = await hammer(store);
  t.diagnostic(`${r.reads} reads during 24 imports: ${[...r.states.values()].join(" / ")} in the two states`);
  await store.close();
});
