// No secret reaches stdout, stderr, the server's log, `connect list`, the API's answers, the sync
// state or an error message: credentials given as values or as variables, through successes and
// failures, including a platform that quotes the request's credentials in its error.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startSyncSchedule } from "../../src/app/sync/sync-schedule.js";
import { hostStore, openConnectionFiles } from "../../src/cli/compose.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import { inProcessApi } from "../api/harness.js";
import { tempDir } from "../helpers.js";
import { cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, MICROSOFT_ACCOUNTS, MS_CLIENT_ID, metaDelivery, SECRETS, startFakes } from "./fakes.js";
import { addConnection, PLATFORM_CASES, PLATFORM_ENV, PLATFORM_SECRETS } from "./platform-cases.js";

let fakes: Fakes;
before(async () => {
  fakes = await startFakes(googleDelivery(3), metaDelivery(3));
});
after(() => fakes.close());

test("no secret in any output, log, listing, API answer, state file or error message", async () => {
  const dir = tempDir("cpi-secrets-");
  const seen: string[] = [];
  const run = async (env: Record<string, string>, ...argv: string[]) => {
    const r = await cpiEnv(dir, env, ...argv);
    seen.push(r.stdout, r.stderr);
    return r;
  };
  // Google's secrets as values in the file, Meta's as variables.
  const add = await run(
    {},
    "connect", "add", "google-ads", "--name", "g", ...GOOGLE_ACCOUNTS.flatMap((a) => ["--account", a.id]), "--login-customer-id", "9876543210",
    "--client-id", "1234.apps.googleusercontent.com", "--client-secret", SECRETS.GOOGLE_CLIENT_SECRET, "--refresh-token", SECRETS.GOOGLE_REFRESH_TOKEN,
    "--developer-token", SECRETS.GOOGLE_DEVELOPER_TOKEN, "--api-url", fakes.google.apiUrl, "--token-url", fakes.google.tokenUrl, "--format", "json",
  );
  assert.equal(add.code, 0, add.stderr);
  assert.equal((await run(ENV, "connect", "add", "meta", "--name", "m", ...META_ACCOUNTS.flatMap((a) => ["--account", a.id]), "--access-token-env", "META_TOKEN", "--app-secret-env", "META_APP_SECRET", "--api-url", fakes.meta.apiUrl)).code, 0);
  // Microsoft's client secret and refresh token as values (the refresh token rotates into the file), its developer token as a variable.
  const ms = await run(
    ENV,
    "connect", "add", "microsoft", "--name", "ms", ...MICROSOFT_ACCOUNTS.flatMap((a) => ["--account", a.id]), "--client-id", MS_CLIENT_ID,
    "--client-secret", SECRETS.MS_CLIENT_SECRET, "--refresh-token", SECRETS.MS_REFRESH_TOKEN, "--developer-token-env", "MS_DEVELOPER_TOKEN",
    "--api-url", fakes.microsoft.apiUrl, "--customer-api-url", fakes.microsoft.apiUrl, "--token-url", fakes.microsoft.tokenUrl,
  );
  assert.equal(ms.code, 0, ms.stderr);
  await run(ENV, "connect", "test", "ms", "--format", "json");
  await run(ENV, "connect", "list");
  await run(ENV, "connect", "list", "--format", "json");
  await run(ENV, "connect", "test", "g");
  await run(ENV, "connect", "test", "m", "--format", "json");
  assert.equal((await run(ENV, "sync", "--since", "3d")).code, 0);
  fakes.google.fault({ kind: "echo_secret", account: "*", times: Number.POSITIVE_INFINITY, pathIncludes: "googleAds" });
  fakes.microsoft.fault({ kind: "echo_secret", account: "*", times: Number.POSITIVE_INFINITY, pathIncludes: "Reporting" });
  const echoed = await run(ENV, "sync", "--format", "json");
  assert.equal(echoed.code, 3);
  assert.match(echoed.stdout, /Bad request with Bearer \[redacted\] and developer token \[redacted\]/, "the platform's message is kept, its secrets are not");
  assert.match(echoed.stdout, /Bad request with Bearer \[redacted\] and DeveloperToken \[redacted\]/);
  fakes.google.clearFaults();
  fakes.microsoft.clearFaults();
  fakes.google.refuseRefresh = true;
  fakes.meta.tokenExpired = true;
  fakes.microsoft.refuseRefresh = true;
  assert.equal((await run(ENV, "sync")).code, 2);
  await run(ENV, "connect", "test", "g", "--format", "json");
  await run(ENV, "connect", "test", "ms");
  fakes.google.refuseRefresh = false;
  fakes.meta.tokenExpired = false;
  fakes.microsoft.refuseRefresh = false;
  await run({}, "sync", "m");

  // The server's log (the sync schedule of `cpi serve --sync-every`) and the API's answers.
  const store = await DuckDbStore.open(join(dir, "cpi.duckdb"));
  hostStore(join(dir, "cpi.duckdb"), store);
  const files = openConnectionFiles(join(dir, "cpi.connections.json"));
  const log: string[] = [];
  let done!: () => void;
  const round = new Promise<void>((r) => (done = r));
  fakes.google.fault({ kind: "echo_secret", account: GOOGLE_ACCOUNTS[0]?.id as string, times: Number.POSITIVE_INFINITY, pathIncludes: "googleAds" });
  const schedule = startSyncSchedule(store, { files, everyMs: 3_600_000, sync: { deadlineMs: 60_000, env: ENV, timing: { retryBaseMs: 1, pollMs: 1, pauseMs: 1 }, progress: (m) => log.push(m) }, log: (m) => log.push(m), onRound: () => done() });
  await round;
  await schedule.stop();
  fakes.google.clearFaults();
  assert.ok(log.some((l) => /\[redacted\]/.test(l)), "the echoed secrets were logged redacted");
  seen.push(...log);
  const api = inProcessApi(store, "127.0.0.1", { connections: files });
  for (const path of ["/api/sync", "/openapi.json"]) {
    const r = await api.call(path);
    assert.equal(r.status, 200);
    seen.push(r.text);
  }
  await store.close();
  seen.push(readFileSync(files.statePath, "utf8"));

  const all = seen.join("\n");
  assert.ok(all.includes("not synced") || all.includes("refused the credentials"), "failures were captured");
  for (const [name, value] of Object.entries(SECRETS)) assert.ok(!all.includes(value), `${name} appears in the output`);
  assert.doesNotMatch(all, /ya29\.fake-/, "no access token the fake issued appears either");
  assert.doesNotMatch(all, /EwB4A8l6-fake-|M\.C5-fake-refresh-/, "nor Microsoft's access tokens and rotated refresh tokens");
  assert.ok(fakes.microsoft.issuedRefreshTokens.length > 0);
  for (const t of fakes.microsoft.issuedRefreshTokens) assert.ok(!all.includes(t));
  // The file holds the secrets given as values (0600), and only those.
  const file = readFileSync(files.path, "utf8");
  assert.ok(file.includes(SECRETS.GOOGLE_REFRESH_TOKEN) && !file.includes(SECRETS.META_TOKEN) && !file.includes(SECRETS.MS_DEVELOPER_TOKEN));
  assert.ok(file.includes(fakes.microsoft.issuedRefreshTokens.at(-1) as string), "Microsoft's rotated refresh token replaced the stored one");
});

