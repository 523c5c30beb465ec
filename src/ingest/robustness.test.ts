import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { isUserError } from "../domain/errors.js";
import { parseReport } from "./index.js";

const DIR = new URL("../../test/fixtures/ingest/", import.meta.url);

/** Every fixture, cut and corrupted at seeded random places, parses or fails with a UserError: never a crash. */
test("corrupted fixtures never crash the parser", () => {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const names = readdirSync(fileURLToPath(DIR));
  let runs = 0;
  for (const name of names) {
    const original = new Uint8Array(readFileSync(new URL(name, DIR)));
    for (let k = 0; k < 25; k++) {
      let bytes = original.slice(0, Math.max(1, Math.floor(original.length * (0.3 + 0.7 * rnd()))));
      if (k % 2 === 0) {
        bytes = bytes.slice();
        for (let j = 0; j < 4; j++) bytes[Math.floor(rnd() * bytes.length)] = [0x22, 0x2c, 0x0a, 0x09, 0x3b, 0x2d, 0xff][Math.floor(rnd() * 7)] as number;
      }
      for (const opts of [{}, { currency: "USD", period: { from: "2026-01-01", to: "2026-01-31" } }]) {
        runs++;
        try {
          const r = parseReport(bytes, { fileName: name, ...opts });
          assert.equal(r.rows.length, r.rowLines.length);
          for (const row of r.rows) assert.ok(row.date_start <= row.date_end && row.cost >= 0n && row.impressions >= 0, name);
        } catch (e) {
          assert.ok(isUserError(e), `${name} #${k}: ${(e as Error).stack}`);
        }
      }
    }
  }
  assert.ok(runs > 500);
});
