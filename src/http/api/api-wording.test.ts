import assert from "node:assert/strict";
import { test } from "node:test";
import { inApiWords, inputFieldsOf, warningsInApiWords } from "./api-wording.js";

const fields = inputFieldsOf({
  properties: { mapping: {}, period: {}, currency: {}, where: { items: {} }, by: {}, from: {}, to: {}, unit: { enum: ["day", "placement", "visitor"] }, days: {}, skip_invalid: {} },
});

test("flags the endpoint takes become its fields, with their values after '='", () => {
  const cases: [string, string][] = [
    [
      "the report would add up amounts in EUR, USD: pass --currency (e.g. --currency EUR) with rates from 'cpi fx import', add currency to --by, or filter with --where currency=…",
      "the report would add up amounts in EUR, USD: pass currency (e.g. currency=EUR) with rates from 'cpi fx import', add currency to by, or filter with where=currency=…",
    ],
    ["--where 'color=red': unknown dimension 'color'", "where='color=red': unknown dimension 'color'"],
    ["--from 2026-02-01 is after --to 2026-01-01", "from=2026-02-01 is after to=2026-01-01"],
    ["use --period or a --from/--to pair, not both", "use period or a from/to pair, not both"],
    ["--unit visitor needs first-party events; or use --unit day, placement or ad_group", "unit=visitor needs first-party events; or use unit=day, placement or ad_group"],
    ["--days must be a whole number ≥ 1, got 0", "days must be a whole number ≥ 1, got 0"],
    ["nothing was imported (use --skip-invalid to import the good rows)", "nothing was imported (use skip_invalid to import the good rows)"],
    ["point --config at your rules file", "point --config at your rules file"],
    ["no flags here -- really", "no flags here -- really"],
    ["a campaign named 'x--from' is not one", "a campaign named 'x--from' is not one"],
    ["'--from' is not a date", "'--from' is not a date"],
    ["file 'q --period x.csv': pass --period 2026-10", "file 'q --period x.csv': pass period=2026-10"],
    ["read it with --map mapping.json", "read it with mapping mapping.json"],
  ];
  for (const [cli, api] of cases) assert.equal(inApiWords(cli, fields), api);
});

test("a flag the endpoint does not take is left as the CLI's", () => {
  assert.equal(inApiWords("pass --currency USD", new Map()), "pass --currency USD");
});

test("warnings are reworded wherever a result keeps them; the rest is returned as it is", () => {
  const when = new Date("2026-10-01T00:00:00Z");
  const result = { files: [{ file: "a.csv", warnings: ["pass --period 2026-10 if it covers more", 3] }], rows: [{ n: 1n, when }], warnings: [] };
  const out = warningsInApiWords(result, fields) as typeof result;
  assert.deepEqual(out.files[0]?.warnings, ["pass period=2026-10 if it covers more", 3]);
  assert.equal(out.rows, result.rows, "untouched parts are not copied");
  assert.equal(out.rows[0]?.when, when, "a Date stays a Date");
  assert.equal(result.files[0]?.warnings[0], "pass --period 2026-10 if it covers more", "the handler's result is not changed");
  const quiet = { warnings: ["nothing to change"], rows: [] };
  assert.equal(warningsInApiWords(quiet, fields), quiet);
});

test("by and where are dimensions and filters where the endpoint calls them so (a JSON report)", () => {
  const json = inputFieldsOf({ properties: { dimensions: {}, filters: {}, currency: {} } });
  assert.equal(inApiWords("add currency to --by, or filter with --where currency=…", json), "add currency to dimensions, or filter with filters=currency=…");
});

test("messages in skipped rows and an error's issues are reworded too", () => {
  const out = warningsInApiWords({ files: [{ skipped: [{ line: 4, column: "Currency", message: "Currency is empty and --currency was not given" }] }] }, fields) as {
    files: { skipped: { message: string }[] }[];
  };
  assert.equal(out.files[0]?.skipped[0]?.message, "Currency is empty and currency was not given");
});