for (const c of PLATFORM_CASES) {
  test(`${c.platform}: no secret in any output, listing, state file or error message`, async () => {
    const fake = await c.start(c.delivery(3, 5));
    try {
      const dir = tempDir(`cpi-secrets-${c.platform}-`);
      const seen: string[] = [];
      const run = async (...argv: string[]) => {
        const r = await cpiEnv(dir, PLATFORM_ENV, ...argv);
        seen.push(r.stdout, r.stderr);
        return r;
      };
      await addConnection(dir, c, fake, "c", c.accounts.map((a) => a.id));
      await run("connect", "list");
      await run("connect", "list", "--format", "json");
      assert.equal((await run("connect", "test", "c")).code, 0);
      assert.equal((await run("sync", "--since", "3d", "--format", "json")).code, 0);
      fake.fault({ kind: "echo_secret", account: "*", times: Number.POSITIVE_INFINITY, pathIncludes: c.reportPath });
      const echoed = await run("sync", "--format", "json");
      assert.equal(echoed.code, 3);
      assert.match(echoed.stdout, /\[redacted\]/, "the platform's message is kept, its secrets are not");
      fake.clearFaults();
      c.refuse(fake, true);
      assert.equal((await run("sync")).code, 2);
      await run("connect", "test", "c", "--format", "json");
      c.refuse(fake, false);
      seen.push(readFileSync(join(dir, "cpi.connections.state.json"), "utf8"), readFileSync(join(dir, "cpi.connections.json"), "utf8"));
      const all = seen.join("\n");
      for (const [name, value] of Object.entries(PLATFORM_SECRETS)) assert.ok(!all.includes(value), `${name} appears in the output`);
      assert.doesNotMatch(all, c.issuedToken, "no access token the fake issued appears either");
    } finally {
      await fake.close();
    }
  });
}
