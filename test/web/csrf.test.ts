// test:slow
// A web page of another origin, in a real browser, tries every request it can send to a cpi server
// on loopback without a CORS preflight (multipart/form-data, text/plain, urlencoded; fetch in no-cors
// mode and a submitted form), with the parameter forms of the probe (issue 17, item 2). None may write:
// the store, the alerts log and the webhook stay as they were.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BrowserContext } from "playwright-core";
import { openAlertFiles } from "../../src/cli/compose.js";
import type { Store } from "../../src/store/store.js";
import { startReceiver } from "../alerts/receivers.js";
import { demoStore } from "../api/harness.js";
import { launchBrowser, SKIP, serveDashboard } from "./browser.js";

let store: Store;
let cpiServer: Server;
let cpiUrl: string;
let evil: Server;
let evilUrl: string;
let browser: BrowserContext;
let alertsLog: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const statuses: string[] = [];

const SPEND = "date,campaign,source,currency,cost,impressions,clicks\\n2026-10-01,CSRF,direct,USD,999999,1,0\\n";

/** The attacking page: every simple request at the cpi server, then a form that submits itself. */
function evilPage(target: string): string {
  return `<!doctype html><meta charset="utf-8"><body><script>
const T = ${JSON.stringify(target)};
const csv = () => new File(["${SPEND}"], "spend.csv", { type: "text/csv" });
const form = (fields) => { const f = new FormData(); f.append("file", csv()); for (const [k, v] of fields) f.append(k, v); return f; };
const send = (path, body) => fetch(T + path, { method: "POST", mode: "no-cors", body }).catch(() => {});
(async () => {
  await send("/api/imports", form([]));
  await send("/api/imports?dry_run=true&dry_run=false", form([]));
  await send("/api/imports?dry_run=true", form([["dry_run", "false"]]));
  await send("/api/imports?dry_run=false", form([]));
  await send("/api/imports", form([["dry_run", "true"]]));
  await send("/api/imports?dry_run=true", form([]));
  await send("/api/alerts/check?date=2026-11-20", "");
  await send("/api/alerts/check?date=2026-11-20&dry_run=true&dry_run=false", "x");
  await send("/api/alerts/check?date=2026-11-20&dry_run=true", new URLSearchParams({ dry_run: "false" }));
  await send("/api/contracts", JSON.stringify({ campaign: "CSRF", flat: 1, from: "2026-10-01", to: "2026-10-31" }));
  await send("/api/fx", form([]));
  await fetch(T + "/api/contracts/1", { method: "DELETE", mode: "no-cors" }).catch(() => {});
  document.title = "fetched";
  const f = document.createElement("form");
  f.method = "POST";
  f.enctype = "multipart/form-data";
  f.action = T + "/api/imports?dry_run=false";
  const input = document.createElement("input");
  input.type = "file";
  input.name = "file";
  const dt = new DataTransfer();
  dt.items.add(csv());
  input.files = dt.files;
  f.append(input);
  document.body.append(f);
  f.submit();
})();
</script>`;
}

before(async () => {
  if (SKIP) return;
  const d = await demoStore();
  store = d.store;
  receiver = await startReceiver([200]);
  alertsLog = join(d.dir, "demo.alerts.log.jsonl");
  assert.equal((await d.cli("alerts", "add", "--kind", "threshold", "--metric", "cpi", "--above", "0.02", "--by", "campaign", "--currency", "USD", "--id", "pricey")).code, 0);
  assert.equal((await d.cli("alerts", "webhook", "add", receiver.url, "--name", "team")).code, 0);
  ({ url: cpiUrl, server: cpiServer } = await serveDashboard(store, "127.0.0.1", { alerts: openAlertFiles(join(d.dir, "demo.alerts.json")) }));
  cpiServer.on("request", (req, res) => res.on("finish", () => statuses.push(`${req.method} ${req.url} → ${res.statusCode}`)));
  evil = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(evilPage(cpiUrl));
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
after(async () => {
  if (SKIP) return;
  await browser?.close();
  evil?.close();
  cpiServer?.close();
  await receiver?.close();
  await store?.close();
});

async function snapshot(): Promise<string> {
  const counts: Record<string, number> = {};
  for (const t of ["spend", "imports", "contracts", "fx_rates"]) counts[t] = Number((await store.query(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n);
  let log = "(none)";
  try {
    log = readFileSync(alertsLog, "utf8");
  } catch {
    // no check was ever recorded
  }
  return JSON.stringify({ counts, log, posts: receiver.requests });
}

test("a page of another origin cannot write to a loopback cpi server, by any request a browser sends without a preflight", { skip: SKIP }, async () => {
  const before = await snapshot();
  const page = await browser.newPage();
  await page.goto(`${evilUrl}/`);
  // The form navigates the page to the server's answer once the fetches are done.
  await page.waitForURL((u) => u.toString().startsWith(cpiUrl), { waitUntil: "load" });
  const answer = (await page.textContent("body")) ?? "";
  console.log(`csrf: the server saw\n  ${statuses.join("\n  ")}`);
  assert.match(answer, /cross_origin|unauthorized/, "the submitted form was refused");
  assert.ok(statuses.length >= 12, "the browser sent the requests");
  assert.deepEqual(
    statuses.filter((s) => /→ 2\d\d$/.test(s)),
    [],
    "not one succeeded, not even a dry run",
  );
  assert.equal(await snapshot(), before, "no row, no contract, no alert record, no webhook post");
});
