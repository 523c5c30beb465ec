// A filter value that matches nothing names the closest stored values in every command that filters,
// not only in `cpi report`: compare, pacing, reach and the planning commands (curves, forecast, allocate)
// end with exit 2 and the same "no stored row has …; closest: …" as the report's note.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cpi, tempDir, write } from "../helpers.js";

function store(): string {
  const dir = tempDir();
  const rows = ["date,source,campaign,currency,cost,impressions"];
  for (let d = 1; d <= 20; d++) {
    const day = `2026-10-${String(d).padStart(2, "0")}`;
    rows.push(`${day},meta,Launch Q4,USD,${100 + d}.00,${10000 + d * 100}`, `${day},google-ads,Launch Q3,USD,${150 + d}.00,${10000 + d * 50}`);
  }
  write(dir, "s.csv", `${rows.join("\n")}\n`);
  return dir;
}

test("cpi compare with a campaign name that matches nothing: exit 2, names the closest campaigns", async () => {
  const dir = store();
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  const ok = await cpi(dir, "compare", "--campaign", "Launch Q4", "--vs", "Launch Q3", "--format", "json");
  assert.equal(ok.code, 0, ok.stderr);
  const r = await cpi(dir, "compare", "--campaign", "Lanch Q4", "--vs", "Launch Q3");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Lanch Q4 has no impressions in the store: check the name or widen the period: no stored row has campaign 'Lanch Q4'; closest: Launch Q4, Launch Q3/);
  const w = await cpi(dir, "compare", "--campaign", "Launch Q4", "--vs", "Launch Q3", "--where", "source=gogle-ads");
  assert.equal(w.code, 2);
  assert.match(w.stderr, /no stored row has source 'gogle-ads'; closest: google-ads, meta/);
});

test("cpi pacing, cpi forecast and cpi reach with a --where value that matches nothing: exit 2, names the closest values", async () => {
  const dir = store();
  assert.equal((await cpi(dir, "import", "s.csv")).code, 0);
  const p = await cpi(dir, "pacing", "--where", "campaign=launch q4", "--budget", "5000", "--from", "2026-10-01", "--to", "2026-10-31");
  assert.equal(p.code, 2);
  assert.match(p.stderr, /no spend in 2026-10-01 … 2026-10-31 for these filters: no stored row has campaign 'launch q4'; closest: Launch Q4, Launch Q3/);
  const f = await cpi(dir, "forecast", "--budget", "5000", "--where", "source=metta");
  assert.equal(f.code, 2);
  assert.match(f.stderr, /no stored row has source 'metta'; closest: meta/);
  const r = await cpi(dir, "reach", "--where", "campaign=Launch Q5");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no reach data for these filters: .*: no stored row has campaign 'Launch Q5'; closest: Launch Q3, Launch Q4/);
});
