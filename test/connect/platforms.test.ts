// `cpi sync`, `cpi connect test` and the file importers against each platform of PLATFORM_CASES
// (LinkedIn, TikTok): every request follows the documented protocol (the fakes list any that does
// not), the store holds exactly the delivery served, and the same delivery written as the platform's
// export file gives identical `cpi report` output.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FakeDelivery } from "../../src/test-support/fake-platforms/delivery.js";
import type { FakeApi } from "../../src/test-support/fake-platforms/fake-server.js";
import { tempDir } from "../helpers.js";
import { cpiEnv, yesterday } from "./fakes.js";
import { addConnection, PLATFORM_CASES, PLATFORM_ENV } from "./platform-cases.js";
import { expectedTotals, reachRows, reports, storeTotals } from "./store-views.js";

for (const c of PLATFORM_CASES) {
  describe(c.platform, () => {
    let data: FakeDelivery;
    let fake: FakeApi;
    before(async () => {
      data = c.delivery(25, 3);
      fake = await c.start(data);
    });
    after(() => fake.close());
    const ids = c.accounts.map((a) => a.id);

    test("a first sync backfills 90 days: the served rows land, every request as documented", async () => {
      const dir = tempDir(`cpi-sync-${c.platform}-`);
      fake.requests.length = 0;
      await addConnection(dir, c, fake, "c", ids);
      const r = await cpiEnv(dir, PLATFORM_ENV, "sync", "--format", "json");
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { account: string; from: string; to: string; days: number; error: string | null; timezone: string; currency: string }[];
      for (const a of c.accounts) {
        const w = out.find((x) => x.account === a.id);
        assert.equal(w?.error, null);
        assert.equal(w?.days, 90);
        assert.equal(w?.to, yesterday(a.timezone));
        assert.equal(w?.timezone, a.timezone);
      }
      const want = expectedTotals(c.source, data, (a) => out.find((x) => x.account === a.id) as { from: string; to: string }, true);
      assert.deepEqual(await storeTotals(join(dir, "cpi.duckdb")), want);
      assert.deepEqual(fake.violations, []);
      assert.ok(fake.requests.filter((q) => q.path.includes(c.reportPath)).length >= 6, "90 days in slices, per account");
      assert.ok(c.issued(fake) >= 1 || !c.refreshes);
      assert.match(r.stderr, c.firstSync.says);
      assert.ok(c.firstSync.paged(fake), "the platform's pages were followed");
      // Syncing again changes nothing.
      const before = await reports(dir);
      const again = await cpiEnv(dir, PLATFORM_ENV, "sync", "--format", "json");
      assert.equal(again.code, 0, again.stderr);
      for (const a of JSON.parse(again.stdout)) assert.equal(a.days, 15, "the lookback of 14 days and yesterday");
      assert.deepEqual(await reports(dir), before);
    });

    test("served through the fake API or written as the export file, the delivery gives identical reports; a sync after the import replaces it", async () => {
      const synced = tempDir(`cpi-sync-same-${c.platform}-`);
      await addConnection(synced, c, fake, "c", ids);
      const r = await cpiEnv(synced, PLATFORM_ENV, "sync", "--format", "json", "--since", "30d");
      assert.equal(r.code, 0, r.stderr);
      const windows = new Map((JSON.parse(r.stdout) as { account: string; from: string; to: string }[]).map((a) => [a.account, a]));
      const imported = tempDir(`cpi-import-same-${c.platform}-`);
      for (const a of c.accounts) {
        const w = windows.get(a.id) as { from: string; to: string };
        const im = await cpiEnv(imported, {}, "import", ...c.exportFile(imported, data, a, w));
        assert.equal(im.code, 0, im.stderr);
      }
      const [x, y] = [await reports(synced), await reports(imported)];
      assert.ok((x[0]?.split("\n").length ?? 0) > 100, "hundreds of ad-days compared");
      assert.deepEqual(x, y);
      const reach = await reachRows(synced);
      assert.equal(reach.length > 100, c.reach, "reach rows per ad and day where the platform reports reach");
      assert.deepEqual(reach, await reachRows(imported));
      await addConnection(imported, c, fake, "c", ids);
      const s = await cpiEnv(imported, PLATFORM_ENV, "sync", "--format", "json", "--since", "30d");
      assert.equal(s.code, 0, s.stderr);
      for (const a of JSON.parse(s.stdout) as { rows: number; replaced_rows: number }[]) assert.equal(a.replaced_rows, a.rows, "every synced row replaced its imported twin");
      assert.deepEqual(await reports(imported), x);
    });

    test("connect test: each account's name, currency and zone, or what is wrong in plain words", async () => {
      const dir = tempDir(`cpi-connect-test-${c.platform}-`);
      await addConnection(dir, c, fake, "c", [...ids, c.unknownAccount]);
      const t = await cpiEnv(dir, PLATFORM_ENV, "connect", "test", "c", "--format", "json");
      assert.equal(t.code, 2);
      const accounts = JSON.parse(t.stdout).accounts as { ok: boolean; name: string; currency: string; timezone: string; error: string; error_kind: string }[];
      assert.deepEqual(accounts.map((a) => a.ok), [true, true, false]);
      assert.deepEqual(accounts.slice(0, 2).map((a) => [a.name, a.currency, a.timezone]), c.accounts.map((a) => [a.name, a.currency, a.timezone]));
      assert.match(accounts[2]?.error ?? "", c.says.unknown);
      assert.equal(accounts[2]?.error_kind, "unknown_account");

      const retired = tempDir(`cpi-connect-test-version-${c.platform}-`);
      await addConnection(retired, c, fake, "c", ids.slice(0, 1), c.retiredVersion);
      assert.match((await cpiEnv(retired, PLATFORM_ENV, "connect", "test", "c")).stdout, c.says.retired);

      fake.fault({ kind: "permission", account: ids[0] as string, times: 1 });
      const perm = await cpiEnv(dir, PLATFORM_ENV, "connect", "test", "c");
      assert.match(perm.stdout, c.says.permission);
      fake.clearFaults();

      c.refuse(fake, true);
      try {
        const refused = await cpiEnv(dir, PLATFORM_ENV, "connect", "test", "c");
        assert.equal(refused.code, 2);
        assert.match(refused.stdout, c.says.refused);
      } finally {
        c.refuse(fake, false);
      }
      assert.deepEqual(fake.violations, []);
    });
  });
}
