// Issue 20.3: every JSON answer gives money in currency units, as numbers, with snake_case keys. The
// commands are taken from the CLI's own registry and the endpoints from /openapi.json, so a new one
// fails here until it is given arguments: each command's JSON is checked against its table (a money
// amount the table shows must be the JSON's number, not a million times it), each endpoint's against
// the command it mirrors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Command } from "commander";
import { openAlertFiles } from "../../src/cli/compose.js";
import { memoryIo } from "../../src/cli/io.js";
import { buildProgram } from "../../src/cli/main.js";
import type { Store } from "../../src/store/store.js";
import { demoStore, inProcessApi } from "../api/harness.js";
import { addMeta, cpiEnv, ENV, type Fakes, googleDelivery, META_ACCOUNTS, metaDelivery, startFakes } from "../connect/fakes.js";
import { ROOT } from "../helpers.js";

const FLIGHT = ["--campaign", "Launch Q4", "--budget", "6000", "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-11-15"];

/** Arguments of every command with a JSON output (run with --db DEMO --format json, and as a table). */
const COMMANDS: Record<string, string[]> = {
  calc: ["--cost", "5000", "--impressions", "500000", "--baseline-cpi", "0.015"],
  init: ["--db", "other.duckdb"],
  import: [join(ROOT, "test/fixtures/ingest/meta-title-case.csv"), "--dry-run"],
  "connect add": ["meta", "--name", "walk", "--account", `act_${META_ACCOUNTS[0]?.id}`, "--access-token-env", "META_TOKEN", "--app-secret-env", "META_APP_SECRET", "--update"],
  "connect list": [],
  "connect test": ["walk"],
  // Into a store of its own, with the demo's connections: the others keep reading the demo as it is.
  sync: ["walk", "--connections", "demo.connections.json", "--db", "synced.duckdb"],
  report: ["--by", "source", "--currency", "USD"],
  compare: ["--campaign", "Launch Q4", "--vs", "Launch Q3"],
  abtest: ["--campaign", "Launch Q4", "--arms", "ad", "--unit", "day", "--metric", "cpi"],
  "abtest plan": ["--metric", "cpi", "--baseline-cpi", "0.012", "--daily-impressions", "40000", "--mde", "0.1"],
  reach: ["--by", "campaign"],
  curves: ["--by", "source", "--currency", "USD"],
  forecast: ["--campaign", "Search - Generic", "--budget", "7800"],
  allocate: ["--budget", "20000", "--currency", "USD"],
  pacing: FLIGHT,
  "fx import": [join(ROOT, "demo-data/fx-rates.csv")],
  "fx list": [],
  "contract add": ["--campaign", "Walk", "--flat", "812.50", "--from", "2026-12-01", "--to", "2026-12-07"],
  "contract list": [],
  snippet: ["--endpoint", "https://t.example", "--campaign", "Launch Q4"],
  discrepancy: ["--from", "2026-11-09", "--to", "2026-11-15"],
  "token create": ["walk"],
  "token list": [],
  "alerts add": ["--kind", "pacing", "--where", "campaign=Launch Q4", "--budget", "6000", "--currency", "USD", "--from", "2026-10-01", "--to", "2026-11-30"],
  "alerts list": [],
  "alerts check": ["--date", "2026-11-15", "--dry-run"],
  "alerts backtest": ["--from", "2026-11-01", "--to", "2026-11-15"],
  "alerts history": [],
};

/** Commands with a --format that is not their answer's format, or that cannot run here, and why. */
const NOT_WALKED: Record<string, string> = {
  "alerts webhook add": "its --format names what the webhook receives, not the command's output",
  migrate: "needs a ClickHouse server (its JSON is walked in test/clickhouse)",
  "store unlock": "needs a ClickHouse server's import lock (test/clickhouse runs it); it holds no money",
};

