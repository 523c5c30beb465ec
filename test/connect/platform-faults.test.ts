// test:slow
// Faults during `cpi sync` against each platform of PLATFORM_CASES (LinkedIn, TikTok), as
// sync-faults.test.ts plays them for Google Ads and Meta: after a first sync the fake serves restated
// delivery, and in each scenario one account's calls fail in one way. The failing account must stay
// exactly as the first sync left it, the other must hold the restated delivery, the exit code must
// say what happened (0 recovered, 3 partial, 2 credentials) and no secret may be printed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import type { FakeApi, Fault } from "../../src/test-support/fake-platforms/fake-server.js";
import { tempDir } from "../helpers.js";
import { cpiEnv } from "./fakes.js";
import { addConnection, PLATFORM_CASES, PLATFORM_ENV, PLATFORM_SECRETS, type PlatformCase } from "./platform-cases.js";
import { accountSnapshots as snapshot } from "./store-views.js";

/** The same ads with restated figures (late conversions, credits). */
function restate(d: FakeDelivery): Map<string, FakeDelivery["days"] extends Map<string, infer V> ? V : never> {
  return new Map([...d.days].map(([id, days]) => [id, days.map((x) => ({ ...x, costMicros: x.costMicros - 10_000n, impressions: x.impressions + 3, conversions: x.conversions + 1, reach: x.reach + 1 }))]));
}

interface Scenario {
  name: string;
  /** Faults on the first account (A), or the second (B). */
  faults?: (a: string, b: string, c: PlatformCase) => Fault[];
  setup?: (fake: FakeApi, c: PlatformCase) => void;
  failing: "none" | "a" | "both";
  exit: number;
  says?: (c: PlatformCase) => RegExp;
  only?: (c: PlatformCase) => boolean;
  check?: (fake: FakeApi, c: PlatformCase, issuedBefore: number) => void;
}

const SCENARIOS: Scenario[] = [
  {
    name: "the access token expires mid-sync: refreshed once, then success",
    only: (c) => c.refreshes,
    faults: (_a, b, c) => [{ kind: "expire_token", account: b, times: 1, pathIncludes: c.reportPath }],
    failing: "none",
    exit: 0,
    check: (fake, c, before) => assert.equal(c.issued(fake) - before, 2, "one access token for the sync, one more after it expired"),
  },
  {
    name: "the credentials are refused: exit 2 naming the connection and what to do",
    setup: (fake, c) => c.refuse(fake, true),
    failing: "both",
    exit: 2,
    says: (c) => c.says.refused,
  },
  {
    name: "429 with Retry-After: waited out, then success",
    faults: (a, _b, c) => [{ kind: "rate_limit_retry_after", account: a, times: 1, pathIncludes: c.reportPath }],
    failing: "none",
    exit: 0,
    says: (c) => new RegExp(`${c.says.throttled.source}.*retrying in 1 s`),
  },
  {
    name: "the platform's own rate limiting: backed off, then success",
    faults: (_a, b, c) => [{ kind: "rate_limit", account: b, times: 2, pathIncludes: c.reportPath }],
    failing: "none",
    exit: 0,
    says: (c) => c.says.throttled,
  },
  {
    name: "500s that do not stop: the account fails after its retries, the other lands",
    faults: (a, _b, c) => [{ kind: "server_error", account: a, times: Number.POSITIVE_INFINITY, pathIncludes: c.reportPath }],
    failing: "a",
    exit: 3,
    says: () => /after 6 tries/,
  },
  {
    name: "a few 500s: retried, then success",
    faults: (_a, b, c) => [{ kind: "server_error", account: b, times: 2, pathIncludes: c.reportPath }],
    failing: "none",
    exit: 0,
  },
  {
    name: "a report request that never answers: retried after the timeout, then success",
    faults: (a, _b, c) => [{ kind: "hang", account: a, times: 1, pathIncludes: c.reportPath }],
    failing: "none",
    exit: 0,
    says: () => /no answer from 127\.0\.0\.1:\d+ within 0\.5 s/,
  },
  {
    name: "report requests that never answer: the account fails, the slices it pulled are not stored",
    faults: (a, _b, c) => [{ kind: "hang", account: a, times: Number.POSITIVE_INFINITY, pathIncludes: c.reportPath, after: 1 }],
    failing: "a",
    exit: 3,
  },
  {
    name: "a malformed report body: the account fails after its retries, nothing of it is stored",
    faults: (a, _b, c) => [{ kind: "malformed", account: a, times: Number.POSITIVE_INFINITY, pathIncludes: c.reportPath, after: 1 }],
    failing: "a",
    exit: 3,
    says: () => /not the JSON the API documents/,
  },
  {
    name: "a permission missing on one account: it fails in plain words, the other lands",
    faults: (a) => [{ kind: "permission", account: a, times: Number.POSITIVE_INFINITY }],
    failing: "a",
    exit: 3,
    says: (c) => c.says.permission,
  },
  {
    name: "a platform error quoting the request's credentials: the account fails, the secret is redacted",
    faults: (a, _b, c) => [{ kind: "echo_secret", account: a, times: Number.POSITIVE_INFINITY, pathIncludes: c.reportPath }],
    failing: "a",
    exit: 3,
    says: () => /\[redacted\]/,
  },
];

