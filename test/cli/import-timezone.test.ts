// Issue 3: "the account time zone comes from the file when present, else --timezone, else the
// configured default, and is recorded" — the default is the store's (cpi init --timezone).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { ApiContext } from "../../src/http/api/endpoint.js";
import { importEndpoints } from "../../src/http/api/endpoints/imports.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { cpi, tempDir, write } from "../helpers.js";

/** A Meta Ads Manager export: it states no time zone. */
const meta = (campaign: string) =>
  `\ufeff"Campaign name",Day,Impressions,"Amount spent (EUR)","Link clicks","Reporting starts","Reporting ends"\n${campaign},2026-04-01,1000,10.5,3,2026-04-01,2026-04-01\n`;
/** Google Ads API output: it states its account's zone. */
const googleApi =
  "customer.id,customer.currency_code,customer.time_zone,campaign.id,campaign.name,segments.date,metrics.impressions,metrics.clicks,metrics.cost_micros\n" +
  "1234567890,USD,Asia/Tokyo,111,Tokyo brand,2026-04-01,1000,50,12345678\n";

async function zones(dir: string): Promise<Record<string, string>> {
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    const rows = await store.query("SELECT DISTINCT campaign, account_timezone FROM spend ORDER BY campaign");
    return Object.fromEntries(rows.map((r) => [String(r.campaign), String(r.account_timezone)]));
  } finally {
    await store.close();
  }
}

test("cpi init --timezone: rows of a file without a zone get the store's default; --timezone beats it; the file's own zone beats both", async () => {
  const dir = tempDir();
  const init = await cpi(dir, "init", "--timezone", "Europe/Berlin", "--format", "json");
  assert.equal(init.code, 0, init.stderr);
  assert.equal(JSON.parse(init.stdout).timezone, "Europe/Berlin");

  write(dir, "default.csv", meta("Default zone"));
  write(dir, "flag.csv", meta("Flag zone"));
  write(dir, "google.csv", googleApi);
  const a = await cpi(dir, "import", "default.csv");
  assert.equal(a.code, 0, a.stderr);
  const b = await cpi(dir, "import", "flag.csv", "--timezone", "America/New_York");
  assert.equal(b.code, 0, b.stderr);
  const c = await cpi(dir, "import", "google.csv", "--format", "json");
  assert.equal(c.code, 0, c.stderr);
  // The store's default is only a fallback: a file stating its zone is no cause for a warning.
  assert.deepEqual(JSON.parse(c.stdout).files[0].warnings, []);
  const d = await cpi(dir, "import", "google.csv", "--timezone", "America/New_York", "--format", "json");
  assert.match(JSON.parse(d.stdout).files[0].warnings.join("\n"), /Asia\/Tokyo; --timezone America\/New_York is ignored/);

  assert.deepEqual(await zones(dir), { "Default zone": "Europe/Berlin", "Flag zone": "America/New_York", "Tokyo brand": "Asia/Tokyo" });
});

test("cpi init --timezone on an existing store changes the default (shown by cpi init); rows already imported keep theirs", async () => {
  const dir = tempDir();
  write(dir, "one.csv", meta("Before"));
  assert.equal((await cpi(dir, "import", "one.csv")).code, 0);
  const shown = await cpi(dir, "init");
  assert.match(shown.stderr, /default account time zone: UTC \(not configured/);
  assert.equal((await cpi(dir, "init", "--timezone", "America/Chicago")).code, 0);
  assert.match((await cpi(dir, "init")).stderr, /default account time zone: America\/Chicago\n/);
  write(dir, "two.csv", meta("After"));
  assert.equal((await cpi(dir, "import", "two.csv")).code, 0);
  assert.deepEqual(await zones(dir), { After: "America/Chicago", Before: "UTC" });
});

test("a bad zone for cpi init exits 2 naming it, and creates no store", async () => {
  const dir = tempDir();
  const r = await cpi(dir, "init", "--timezone", "Mars/Olympus_Mons");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--timezone 'Mars\/Olympus_Mons' is not an IANA time zone/);
  assert.equal(existsSync(join(dir, "cpi.duckdb")), false);
  const offset = await cpi(dir, "init", "--timezone", "+02:00");
  assert.equal(offset.code, 2);
});

test("POST /api/imports uses the store's default time zone too", async () => {
  const dir = tempDir();
  assert.equal((await cpi(dir, "init", "--timezone", "Europe/Berlin")).code, 0);
  const endpoint = importEndpoints.find((e) => e.path === "/api/imports") as (typeof importEndpoints)[number];
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  try {
    const files = [{ name: "upload.csv", bytes: new TextEncoder().encode(meta("Uploaded")) }];
    await endpoint.handle({}, { store, files } as unknown as ApiContext);
    await endpoint.handle({ timezone: "Asia/Kolkata" }, { store, files: [{ name: "flag.csv", bytes: new TextEncoder().encode(meta("Uploaded with zone")) }] } as unknown as ApiContext);
  } finally {
    await store.close();
  }
  assert.deepEqual(await zones(dir), { Uploaded: "Europe/Berlin", "Uploaded with zone": "Asia/Kolkata" });
});
