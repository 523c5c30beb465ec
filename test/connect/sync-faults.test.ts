// test:slow
// Faults during `cpi sync`, played by the fake Google Ads, Meta and Microsoft APIs. After a first sync, the fakes
// serve restated delivery; in each scenario one account's calls fail in one way. The failing account's
// rows (and reach) must stay exactly as the first sync left them, every other account must hold the
// restated delivery, and the exit code must say what happened (0 recovered, 3 partial, 2 credentials).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import type { Fault } from "../../src/test-support/fake-platforms/fake-server.js";
import { tempDir } from "../helpers.js";
import { addGoogle, addMeta, addMicrosoft, cpiEnv, ENV, type Fakes, GOOGLE_ACCOUNTS, googleDelivery, META_ACCOUNTS, MICROSOFT_ACCOUNTS, metaDelivery, microsoftDelivery, SECRETS, startFakes } from "./fakes.js";
import { accountSnapshots } from "./store-views.js";

const G1 = GOOGLE_ACCOUNTS[0]?.id as string;
const G2 = GOOGLE_ACCOUNTS[1]?.id as string;
const M1 = META_ACCOUNTS[0]?.id as string;
const M2 = META_ACCOUNTS[1]?.id as string;
const B1 = MICROSOFT_ACCOUNTS[0]?.id as string;
const B2 = MICROSOFT_ACCOUNTS[1]?.id as string;
const ALL = [G1, G2, M1, M2, B1, B2];

let fakes: Fakes;
const first = { google: googleDelivery(20, 1), meta: metaDelivery(20, 2, { campaigns: 4, adGroups: 3, ads: 5 }), microsoft: microsoftDelivery(20, 3) };
/** The same ads with restated figures (late conversions, credits): what the platforms serve on the second sync. */
function restate(d: FakeDelivery): FakeDelivery {
  return { accounts: d.accounts, days: new Map([...d.days].map(([id, days]) => [id, days.map((x) => ({ ...x, costMicros: x.costMicros - 10_000n, impressions: x.impressions + 3, conversions: x.conversions + 1, reach: x.reach + 1 }))])) };
}
const restated = { google: restate(first.google), meta: restate(first.meta), microsoft: restate(first.microsoft) };
const served = { google: googleDelivery(20, 1), meta: metaDelivery(20, 2, { campaigns: 4, adGroups: 3, ads: 5 }), microsoft: microsoftDelivery(20, 3) };

/** Makes the fakes serve one delivery or the other (they read `served` on every request). */
function serve(d: typeof first): void {
  for (const k of ["google", "meta", "microsoft"] as const) for (const [id, days] of d[k].days) served[k].days.set(id, days);
}

before(async () => {
  fakes = await startFakes(served.google, served.meta, { googlePageSize: 200, microsoft: served.microsoft });
});
after(() => fakes.close());

interface Scenario {
  name: string;
  faults?: Fault[];
  setup?: () => void;
  /** Accounts expected to fail (left as the first sync left them). */
  failing: string[];
  exit: number;
  /** Something the output must say. */
  says?: RegExp;
  extra?: string[];
  /** Sync only this connection (the other's accounts stay as they were). */
  only?: "g" | "m" | "ms";
  check?: (json: { account: string; error: string | null; api_calls: number; seconds: number }[]) => void;
}

