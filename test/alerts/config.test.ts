// The rules file: `cpi alerts add|list|remove|webhook`, and located errors for a hand-edited bad file.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAlertsConfig, serializeAlertsConfig } from "../../src/app/alerts/index.js";
import { cpi, tempDir, write } from "../helpers.js";

test("cpi alerts add, list, webhook add and remove edit the rules file beside the store", async () => {
  const dir = tempDir();
  const add = await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "spend", "--by", "campaign", "--where", "source=meta", "--direction", "up", "--format", "json");
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(JSON.parse(add.stdout), {
    id: "anomaly-spend",
    kind: "anomaly",
    where: ["source=meta"],
    by: ["campaign"],
    metric: "cost",
    direction: "up",
    score: 3,
    weeks: 8,
    min_history: 4,
    min_impressions: 1000,
    min_effect: 0.25,
  });
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "cpm", "--above", "15")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "cpm", "--below", "2")).code, 0);
  const pacing = await cpi(dir, "alerts", "add", "--kind", "pacing", "--where", "campaign=Launch Q4", "--budget", "5000", "--currency", "usd", "--from", "2026-10-01", "--to", "2026-11-15", "--tolerance", "10%");
  assert.equal(pacing.code, 0, pacing.stderr);
  assert.equal((await cpi(dir, "alerts", "webhook", "add", "https://hooks.slack.com/services/T0/B0/SECRET", "--name", "ops", "--slack")).code, 0);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--by", "campaign", "--webhook", "ops")).code, 0);

  const file = join(dir, "cpi.alerts.json");
  assert.equal(statSync(file).mode & 0o777, 0o600, "webhook URLs are secrets");
  const config = parseAlertsConfig(readFileSync(file, "utf8"), file);
  assert.deepEqual(
    config.rules.map((r) => r.id),
    ["anomaly-spend", "threshold-cpm", "threshold-cpm-2", "pacing", "zero-delivery-impressions"],
  );
  assert.deepEqual(config.rules[2], { id: "threshold-cpm-2", kind: "threshold", where: [], by: [], metric: "cpm", operator: "<", value: 2, min_impressions: 0 });
  assert.deepEqual(config.rules[3], {
    id: "pacing",
    kind: "pacing",
    where: ["campaign=Launch Q4"],
    by: [],
    currency: "USD",
    budget: "5000",
    from: "2026-10-01",
    to: "2026-11-15",
    watch: "both",
    tolerance: 0.1,
    grace_days: 10,
  });
  assert.match(readFileSync(file, "utf8"), /"by": \["campaign"\],/, "short lists stay on one line");
  assert.equal(serializeAlertsConfig(parseAlertsConfig(serializeAlertsConfig(config), file)), serializeAlertsConfig(config));

  const list = await cpi(dir, "alerts", "list");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /threshold-cpm-2 +threshold +everything +— +cpm < 2/);
  assert.match(list.stdout, /ops +slack +https:\/\/hooks\.slack\.com\/…/);
  assert.doesNotMatch(list.stdout, /SECRET/);
  const json = JSON.parse((await cpi(dir, "alerts", "list", "--format", "json")).stdout);
  assert.equal(json.webhooks[0].url, "https://hooks.slack.com/…");

  const inUse = await cpi(dir, "alerts", "remove", "ops");
  assert.equal(inUse.code, 2);
  assert.match(inUse.stderr, /named by rule\(s\) zero-delivery-impressions/);
  assert.equal((await cpi(dir, "alerts", "remove", "zero-delivery-impressions")).code, 0);
  assert.equal((await cpi(dir, "alerts", "remove", "ops")).code, 0);
  const none = await cpi(dir, "alerts", "remove", "nope");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no rule or webhook named 'nope'/);
  assert.doesNotMatch(readFileSync(file, "utf8"), /minImpressions|minHistory/, "snake_case keys");
  const dup = await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "cpm", "--above", "9", "--id", "pacing");
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /already exists/);
  assert.equal(parseAlertsConfig(readFileSync(file, "utf8"), file).rules.length, 4);

  // --config and --db choose the file.
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--config", "elsewhere.json")).code, 0);
  assert.equal(parseAlertsConfig(readFileSync(join(dir, "elsewhere.json"), "utf8"), "x").rules.length, 1);
  assert.equal((await cpi(dir, "alerts", "add", "--kind", "zero-delivery", "--db", "shop.duckdb")).code, 0);
  assert.equal(parseAlertsConfig(readFileSync(join(dir, "shop.alerts.json"), "utf8"), "x").rules.length, 1);
});

