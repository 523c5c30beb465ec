// test:slow
// `cpi abtest --unit visitor` on DuckDB, one ClickHouse server and the two-shard cluster (events sharded
// by visitor): the per-visitor histogram is compiled once through the dialects, its sums are integers,
// so every engine gives the same analysis to the last digit.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runAbTest } from "../../src/app/abtest.js";
import type { Filter } from "../../src/domain/query.js";
import type { NewContract } from "../../src/domain/tracking/contract.js";
import { visitorEvents } from "../visitor-test-data.js";
import { skipReason, startClickHouse, type TestCluster } from "./harness.js";
import { randomEvents } from "./random-events.js";
import { engineStores, type NamedStore } from "./stores.js";

const skip = skipReason() ?? false;
let cluster: TestCluster | null = null;
let fixed: NamedStore[] = [];
let random: NamedStore[] = [];

const october = { currency: "USD", from: "2026-10-01", to: "2026-10-31", timezone: "UTC" } as const;
const FIXED_CONTRACTS: NewContract[] = [
  { ...october, campaign: "Launch Q4", placement: "news", pricing: "flat", amount: 27_000_000n },
  { ...october, campaign: "Launch Q4", placement: "sidebar", pricing: "cpc", amount: 500_000n },
];
const RANDOM_CONTRACTS: NewContract[] = [
  { ...october, campaign: "Direct 0", placement: "", pricing: "flat", amount: 2_500_000_000n, to: "2026-10-15", timezone: "America/New_York" },
  { ...october, campaign: "Direct 1", placement: "news-site", pricing: "cpm", amount: 7_250_000n },
  { ...october, campaign: "Direct 2", placement: "", pricing: "cpc", amount: 410_000n },
];

before(async () => {
  if (skip) return;
  cluster = await startClickHouse(2);
  fixed = await engineStores(cluster);
  random = await engineStores(cluster);
  // A split by visitor: each visitor keeps the creative, placement and device of their first event,
  // except every 50th visitor (by first appearance), who stays random and so is in several arms (dropped, with a warning).
  const first = new Map<string, { creative: string; placement: string; device: string; shared: boolean }>();
  const events = randomEvents({ seed: 11, events: 8000, visitors: 1500 }).map((e) => {
    const v = first.get(e.visitor) ?? { creative: e.creative, placement: e.placement, device: e.device, shared: first.size % 50 === 49 };
    first.set(e.visitor, v);
    return v.shared ? e : { ...e, creative: v.creative, placement: v.placement, device: v.device };
  });
  for (const { store } of fixed) {
    await store.appendTrackedEvents({ logId: "log-1", from: 0, to: 1, events: visitorEvents() });
    for (const c of FIXED_CONTRACTS) await store.addContract(c);
  }
  for (const { store } of random) {
    await store.appendTrackedEvents({ logId: "log-1", from: 0, to: 1, events });
    for (const c of RANDOM_CONTRACTS) await store.addContract(c);
  }
});

after(async () => {
  for (const { store } of [...fixed, ...random]) await store.close();
  await cluster?.stop();
});

const tracked: Filter = { dimension: "source", op: "eq", values: ["tracked"] };

test("two creatives per visitor: DuckDB, ClickHouse and the cluster give the same units, cost, lift and interval", { skip }, async () => {
  for (const metric of ["ctr", "cpi", "cpc"]) {
    const results = [];
    for (const { name, store } of fixed) {
      const a = await runAbTest(store, { metric, arms: "ad", unit: "visitor", filters: [tracked], baseline: "A" });
      results.push({ name, a });
    }
    const [duck, ...others] = results;
    assert.deepEqual(
      duck?.a.arms.map((x) => [x.name, x.units, x.impressions, x.cost]),
      [
        ["A", 60, 135, 16],
        ["B", 60, 170, 17.5],
      ],
    );
    for (const o of others) assert.deepEqual(o.a, duck?.a, `${metric}: ${o.name} = duckdb`);
  }
});

test("random tracked events under flat, CPM and CPC contracts: identical visitor-level tests on every engine", { skip }, async () => {
  const cases: { metric: string; arms: "ad" | "placement" | "device"; filters: Filter[]; method?: "bayesian" | "sequential" }[] = [
    { metric: "ctr", arms: "ad", filters: [tracked] },
    { metric: "cpi", arms: "ad", filters: [tracked] },
    { metric: "cpm", arms: "placement", filters: [tracked], method: "bayesian" },
    { metric: "cpc", arms: "device", filters: [tracked, { dimension: "campaign", op: "eq", values: ["Direct 0", "Direct 2"] }], method: "sequential" },
  ];
  let compared = 0;
  let dropped = 0;
  for (const c of cases) {
    const [duck, ...others] = await Promise.all(random.map(({ store }) => runAbTest(store, { ...c, unit: "visitor", from: "2026-10-03", to: "2026-10-17" })));
    assert.ok(duck && duck.arms.length >= 2 && duck.arms.every((a) => a.units > 100), `${c.metric} by ${c.arms}: enough visitors`);
    for (const [i, o] of others.entries()) assert.deepEqual(o, duck, `${c.metric} by ${c.arms}: ${random[i + 1]?.name} = duckdb`);
    compared += duck.comparisons.filter((x) => x.lift !== null).length;
    if (duck.warnings.some((w) => /in more than one .*; they are dropped from every arm/.test(w))) dropped++;
  }
  assert.ok(compared >= 4, `only ${compared} comparisons had a lift`);
  assert.ok(dropped >= 3, `visitors in several arms were dropped in only ${dropped} cases`);
});
