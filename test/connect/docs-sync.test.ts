// Every `cpi` command docs/sync.md shows runs as printed, in order, against the fake Google Ads, Meta
// and Microsoft APIs (reached through the CPI_<PLATFORM>_API_URL variables the page documents), and exits 0.
// `cpi serve` runs until stopped: serve-sync.test.ts runs it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FakeApi } from "../../src/test-support/fake-platforms/fake-server.js";
import { ROOT, tempDir } from "../helpers.js";
import { cpiEnv, ENV, type Fakes, googleDelivery, metaDelivery, startFakes } from "./fakes.js";
import { PLATFORM_CASES, PLATFORM_ENV } from "./platform-cases.js";

let fakes: Fakes;
let more: FakeApi[];
before(async () => {
  fakes = await startFakes(googleDelivery(5), metaDelivery(5), { metaProof: false });
  more = await Promise.all(PLATFORM_CASES.map((c) => c.start(c.delivery(5, 1))));
});
after(() => Promise.all([fakes.close(), ...more.map((f) => f.close())]));

/** The commands of the page's console blocks, continuation lines joined. */
function commands(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const text = (block[1] as string).replace(/\\\n\s*/g, "");
    for (const line of text.split("\n")) if (line.startsWith("$ ")) out.push(line.slice(2));
  }
  return out;
}

/** Words of a command line as a shell splits them (quotes, no expansions: the page uses none). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? (m[3] as string));
}

test("every command docs/sync.md shows runs as printed", async () => {
  const dir = tempDir("cpi-docs-sync-");
  const env = {
    ...ENV,
    ...PLATFORM_ENV,
    ...Object.assign({}, ...PLATFORM_CASES.map((c, i) => c.env(more[i] as FakeApi))),
    CPI_GOOGLE_ADS_API_URL: fakes.google.apiUrl,
    CPI_GOOGLE_ADS_TOKEN_URL: fakes.google.tokenUrl,
    CPI_META_API_URL: fakes.meta.apiUrl,
    CPI_MICROSOFT_API_URL: fakes.microsoft.apiUrl,
    CPI_MICROSOFT_CUSTOMER_API_URL: fakes.microsoft.apiUrl,
    CPI_MICROSOFT_TOKEN_URL: fakes.microsoft.tokenUrl,
  };
  const list = commands(readFileSync(join(ROOT, "docs/sync.md"), "utf8"));
  assert.ok(list.length >= 8, "the page shows commands");
  let ran = 0;
  for (const line of list) {
    const [cmd, ...argv] = words(line);
    assert.equal(cmd, "cpi", line);
    if (argv[0] === "serve") continue;
    const r = await cpiEnv(dir, env, ...argv);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    ran++;
  }
  assert.ok(ran >= 8);
  assert.deepEqual(fakes.google.violations, []);
  assert.deepEqual(fakes.meta.violations, []);
  assert.deepEqual(fakes.microsoft.violations, []);
  assert.ok(fakes.microsoft.requests.some((q) => q.path.startsWith("/download/")), "the page's sync pulled Microsoft reports");
  for (const f of more) assert.deepEqual(f.violations, []);
});