test("bad flags of cpi alerts add are named, all at once", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "alerts", "add", "--kind", "anomaly", "--metric", "cpx", "--score", "abc", "--by", "day", "--where", "campaign");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the rule has 4 problems/);
  assert.match(r.stderr, /--metric: must be one of cpi, cpm, ctr, cost/);
  assert.match(r.stderr, /--score: must be a number from 0\.5 to 100, got "abc"/);
  assert.match(r.stderr, /--by: 'day' is not an entity dimension/);
  assert.match(r.stderr, /--where: 'campaign' is not DIMENSION=VALUE/);
  const kind = await cpi(dir, "alerts", "add", "--kind", "weird");
  assert.match(kind.stderr, /--kind: must be one of anomaly, threshold, zero-delivery, pacing/);
  const pacing = await cpi(dir, "alerts", "add", "--kind", "pacing", "--budget", "-5", "--from", "2026-10-10", "--to", "2026-10-01");
  assert.match(pacing.stderr, /--budget: must be a positive amount/);
  assert.match(pacing.stderr, /--currency: a pacing rule needs the budget's currency/);
  assert.match(pacing.stderr, /--to: the flight ends \(2026-10-01\) before it starts/);
  // invalid_rate is only measured on tracked events: a platform source filter would judge nothing, silently.
  const invalid = await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "invalid_rate", "--above", "5%", "--where", "source=meta");
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /--where: invalid_rate is counted on tracked events \(source=tracked\) only: .* 'source=meta' would leave nothing to judge/);
  for (const where of [["--where", "source=tracked"], ["--where", "placement=news"], []]) {
    const ok = await cpi(dir, "alerts", "add", "--kind", "threshold", "--metric", "invalid_rate", "--above", "5%", ...where);
    assert.equal(ok.code, 0, ok.stderr);
  }
  const webhook = await cpi(dir, "alerts", "webhook", "add", "ftp://example.com/x");
  assert.equal(webhook.code, 2);
  assert.match(webhook.stderr, /URL: must be an http:\/\/ or https:\/\/ URL/);
});

