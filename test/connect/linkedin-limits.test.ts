// LinkedIn's adAnalytics answers at most 15,000 elements and drops the rest without saying so: an
// account whose 30-day slice holds more creative-days must still land whole, asked again a week at a
// time.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { addDays } from "../../src/domain/dates.js";
import { generateDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import { startFakeLinkedIn } from "../../src/test-support/fake-platforms/fake-linkedin.js";
import { tempDir } from "../helpers.js";
import { cpiEnv, yesterday } from "./fakes.js";
import { addConnection, PLATFORM_CASES, PLATFORM_ENV, PLATFORM_SECRETS } from "./platform-cases.js";
import { expectedTotals, storeTotals } from "./store-views.js";

test("a full adAnalytics answer (15,000 elements, maybe cut) is asked again a week at a time: every creative-day lands", async () => {
  const c = PLATFORM_CASES.find((x) => x.platform === "linkedin");
  assert.ok(c);
  const to = yesterday("UTC");
  const account = { id: "509000001", name: "Big LinkedIn", currency: "GBP", timezone: "UTC" };
  // 600 creatives: about 16,000 creative-days in 30 days.
  const data = generateDelivery({ seed: 9, platform: "linkedin", accounts: [account], campaigns: 20, adGroups: 1, ads: 30, from: addDays(to, -40), to });
  const fake = await startFakeLinkedIn({ data, clientId: "78abcdefghijkl", clientSecret: PLATFORM_SECRETS.LINKEDIN_CLIENT_SECRET, refreshToken: PLATFORM_SECRETS.LINKEDIN_REFRESH_TOKEN });
  try {
    const dir = tempDir("cpi-linkedin-cap-");
    await addConnection(dir, c, fake, "big", [account.id]);
    const r = await cpiEnv(dir, PLATFORM_ENV, "sync", "--since", "31d", "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the creative analytics of ad account 509000001 for .*: 15,000 elements, the most LinkedIn answers at once; asking 7 days at a time/);
    const [w] = JSON.parse(r.stdout) as { from: string; to: string; rows: number }[];
    assert.ok((w?.rows ?? 0) > 15_000, "more creative-days than one answer holds");
    assert.deepEqual(await storeTotals(join(dir, "cpi.duckdb")), expectedTotals("linkedin", data, () => w as { from: string; to: string }, true));
    assert.deepEqual(fake.violations, []);
  } finally {
    await fake.close();
  }
});
