// The fake Google Ads, Meta and Microsoft APIs of the sync bench, in their own process (so their CPU and memory
// are not the measured process's): 1,000 ads × 90 days each, up to yesterday in every zone. Sends
// their addresses to the parent over IPC and runs until the parent disconnects.
import { addDays } from "../src/domain/dates.js";
import { yesterdayInZone } from "../src/domain/zoned-day.js";
import { generateDelivery } from "../src/test-support/fake-platforms/delivery.js";
import { startFakeGoogleAds } from "../src/test-support/fake-platforms/fake-google-ads.js";
import { startFakeMeta } from "../src/test-support/fake-platforms/fake-meta.js";
import { startFakeMicrosoft } from "../src/test-support/fake-platforms/fake-microsoft.js";

export const BENCH_SECRETS = { clientSecret: "bench-client-secret", refreshToken: "bench-refresh-token", metaToken: "bench-meta-token", developerToken: "bench-developer-token" };
/** 20 campaigns × 10 ad groups × 5 ads = 1,000 ads. */
const SIZE = { campaigns: 20, adGroups: 10, ads: 5 };
const DAYS = Number(process.env.BENCH_SYNC_DAYS ?? 90);

if (process.send) {
  const to = yesterdayInZone(Date.now(), "Pacific/Kiritimati");
  const from = addDays(to, -(DAYS + 1));
  const account = (id: string) => ({ id, name: "Bench", currency: "EUR", timezone: "UTC" });
  const google = await startFakeGoogleAds({
    data: generateDelivery({ seed: 1, platform: "google-ads", accounts: [account("1234567890")], ...SIZE, from, to, idleShare: 0 }),
    clientId: "bench",
    clientSecret: BENCH_SECRETS.clientSecret,
    refreshToken: BENCH_SECRETS.refreshToken,
    memo: true,
  });
  const meta = await startFakeMeta({ data: generateDelivery({ seed: 2, platform: "meta", accounts: [account("1020304050")], ...SIZE, from, to, idleShare: 0 }), accessToken: BENCH_SECRETS.metaToken, pollsToComplete: 1, memo: true });
  const microsoft = await startFakeMicrosoft({
    data: generateDelivery({ seed: 3, platform: "microsoft-ads", accounts: [{ ...account("180535609"), timezone: "Europe/London" }], ...SIZE, from, to, idleShare: 0 }),
    clientId: "bench",
    clientSecret: BENCH_SECRETS.clientSecret,
    refreshToken: BENCH_SECRETS.refreshToken,
    developerToken: BENCH_SECRETS.developerToken,
    pollsToComplete: 1,
    memo: true,
  });
  process.send({ google: { apiUrl: google.apiUrl, tokenUrl: google.tokenUrl }, meta: { apiUrl: meta.apiUrl }, microsoft: { apiUrl: microsoft.apiUrl, tokenUrl: microsoft.tokenUrl } });
  process.on("disconnect", () => {
    void Promise.all([google.close(), meta.close(), microsoft.close()]).then(() => process.exit(0));
  });
}
