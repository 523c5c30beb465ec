import assert from "node:assert/strict";
import { test } from "node:test";
import { tsvColumns, unescapeTsv } from "./tsv-columns.js";

test("TabSeparatedWithNamesAndTypes is read as JSONCompact was: integers, wide integers, days, instants, nulls and escaped text", () => {
  const text = [
    "d0\td1\tcost\tn\tbig\tneg\tt\tx\tf",
    "String\tDate\tString\tUInt64\tInt128\tInt64\tDateTime('UTC')\tNullable(Int32)\tFloat64",
    "Tab\\there\\\\ and\\nline\t2026-10-01\t12345678901234567890\t42\t123456789012345678901\t-9007199254740991\t2026-10-01 13:45:00\t\\N\t0.5",
    "it\\'s\t2026-10-01\t7\t0\t5\t-3\t1970-01-01 00:00:00\t-7\tnan",
    "",
  ].join("\n");
  const r = tsvColumns(text);
  assert.ok(r);
  assert.equal(r.rowCount, 2);
  assert.deepEqual(r.columns.d0, ["Tab\there\\ and\nline", "it's"]);
  assert.deepEqual(r.columns.d1, ["2026-10-01", "2026-10-01"]);
  // Money sums stay text (the report makes them exact bigints).
  assert.deepEqual(r.columns.cost, ["12345678901234567890", "7"]);
  assert.deepEqual(r.columns.n, [42, 0]);
  assert.deepEqual(r.columns.big, [123456789012345678901n, 5]);
  assert.deepEqual(r.columns.neg, [-9007199254740991, -3]);
  assert.deepEqual(r.columns.t, ["2026-10-01T13:45:00.000Z", "1970-01-01T00:00:00.000Z"]);
  assert.deepEqual(r.columns.x, [null, -7]);
  assert.deepEqual(r.columns.f, [0.5, null]);
});

test("an empty result has its columns and no rows; a later column of the same name wins; other types are left to JSON", () => {
  assert.deepEqual(tsvColumns("a\tb\nUInt8\tString\n"), { rowCount: 0, columns: { a: [], b: [] } });
  assert.deepEqual(tsvColumns("a\ta\nUInt8\tString\n1\tx\n")?.columns, { a: ["x"] });
  assert.equal(tsvColumns("a\nArray(UInt8)\n[1,2]\n"), null);
  assert.throws(() => tsvColumns("a\tb\nUInt8\tUInt8\n1"), /ends inside row 1/);
  assert.equal(unescapeTsv("a\\0b\\rc"), "a\0b\rc");
});
