// The store process's load cadence: every 0.2 s on a quiet site, up to every 1 s under load.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LOAD_CADENCE, loadDelayMs } from "../../src/domain/load-cadence.js";

test("load cadence: 200 ms while the log grows slowly, 1 s from the busy rate on, linear between", () => {
  assert.equal(loadDelayMs(0), 200);
  assert.equal(loadDelayMs(Number.NaN), 200);
  assert.equal(loadDelayMs(LOAD_CADENCE.calmBytesPerSecond), 200);
  assert.equal(loadDelayMs(550_000), 600);
  assert.equal(loadDelayMs(LOAD_CADENCE.busyBytesPerSecond), 1000);
  assert.equal(loadDelayMs(50_000_000), 1000);
  // Never shorter as the rate rises.
  let last = 0;
  for (let rate = 0; rate <= 2_000_000; rate += 10_000) {
    const d = loadDelayMs(rate);
    assert.ok(d >= last, `delay at ${rate} B/s`);
    last = d;
  }
});
