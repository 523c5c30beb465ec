// The HTTP client every connector goes through, against a real local server: retries with backoff
// and full jitter, Retry-After, the deadline, one token refresh, timeouts, redaction. Waits are
// recorded instead of slept (the clock is the client's environment, not what is under test).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiClient, type AuthSource, type ClientTiming, DEFAULT_TIMING, jsonBody } from "../../src/connect/http-client.js";
import { ApiProblem } from "../../src/connect/problem.js";
import { type Answer, type FakeApi, startFakeServer } from "../../src/test-support/fake-platforms/fake-server.js";

let script: Answer[] = [];
let api: FakeApi;
before(async () => {
  api = await startFakeServer(() => script.shift() ?? { status: 200, json: { ok: true } });
});
after(() => api.close());

function client(timing: Partial<ClientTiming> = {}, waits: number[] = [], now = () => Date.now()) {
  return new ApiClient({ ...DEFAULT_TIMING, deadlineAt: now() + 60_000, ...timing }, { sleep: async (ms) => void waits.push(ms), random: () => 1, now });
}

/** Reads an answer as these tests' tiny protocol: { ok } is success, else the status decides. */
const read = (res: { status: number; text: string }) => {
  const body = jsonBody({ ...res, headers: new Headers() }, "the call") as { ok?: boolean; error?: string };
  if (res.status === 200 && body.ok) return body;
  if (res.status === 401) throw new ApiProblem("auth_expired", `the call: token refused (${body.error ?? ""})`, { status: 401 });
  if (res.status === 429) throw new ApiProblem("rate_limited", "the call: throttled", { status: 429 });
  if (res.status >= 500) throw new ApiProblem("transient", `the call: server error ${body.error ?? ""}`, { status: res.status });
  throw new ApiProblem("bad_request", "the call: refused", { status: res.status });
};

test("transient failures are retried with exponential backoff (full jitter, capped), then succeed", async () => {
  script = [500, 503, 500, 502].map((status) => ({ status, json: { error: "x" } }));
  const waits: number[] = [];
  const c = client({ retryBaseMs: 100, retryMaxMs: 500 }, waits);
  assert.deepEqual(await c.send({ method: "GET", url: api.url, what: "the call" }, read), { ok: true });
  assert.equal(c.calls, 5);
  assert.deepEqual(waits, [100, 200, 400, 500], "random()=1 waits the whole cap: base × 2^n up to the maximum");
});

test("after maxAttempts tries a transient failure is thrown, saying how many", async () => {
  script = Array.from({ length: 10 }, () => ({ status: 500, json: { error: "down" } }));
  const c = client({ maxAttempts: 3, retryBaseMs: 1 });
  await assert.rejects(c.send({ method: "GET", url: api.url, what: "the call" }, read), (e: ApiProblem) => e.kind === "transient" && /server error down \(after 3 tries\)/.test(e.message));
  assert.equal(c.calls, 3);
  script = [];
});

test("Retry-After is honoured; a wait beyond what cpi accepts becomes a used-up quota, not a retry", async () => {
  script = [{ status: 429, json: {}, headers: { "retry-after": "7" } }];
  const waits: number[] = [];
  await client({}, waits).send({ method: "GET", url: api.url, what: "the call" }, read);
  assert.deepEqual(waits, [7000]);
  script = [{ status: 429, json: {}, headers: { "retry-after": "40591" } }];
  const none: number[] = [];
  await assert.rejects(client({}, none).send({ method: "GET", url: api.url, what: "the call" }, read), (e: ApiProblem) => e.kind === "quota_exhausted" && /asks to wait 11 h 17 min/.test(e.message));
  assert.deepEqual(none, []);
  script = [];
});

test("no call starts and no wait runs past the deadline", async () => {
  script = [{ status: 503, json: {} }];
  let t = 1_000_000;
  const c = client({ retryBaseMs: 10_000, deadlineAt: 1_005_000 }, [], () => t);
  await assert.rejects(c.send({ method: "GET", url: api.url, what: "the call" }, read), (e: ApiProblem) => e.kind === "deadline" && /would pass the sync's deadline/.test(e.message));
  t = 1_006_000;
  await assert.rejects(c.send({ method: "GET", url: api.url, what: "the next call" }, read), (e: ApiProblem) => e.kind === "deadline" && /before the next call/.test(e.message));
  script = [];
});

test("an expired access token is refreshed once; refused again, the credentials are refused", async () => {
  let refreshes = 0;
  const auth: AuthSource = {
    authorize: async (req) => ({ ...req, headers: { authorization: `Bearer t${refreshes}` } }),
    refresh: async () => void refreshes++,
  };
  script = [{ status: 401, json: { error: "expired" } }];
  const c = client();
  assert.deepEqual(await c.send({ method: "GET", url: api.url, what: "the call" }, read, auth), { ok: true });
  assert.equal(refreshes, 1);
  assert.equal(api.requests.at(-1)?.headers.authorization, "Bearer t1");
  script = [{ status: 401, json: { error: "expired" } }, { status: 401, json: { error: "expired" } }];
  await assert.rejects(client().send({ method: "GET", url: api.url, what: "the call" }, read, auth), (e: ApiProblem) => e.kind === "auth_refused" && /freshly refreshed/.test(e.message));
  assert.equal(refreshes, 2, "one refresh per send");
  script = [];
});

test("an answer that never comes times out and is retried; a body that is not JSON is retried", async () => {
  const hang = await startFakeServer((_req, play) => {
    play("*");
    return { status: 200, json: { ok: true } };
  });
  hang.fault({ kind: "hang", account: "*", times: 1 });
  hang.fault({ kind: "malformed", account: "*", times: 1 });
  const logs: string[] = [];
  const c = new ApiClient({ ...DEFAULT_TIMING, requestTimeoutMs: 300, retryBaseMs: 1, deadlineAt: Date.now() + 60_000 }, { log: (m) => logs.push(m) });
  assert.deepEqual(await c.send({ method: "GET", url: hang.url, what: "the call" }, read), { ok: true });
  assert.equal(c.calls, 3);
  assert.match(logs[0] ?? "", /^the call: no answer from 127\.0\.0\.1:\d+ within 0\.3 s; retrying in/);
  assert.match(logs[1] ?? "", /^the call: the answer \(HTTP 200\) is not the JSON the API documents/);
  await hang.close();
});

test("a secret a platform echoes never reaches a message", async () => {
  script = Array.from({ length: 3 }, () => ({ status: 500, json: { error: "bad token ya29.SECRET-ACCESS-TOKEN" } }));
  const logs: string[] = [];
  const c = new ApiClient({ ...DEFAULT_TIMING, maxAttempts: 3, retryBaseMs: 1, deadlineAt: Date.now() + 60_000 }, { log: (m) => logs.push(m) });
  c.addSecrets("ya29.SECRET-ACCESS-TOKEN");
  await assert.rejects(c.send({ method: "GET", url: `${api.url}/?access_token=ya29.SECRET-ACCESS-TOKEN`, what: "the call" }, read), (e: ApiProblem) => !e.message.includes("SECRET") && /\[redacted\]/.test(e.message));
  assert.ok(logs.length > 0 && logs.every((l) => !l.includes("SECRET")));
  script = [];
});