for (const c of PLATFORM_CASES) {
  describe(c.platform, () => {
    const first = c.delivery(20, 1);
    const served: FakeDelivery = { accounts: first.accounts, days: new Map(first.days) };
    const restated = restate(first);
    let fake: FakeApi;
    before(async () => {
      fake = await c.start(served);
    });
    after(() => fake.close());
    const [A, B] = c.accounts.map((a) => a.id) as [string, string];

    for (const s of SCENARIOS) {
      if (s.only && !s.only(c)) continue;
      test(s.name, async () => {
        for (const [id, days] of first.days) served.days.set(id, days);
        fake.clearFaults();
        c.refuse(fake, false);
        const dir = tempDir(`cpi-fault-${c.platform}-`);
        const db = join(dir, "cpi.duckdb");
        await addConnection(dir, c, fake, "c", [A, B]);
        const one = await cpiEnv(dir, PLATFORM_ENV, "sync", "--since", "40d");
        assert.equal(one.code, 0, one.stderr);
        const before = await snapshot(db, [A, B]);
        for (const [id, days] of restated) served.days.set(id, days);
        const reference = tempDir(`cpi-fault-ref-${c.platform}-`);
        await addConnection(reference, c, fake, "c", [A, B]);
        assert.equal((await cpiEnv(reference, PLATFORM_ENV, "sync", "--since", "40d")).code, 0);
        const want = await snapshot(join(reference, "cpi.duckdb"), [A, B]);
        assert.notEqual(before.get(A), want.get(A), "the restatement changed the rows (else the checks prove nothing)");

        s.setup?.(fake, c);
        for (const f of s.faults?.(A, B, c) ?? []) fake.fault(f);
        const issued = c.issued(fake);
        const r = await cpiEnv(dir, PLATFORM_ENV, "sync", "--since", "40d", "--request-timeout", "500ms", "--format", "json");
        assert.equal(r.code, s.exit, `exit code (stderr: ${r.stderr})`);
        const json = JSON.parse(r.stdout) as { account: string; error: string | null }[];
        const failing = s.failing === "none" ? [] : s.failing === "a" ? [A] : [A, B];
        assert.deepEqual(json.filter((a) => a.error !== null).map((a) => a.account).sort(), failing.sort());
        if (s.says) assert.match(r.stderr + r.stdout, s.says(c));
        const got = await snapshot(db, [A, B]);
        for (const id of [A, B]) assert.equal(got.get(id), failing.includes(id) ? before.get(id) : want.get(id), failing.includes(id) ? `${id} failed and is exactly as it was` : `${id} holds the restated delivery`);
        for (const secret of Object.values(PLATFORM_SECRETS)) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), "no secret in the output");
        s.check?.(fake, c, issued);
        c.refuse(fake, false);
        assert.deepEqual(fake.violations, []);
      });
    }
  });
}