const SCENARIOS: Scenario[] = [
  {
    name: "the access token expires mid-sync: refreshed once, then success",
    faults: [{ kind: "expire_token", account: G2, times: 1, pathIncludes: "googleAds" }],
    failing: [],
    exit: 0,
    check: () => assert.equal(fakes.google.requests.filter((r) => r.path === "/token").length, 2, "a second access token was fetched"),
  },
  {
    name: "the refresh token is refused: exit 2 naming the connection and what to do; Meta still lands",
    setup: () => {
      fakes.google.refuseRefresh = true;
    },
    failing: [G1, G2],
    exit: 2,
    says: /Google refused the credentials of connection 'g' \(invalid_grant: Token has been expired or revoked\.\).*authorize cpi again.*cpi connect add google-ads --name g --update --refresh-token/,
  },
  {
    name: "429 with Retry-After: waited out, then success",
    faults: [{ kind: "rate_limit_retry_after", account: G1, times: 1, pathIncludes: "googleAds" }],
    failing: [],
    exit: 0,
    says: /throttling the requests.*retrying in 1 s/,
  },
  {
    name: "RESOURCE_EXHAUSTED with a retry delay: waited out, then success",
    faults: [{ kind: "rate_limit", account: G2, times: 2, pathIncludes: "googleAds" }],
    failing: [],
    exit: 0,
    says: /quotaError\.RESOURCE_EXHAUSTED/,
  },
  {
    name: "a used-up daily quota (a retry delay of hours): not waited for; the connection's other account is not tried",
    setup: () => {
      fakes.google.retryDelay = "40591s";
    },
    faults: [{ kind: "rate_limit", account: G1, times: 1, pathIncludes: "googleAds" }],
    failing: [G1, G2],
    exit: 3,
    says: /the platform asks to wait 11 h 17 min; sync again later/,
    check: (json) => assert.match(json.find((a) => a.account === G2)?.error ?? "", /^not synced: /),
  },
  {
    name: "the deadline passes while a report hangs: the connection stops there, its other account is not tried",
    faults: [{ kind: "hang", account: G1, times: Number.POSITIVE_INFINITY, pathIncludes: "googleAds", after: 1 }],
    extra: ["--deadline", "2s"],
    only: "g",
    failing: [G1, G2],
    exit: 3,
    says: /deadline/,
  },
  {
    name: "500s that do not stop: the account fails after its retries, the others land",
    faults: [{ kind: "server_error", account: G2, times: Number.POSITIVE_INFINITY, pathIncludes: "googleAds" }],
    failing: [G2],
    exit: 3,
    says: /server error.*after 6 tries/,
  },
  {
    name: "a few 500s: retried, then success",
    faults: [{ kind: "server_error", account: M1, times: 2, pathIncludes: "insights" }],
    failing: [],
    exit: 0,
  },
  {
    name: "a page that never answers (the third): retried after the timeout, then success",
    faults: [{ kind: "hang", account: M1, times: 1, pathIncludes: "insights", after: 3 }],
    failing: [],
    exit: 0,
    says: /no answer from 127\.0\.0\.1:\d+ within 0\.5 s/,
  },
  {
    name: "pages that never answer: the account fails, the pages it pulled are not stored",
    faults: [{ kind: "hang", account: M2, times: Number.POSITIVE_INFINITY, pathIncludes: "insights", after: 3 }],
    failing: [M2],
    exit: 3,
  },
  {
    name: "a malformed report body: the account fails after its retries, nothing of it is stored",
    faults: [{ kind: "malformed", account: G1, times: Number.POSITIVE_INFINITY, pathIncludes: "googleAds", after: 1 }],
    failing: [G1],
    exit: 3,
    says: /not the JSON the API documents/,
  },
  {
    name: "an asynchronous report run that fails: the account fails, the others land",
    setup: () => fakes.meta.failRunsOf.add(M2),
    failing: [M2],
    exit: 3,
    says: /report run \d+ ended 'Job Failed': The report could not be generated/,
  },
  {
    name: "Meta's token expired: exit 2 naming the connection's fix; Google still lands",
    setup: () => {
      fakes.meta.tokenExpired = true;
    },
    failing: [M1, M2],
    exit: 2,
    says: /the access token has expired: create a new system-user token.*code 190\/463/,
  },
  {
    name: "a permission missing on one account: it fails in plain words, the others land",
    faults: [{ kind: "permission", account: M1, times: Number.POSITIVE_INFINITY }],
    failing: [M1],
    exit: 3,
    says: /the token may not read ad account act_1020304050: assign the account to the system user and grant ads_read/,
  },
  {
    name: "Microsoft: the access token expires mid-sync (code 109): refreshed once, then success",
    faults: [{ kind: "expire_token", account: B2, times: 1, pathIncludes: "Reporting" }],
    failing: [],
    exit: 0,
    check: () => assert.equal(fakes.microsoft.requests.filter((r) => r.path.endsWith("/token")).length, 2, "a second access token was fetched"),
  },
  {
    name: "Microsoft: the refresh token is refused: exit 2 naming the connection and what to do; the others land",
    setup: () => {
      fakes.microsoft.refuseRefresh = true;
    },
    failing: [B1, B2],
    exit: 2,
    says: /Microsoft refused the credentials of connection 'ms' \(invalid_grant: AADSTS70008.*authorize cpi again.*cpi connect add microsoft --name ms --update --refresh-token/,
  },
  {
    name: "Microsoft: 429 with Retry-After (CallRateExceeded): waited out, then success",
    faults: [{ kind: "rate_limit_retry_after", account: B1, times: 1, pathIncludes: "Submit" }],
    failing: [],
    exit: 0,
    says: /CallRateExceeded.*retrying in 1 s/,
  },
  {
    name: "Microsoft: too many reports at once (code 207): retried with backoff, then success",
    faults: [{ kind: "rate_limit", account: B2, times: 2, pathIncludes: "Submit" }],
    failing: [],
    exit: 0,
    says: /ConcurrentRequestOverLimit/,
  },
  {
    name: "Microsoft: 500s that do not stop: the account fails after its retries, the others land",
    faults: [{ kind: "server_error", account: B1, times: Number.POSITIVE_INFINITY, pathIncludes: "Poll" }],
    failing: [B1],
    exit: 3,
    says: /Microsoft Advertising had an internal error.*after 6 tries/,
  },
  {
    name: "Microsoft: a download that never answers: the account fails after the timeouts, the others land",
    faults: [{ kind: "hang", account: B2, times: Number.POSITIVE_INFINITY, pathIncludes: "download", after: 1 }],
    failing: [B2],
    exit: 3,
    says: /downloading report .*no answer from 127\.0\.0\.1:\d+ within 0\.5 s/,
  },
  {
    name: "Microsoft: a download that is not a ZIP (a cut body): retried, then the account fails; nothing of it is stored",
    faults: [{ kind: "malformed", account: B1, times: Number.POSITIVE_INFINITY, pathIncludes: "download", after: 1 }],
    failing: [B1],
    exit: 3,
    says: /the archive cannot be unzipped/,
  },
  {
    name: "Microsoft: a report that ends in Status Error: the account fails, the others land",
    setup: () => fakes.microsoft.failReportsOf.add(B2),
    failing: [B2],
    exit: 3,
    says: /report \d+\w* ended with Status 'Error'; the next sync tries again/,
  },
];

/** The fake API that serves an account. */
function fakeOf(account: string) {
  if (MICROSOFT_ACCOUNTS.some((a) => a.id === account)) return fakes.microsoft;
  return META_ACCOUNTS.some((a) => a.id === account) ? fakes.meta : fakes.google;
}

for (const s of SCENARIOS) {
  test(s.name, async () => {
    serve(first);
    fakes.google.clearFaults();
    fakes.meta.clearFaults();
    fakes.microsoft.clearFaults();
    fakes.microsoft.refuseRefresh = false;
    fakes.microsoft.failReportsOf.clear();
    fakes.google.refuseRefresh = false;
    fakes.google.retryDelay = "1s";
    fakes.meta.tokenExpired = false;
    fakes.meta.failRunsOf.clear();
    const dir = tempDir("cpi-sync-fault-");
    const db = join(dir, "cpi.duckdb");
    await addGoogle(dir, fakes, "g", [G1, G2]);
    await addMeta(dir, fakes, "m", [M1, M2]);
    await addMicrosoft(dir, fakes, "ms", [B1, B2]);
    const one = await cpiEnv(dir, ENV, "sync", "--since", "21d");
    assert.equal(one.code, 0, one.stderr);
    const before = await accountSnapshots(db, ALL);
    serve(restated);
    const reference = tempDir("cpi-sync-reference-");
    await addGoogle(reference, fakes, "g", [G1, G2]);
    await addMeta(reference, fakes, "m", [M1, M2]);
    await addMicrosoft(reference, fakes, "ms", [B1, B2]);
    const ref = await cpiEnv(reference, ENV, "sync", "--since", "21d");
    assert.equal(ref.code, 0, ref.stderr);
    const want = await accountSnapshots(join(reference, "cpi.duckdb"), ALL);

    fakes.google.requests.length = 0;
    fakes.meta.requests.length = 0;
    fakes.microsoft.requests.length = 0;
    s.setup?.();
    for (const f of s.faults ?? []) fakeOf(f.account).fault(f);
    const r = await cpiEnv(dir, ENV, "sync", ...(s.only ? [s.only] : []), "--since", "21d", "--request-timeout", "500ms", "--format", "json", ...(s.extra ?? []));
    assert.equal(r.code, s.exit, `exit code (stderr: ${r.stderr})`);
    const json = JSON.parse(r.stdout) as { account: string; error: string | null; api_calls: number; seconds: number }[];
    assert.deepEqual(json.filter((a) => a.error !== null).map((a) => a.account).sort(), [...s.failing].sort());
    if (s.says) assert.match(r.stderr + r.stdout, s.says);
    const after = await accountSnapshots(db, ALL);
    const synced = s.only === "g" ? [G1, G2] : s.only === "m" ? [M1, M2] : s.only === "ms" ? [B1, B2] : ALL;
    for (const id of ALL) {
      if (!synced.includes(id)) assert.equal(after.get(id), before.get(id), `${id} was not synced`);
      else if (s.failing.includes(id)) assert.equal(after.get(id), before.get(id), `${id} failed and is exactly as it was`);
      else assert.equal(after.get(id), want.get(id), `${id} holds the restated delivery`);
    }
    for (const id of [G1, M1, B1]) assert.notEqual(before.get(id), want.get(id), "the restatement changed the rows (else the check above proves nothing)");
    for (const secret of Object.values(SECRETS)) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), "no secret in the output");
    s.check?.(json);
  });
}