/** Endpoints (METHOD path) and their query, with the command whose JSON they mirror. */
const ENDPOINTS: Record<string, { query: string; cli?: string[] } | { skip: string }> = {
  "GET /api/abtest": { query: "campaign=Launch%20Q4&arms=ad&unit=day&metric=cpi", cli: ["abtest", "--campaign", "Launch Q4", "--arms", "ad", "--unit", "day", "--metric", "cpi"] },
  "GET /api/abtest/plan": { query: "metric=cpi&baseline=0.012&daily_impressions=40000&mde=0.1" },
  "GET /api/alerts": { query: "" },
  "GET /api/alerts/backtest": { query: "from=2026-11-01&to=2026-11-15" },
  "GET /api/alerts/check": { query: "date=2026-11-15" },
  "GET /api/alerts/history": { query: "" },
  "GET /api/alerts/rules": { query: "" },
  "GET /api/alerts/silences": { query: "" },
  "GET /api/allocate": { query: "budget=20000&currency=USD", cli: ["allocate", "--budget", "20000", "--currency", "USD"] },
  "GET /api/compare": { query: "campaign=Launch%20Q4&vs=Launch%20Q3", cli: ["compare", "--campaign", "Launch Q4", "--vs", "Launch Q3"] },
  "GET /api/contracts": { query: "" },
  "GET /api/curves": { query: "by=source&currency=USD" },
  "GET /api/discrepancies": { query: "from=2026-11-09&to=2026-11-15" },
  "GET /api/extent": { query: "" },
  "GET /api/forecast": { query: "campaign=Search%20-%20Generic&budget=7800", cli: ["forecast", "--campaign", "Search - Generic", "--budget", "7800"] },
  "GET /api/fx": { query: "" },
  "GET /api/imports": { query: "" },
  "GET /api/metrics": { query: "" },
  "GET /api/pacing": { query: "campaign=Launch%20Q4&budget=6000&from=2026-10-01&to=2026-11-30&as_of=2026-11-15", cli: ["pacing", ...FLIGHT] },
  "GET /api/reach": { query: "by=campaign", cli: ["reach", "--by", "campaign"] },
  "GET /api/report": { query: "by=source&currency=USD&metrics=cost,impressions,cpi" },
  "GET /api/session": { query: "" },
  "GET /api/sync": { query: "" },
};

/** Commands whose table shows no amount of money the JSON has, and what it shows instead. */
const NO_MONEY_IN_TABLE: Record<string, string> = {
  reach: "cost per thousand reached, not the cost",
};

/** Commands that change something: their JSON is checked, they are not run again for a table. */
const WRITES = new Set(["init", "import", "connect add", "sync", "fx import", "contract add", "token create", "alerts add"]);

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
/** Keys of money fields (a ratio or a cost of one unit is not a sum of money: left to the table checks of its own). */
const MONEY = /(^|_)(cost|spend|budget|amount|revenue|daily_rate)(_|$)/;
const ENTITY_KEYED = new Set(["today_daily_spend", "k_plus"]);

interface Found {
  camel: string[];
  textMoney: string[];
  money: number[];
}

/** Keys in camelCase, money written as text, and every money number, anywhere in a JSON value. */
function inspect(v: unknown, path = "", out: Found = { camel: [], textMoney: [], money: [] }, entityKeyed = false): Found {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) inspect(x, `${path}[${i}]`, out);
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (!entityKeyed && CAMEL.test(k)) out.camel.push(`${path}.${k}`);
      const money = !entityKeyed && MONEY.test(k) && !/(share|ratio|per_|_rate$|cpi|cpm)/.test(k.replace("daily_rate", ""));
      if (money && typeof x === "string" && /^-?\d+(\.\d+)?$/.test(x)) out.textMoney.push(`${path}.${k} = "${x}"`);
      if (money && typeof x === "number") out.money.push(x);
      inspect(x, `${path}.${k}`, out, ENTITY_KEYED.has(k));
    }
  }
  return out;
}

/** Every number a table shows, as written (1,234.56 → 1234.56). */
function tableNumbers(text: string): Set<number> {
  return new Set([...text.matchAll(/-?\d[\d,]*(?:\.\d+)?/g)].map((m) => Number(m[0].replace(/,/g, ""))));
}

function withFormat(cmd: Command): boolean {
  return cmd.options.some((o) => o.long === "--format");
}

/** Every command with a --format, by its full name ("alerts check"). */
function commandsOf(cmd: Command, path: string[] = []): [string, Command][] {
  return cmd.commands.flatMap((c): [string, Command][] => [...(withFormat(c) ? [[[...path, c.name()].join(" "), c] as [string, Command]] : []), ...commandsOf(c, [...path, c.name()])]);
}

let store: Store;
let dir = "";
let db = "";
let fakes: Fakes;
before(async () => {
  const d = await demoStore();
  ({ store, dir, db } = d);
  fakes = await startFakes(googleDelivery(3), metaDelivery(3));
  await addMeta(dir, fakes, "walk", [META_ACCOUNTS[0]?.id as string], ["--db", db]);
});
after(async () => {
  await fakes.close();
  await store.close();
});

const run = (...argv: string[]) => cpiEnv(dir, ENV, ...argv, "--db", db);

