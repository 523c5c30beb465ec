import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../domain/errors.js";
import { type SpendColumns, spendRowsOf } from "../../domain/spend-columns.js";
import { parseReport } from "../index.js";
import type { ColumnMapping } from "../types.js";

const parse = (text: string, mapping: ColumnMapping, currency = "EUR") =>
  parseReport(new TextEncoder().encode(text), {
    fileName: "m.csv",
    currency,
    mapping,
  });

test("--map names the columns; decimal comma and day-first dates; the header is found below a title", () => {
  const csv = "Informe mensual\nFecha;Campaña;Coste;Impresiones;Clics\n05/01/2026;Rebajas;1.234,56;1.000;7\n06/01/2026;Rebajas;10,5;20;\n";
  const r = parse(csv, {
    date: "Fecha",
    campaign: "Campaña",
    cost: "Coste",
    impressions: "Impresiones",
    clicks: "Clics",
    decimal: ",",
    date_order: "dmy",
  });
  assert.equal(r.format, "mapped");
  assert.equal(r.source, "generic");
  assert.deepEqual(r.issues, []);
  assert.deepEqual(
    r.rows.map((x) => [x.date_start, x.campaign, x.cost, x.impressions, x.clicks]),
    [
      ["2026-01-05", "Rebajas", 1_234_560_000n, 1000, 7],
      ["2026-01-06", "Rebajas", 10_500_000n, 20, 0],
    ],
  );
  assert.deepEqual(r.rowLines, [3, 4]);
});

test("--map with money in micros and unmapped generic columns", () => {
  const r = parse("day,campaign,spend_micros,imps,currency\n2026-01-05,A,1500000,10,EUR\n", {
    date: "day",
    cost: "spend_micros",
    impressions: "imps",
    money_unit: "micros",
  });
  assert.equal(r.rows[0]?.cost, 1_500_000n);
  assert.equal(r.rows[0]?.currency, "EUR");
});

test("--map errors: unknown field, a column the file lacks, a required field left out", () => {
  assert.throws(() => parse("a\n", { spend: "Coste" }), UserError);
  assert.throws(() => parse("a\n", { date: "x", decimal: ";" }), UserError);
  const absent = parse("Fecha,Coste\n2026-01-01,1\n", {
    date: "Fecha",
    cost: "Coste",
    impressions: "Impresiones",
  });
  assert.match(absent.issues[0]?.message ?? "", /Impresiones/);
  const incomplete = parse("Fecha,Coste,Impr\n2026-01-01,1,2\n", {
    date: "Fecha",
    cost: "Coste",
    impressions: "Impr",
  });
  assert.match(incomplete.issues[0]?.message ?? "", /campaign/);
});

test("--map on a large file: rows leave in column batches while it is read, the same rows as kept", () => {
  const lines = ["Informe mensual", "Fecha;Campaña;Coste;Impresiones;Clics"];
  for (let i = 0; i < 40_000; i++) lines.push(`${String(1 + (i % 28)).padStart(2, "0")}/01/2026;C ${i % 7};${i % 100},${String(i % 100).padStart(2, "0")};${i % 1000};${i % 9}`);
  lines.splice(1000, 0, "31/02/2026;Bad;1,00;1;1"); // line 1001
  const bytes = new TextEncoder().encode(`${lines.join("\n")}\n`);
  const mapping: ColumnMapping = { date: "Fecha", campaign: "Campaña", cost: "Coste", impressions: "Impresiones", clicks: "Clics", decimal: ",", date_order: "dmy" };
  const opts = { fileName: "m.csv", currency: "EUR", mapping };
  const kept = parseReport(bytes, opts);
  const batches: SpendColumns[] = [];
  const fromBuilder: boolean[] = [];
  const streamed = parseReport(bytes, opts, (b) => {
    batches.push(b);
    fromBuilder.push((new Error().stack ?? "").includes("parseGenericRecords"));
  });
  assert.equal(kept.rows.length, 40_000);
  assert.deepEqual(batches.flatMap(spendRowsOf), kept.rows);
  assert.deepEqual(fromBuilder, [true, true, true], "three batches of up to 16,384 rows, each handed out during the read");
  assert.deepEqual(streamed.rows, []);
  assert.deepEqual(streamed.issues, kept.issues);
  assert.deepEqual(
    kept.issues.map((i) => [i.line, i.severity]),
    [[1001, "error"]],
  );
});
