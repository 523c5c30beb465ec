// The tracking tag in real Chromium, the quick check of the fast suite (every case, one page each:
// tag-viewability.test.ts in the slow suite): a page with a banner that comes into view and one whose
// creative answers 404, each with the tag `cpi snippet` prints; `cpi report` counts one impression,
// measured by IntersectionObserver v2 and viewable, for the first, and nothing for the second.
// Skips when /usr/bin/chromium is absent.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SKIP } from "../web/browser.js";
import { around, TagWorld } from "./tag-world.js";

const world = new TagWorld();
before(async () => {
  if (!SKIP) await world.start();
});
after(async () => {
  if (!SKIP) await world.stop();
});

test("a banner seen for a second counts impression, measurable, viewable; a creative that fails counts nothing", { skip: SKIP }, async () => {
  const ok = await world.snippet("quick-banner");
  const broken = await world.snippet("quick-404");
  const html = around(
    `<img id="ad" src="/ad/300x250.svg" width="300" height="250" alt="ad">${ok.tag}`,
    `<img src="/ad/missing.svg" width="300" height="250" alt="ad">${broken.tag}`,
  );
  const c = await world.open(world.page("quick", { html }));
  await c.delivered("impression");
  await c.page.waitForLoadState("load"); // the broken creative has failed by now
  await c.show(1);
  await c.delivered("viewable");
  await world.finish(c);
  assert.deepEqual(c.deliveries(), ["impression POST /e", "viewable POST /e"]);
  const rows = await world.report("--where", "campaign=quick-banner|quick-404", "--by", "campaign,measurement");
  assert.deepEqual(rows, [{ campaign: "quick-banner", measurement: "io-v2", impressions: 1, measurable_impressions: 1, viewable_impressions: 1, invalid_rate: 0 }]);
});