test("every command's JSON: snake_case keys, money as numbers in currency units, the same amounts as its table", async () => {
  const registry = new Map(commandsOf(await buildProgram(memoryIo({}, dir))));
  const commands = [...registry.keys()];
  const unknown = commands.filter((c) => !(c in COMMANDS) && !(c in NOT_WALKED));
  assert.deepEqual(unknown, [], "a command with --format has no arguments here: add it to COMMANDS");
  let compared = 0;
  for (const name of commands.filter((c) => c in COMMANDS)) {
    const storeless = !registry.get(name)?.options.some((o) => o.long === "--db");
    const argv = [...name.split(" "), ...(COMMANDS[name] as string[])];
    const run = (...a: string[]) => cpiEnv(dir, ENV, ...a, ...(storeless || a.includes("--db") ? [] : ["--db", db]));
    const json = await run(...argv, "--format", "json");
    assert.ok(json.code === 0 || json.code === 3, `${name}: ${json.stderr}`);
    const found = inspect(JSON.parse(json.stdout));
    assert.deepEqual(found.camel, [], `${name}: keys in camelCase`);
    assert.deepEqual(found.textMoney, [], `${name}: money written as text`);
    // Writes are not run twice; the snippet has no table.
    if (name === "snippet" || WRITES.has(name)) continue;
    const table = await run(...argv);
    const shown = tableNumbers(table.stdout);
    for (const v of found.money) {
      if (Math.abs(v) < 1) continue;
      const cents = Math.round(v * 100) / 100;
      // A micros amount is a million times what the table shows.
      assert.ok(!(shown.has(Math.round((v / 1e6) * 100) / 100) && !shown.has(cents) && Math.abs(v) >= 1e6), `${name}: ${v} looks like micros of ${v / 1e6} in the table`);
    }
    const agreeing = found.money.filter((v) => Math.abs(v) >= 1 && (shown.has(Math.round(v * 100) / 100) || shown.has(Math.round(v))));
    if (found.money.some((v) => Math.abs(v) >= 1) && !(name in NO_MONEY_IN_TABLE)) {
      assert.ok(agreeing.length > 0, `${name}: no money amount of the JSON (${found.money.slice(0, 5).join(", ")}) is in the table:\n${table.stdout}`);
      compared++;
    }
  }
  assert.ok(compared >= 8, `money compared with the table for ${compared} commands`);
});

test("the issue's cases: pacing's money in units like its budget, a contract's amount a number", async () => {
  const p = JSON.parse((await run("pacing", ...FLIGHT, "--format", "json")).stdout);
  assert.equal(p.budget, 6000);
  assert.equal(p.spend_to_date, 5000, "was 5000000000 (micros) beside a budget of 6000");
  assert.equal(p.projected_end_spend, 6752.290872);
  assert.equal(p.daily_rate, 116.072857);
  const table = await run("pacing", ...FLIGHT);
  assert.match(table.stdout, /Spent to date\s+5,000\.00/);
  assert.match(table.stdout, /Projected end spend\s+6,752\.29/);
  const contracts = JSON.parse((await run("contract", "list", "--format", "json")).stdout);
  assert.equal(contracts.find((c: { campaign: string }) => c.campaign === "Launch Q4")?.amount, 812.5, 'was "812.5"');
});

test("every endpoint's JSON: snake_case keys, money as numbers, the amounts of the command it mirrors", async () => {
  const api = inProcessApi(store, "127.0.0.1", { alerts: openAlertFiles(join(dir, "demo.alerts.json")) });
  const doc = (await api.call("/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const reads = operations.filter((o) => o.startsWith("GET "));
  const unknown = reads.filter((o) => !(o in ENDPOINTS));
  assert.deepEqual(unknown, [], "an endpoint has no query here: add it to ENDPOINTS");
  for (const op of reads) {
    const e = ENDPOINTS[op];
    if (!e || "skip" in e) continue;
    const path = op.slice(4);
    const r = await api.call(`${path}${e.query ? `?${e.query}` : ""}`);
    assert.equal(r.status, 200, `${op}: ${r.text}`);
    const found = inspect(r.json);
    assert.deepEqual(found.camel, [], `${op}: keys in camelCase`);
    assert.deepEqual(found.textMoney, [], `${op}: money written as text`);
    if (e.cli) {
      const cli = JSON.parse((await run(...e.cli, "--format", "json")).stdout);
      assert.deepEqual(found.money, inspect(cli).money, `${op}: money differs from cpi ${e.cli[0]}`);
    }
  }
  // Writes answer through the same router: a contract's amount comes back as a number of units.
  assert.ok(operations.includes("POST /api/contracts"));
});