test("a hand-edited bad rules file: exit 2 naming the file, line, column and field of every problem", async () => {
  const dir = tempDir();
  const file = write(
    dir,
    "cpi.alerts.json",
    `{
  "version": 1,
  "webhooks": [{ "name": "ops", "url": "https://example.com/hook", "format": "pager" }],
  "rules": [
    { "id": "cpi-up", "kind": "anomaly", "metric": "cpx", "by": ["campaign"] },
    { "id": "cpi-up", "kind": "threshold", "metric": "cpm", "operator": ">>", "value": "15" },
    { "id": "stop", "kind": "zero-delivery", "webhooks": ["pager"], "minExpcted": 100 }
  ]
}
`,
  );
  for (const argv of [["alerts", "check"], ["alerts", "list"], ["alerts", "add", "--kind", "zero-delivery"]]) {
    const r = await cpi(dir, ...argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, /the alerts file has 7 problems/);
    assert.ok(r.stderr.includes(`${file}:3:78 webhooks[0].format: must be one of "json", "slack", "teams", "discord", "email", got "pager"`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:5:52 rules[0].metric: must be one of`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:6:73 rules[1].operator: must be one of ">", ">=", "<", "<=", got ">>" (rule 'cpi-up')`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:6:88 rules[1].value: must be a number, got "15"`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:6:13 rules[1].id: another rule already has the id 'cpi-up'`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:7:59 rules[2].webhooks[0]: no webhook named 'pager'`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:7:83 rules[2].minExpcted: unknown field for a zero-delivery rule`), r.stderr);
  }
  const syntax = write(dir, "broken.json", '{\n  "rules": [\n    { "id": "a", "kind": "anomaly", },\n  ]\n}\n');
  const r = await cpi(dir, "alerts", "list", "--config", "broken.json");
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${syntax.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:37: trailing comma before '}'`));
  const missing = await cpi(dir, "alerts", "check", "--config", "nothing-here.json");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no alert rules in .*nothing-here\.json: add one with 'cpi alerts add'/);
});

test("the parser reports unknown fields, wrong types and what the whole file must look like", () => {
  assert.throws(() => parseAlertsConfig("[]", "a.json"), /a\.json:1:1 \(the file\): must be an object/);
  assert.throws(() => parseAlertsConfig('{"rule": []}', "a.json"), /a\.json:1:10 rule: unknown field; known: version, webhooks, rules, silences, delivery/);
  assert.throws(() => parseAlertsConfig('{"rules": {}}', "a.json"), /rules: must be a list/);
  assert.throws(() => parseAlertsConfig('{"rules": [{"id": "x", "kind": "pacing", "budget": 100, "currency": "USD", "from": "2026-10-01", "to": "2026-13-01"}]}', "a.json"), /rules\[0\]\.to: must be a date/);
  assert.throws(() => parseAlertsConfig('{"rules": [{"id": "x", "kind": "anomaly", "metric": "reach"}]}', "a.json"), /'reach' is not a daily sum or ratio of sums/);
  assert.throws(() => parseAlertsConfig('{"rules": [{"id": "x", "kind": "zero-delivery", "metric": "cpi"}]}', "a.json"), /zero delivery watches a count/);
  assert.throws(
    () => parseAlertsConfig('{"rules": [{"id": "x", "kind": "anomaly", "metric": "invalid_rate", "where": ["placement=news", "source!=tracked"]}]}', "a.json"),
    /rules\[0\]\.where\[1\]: invalid_rate is counted on tracked events/,
  );
  assert.throws(() => parseAlertsConfig('{"a": 1, "a": 2}', "a.json"), /a\.json:1:10: the key "a" appears twice/);
  assert.deepEqual(parseAlertsConfig("", "a.json"), { version: 1, webhooks: [], rules: [], silences: [] });
  const ok = parseAlertsConfig('\uFEFF{"rules": [{"id": "x", "kind": "anomaly", "metric": "CPI", "by": "campaign, placement", "where": "source=meta"}]}', "a.json");
  assert.deepEqual(ok.rules[0], { id: "x", kind: "anomaly", where: ["source=meta"], by: ["campaign", "placement"], metric: "cpi", direction: "both", score: 3, weeks: 8, min_history: 4, min_impressions: 1000, min_effect: 0.25 });
  // Files written before snake_case still read, and are written back in snake_case.
  const old = parseAlertsConfig('{"rules": [{"id": "x", "kind": "anomaly", "metric": "cpi", "minHistory": 3, "minImpressions": 50}]}', "a.json");
  assert.deepEqual([old.rules[0]?.kind === "anomaly" && old.rules[0].min_history, old.rules[0]?.kind === "anomaly" && old.rules[0].min_impressions], [3, 50]);
  assert.doesNotMatch(serializeAlertsConfig(old), /minHistory|minImpressions/);
  assert.throws(() => parseAlertsConfig('{"rules": [{"id": "x", "kind": "anomaly", "metric": "cpi", "minHistory": 3, "min_history": 3}]}', "a.json"), /rules\[0\]\.minHistory: the same field as min_history: give one/);
});
