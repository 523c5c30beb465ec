// The batch text an HTTP worker of `cpi serve --workers N` sends the primary (HitBatch) and its
// decoding: every request comes back once, in order, with the same hits and context, across batches.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { HitContext } from "../../src/app/track/recorder.js";
import { decodeHitBatch, HitBatch } from "../../src/cli/serve/cluster-protocol.js";
import type { HitFields } from "../../src/domain/tracking/event.js";

type Request = [number, HitFields[], HitContext, boolean];

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

function hit(id: string, extra: Partial<HitFields> = {}): HitFields {
  return { type: "impression", campaign: "Launch \"Q4\"\n", creative: "Visual A", placement: "news-site", impression_id: id, measurable: false, webdriver: false, ...extra };
}

function ctx(userAgent: string, extra: Partial<HitContext> = {}): HitContext {
  return { ip: "203.0.113.7", country: "", now: 1_790_000_000_123, userAgent, purpose: "", clientHints: "", webdriver: false, ...extra };
}

const requests: Request[] = [
  [1, [hit("a1")], ctx(CHROME), false],
  // A beacon of three events, one with a measurement, one viewable measurable, from another agent.
  [2, [hit("b1", { measurement: "io" as HitFields["measurement"] }), hit("b1", { type: "viewable", measurable: true }), hit("b2", { type: "click", measurement: "" })], ctx("curl/8.5 ✓", { webdriver: true, country: "DE", purpose: "prefetch", clientHints: '"Chromium";v="124"' }), true],
  [3, [hit("c1", { webdriver: true, creative: "lone \uD800 surrogate" })], ctx(CHROME, { ip: "2001:db8::1" }), false],
  [4, [], ctx(""), true],
];

function roundTrip(batch: HitBatch): Request[] {
  const out: Request[] = [];
  decodeHitBatch(batch.take(), (id, hits, c, beacon) => out.push([id, hits, c, beacon]));
  return out;
}

test("a batch's text gives back every request once, in order, with its hits and context unchanged", () => {
  const batch = new HitBatch();
  for (const [id, hits, c, beacon] of requests) batch.add(id, hits, c, beacon);
  assert.equal(batch.size, 4);
  assert.deepEqual(roundTrip(batch), requests);
  assert.equal(batch.size, 0, "take empties the batch");
});

test("batches after the first start empty: no request of an earlier batch comes again, agents are not mixed up", () => {
  const batch = new HitBatch();
  batch.add(...(requests[0] as Request));
  batch.add(...(requests[1] as Request));
  const first = roundTrip(batch);
  batch.add(...(requests[2] as Request));
  batch.add(...(requests[3] as Request));
  const second = roundTrip(batch);
  assert.deepEqual([...first, ...second], requests);
  assert.deepEqual(roundTrip(batch), [], "an empty batch decodes to nothing");
});
