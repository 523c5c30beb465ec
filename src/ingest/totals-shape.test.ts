import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveColumns } from "./columns.js";
import { shapeTotals, TOTALS_LABEL } from "./totals-shape.js";

test("totals labels in the platforms' languages, and names that only start with the word", () => {
  for (const label of ["Total", "Totals", "Grand Total:", "Total: Account", "Total of 2 campaigns", "Total : campagnes", "Total general", "Gesamt: Konto", "Gesamtergebnis", "Summe", "Totale: campagne", "Totaal: campagnes", "Łącznie: kampanie", "Toplam: Kampanyalar", "Jumlah", "合計: キャンペーン", "総計"]) {
    assert.ok(TOTALS_LABEL.test(label), label);
  }
  for (const name of ["Total Wine", "Totally new", "Totale Sommerschlussverkauf-Aktion", "Summer sale", "Gesamtkunst"]) assert.ok(!TOTALS_LABEL.test(name), name);
});

test("a totals row by its shape: labels, placeholders or nothing where identities belong, some measure stated", () => {
  const header = ["Campaign name", "Campaign ID", "Time", "Currency", "Cost", "Impressions"];
  const shape = shapeTotals(resolveColumns(header, { campaign: ["campaign name"], campaign_id: ["campaign id"], date: ["time"], currency: ["currency"], cost: ["cost"], impressions: ["impressions"] }));
  assert.ok(shape);
  const label = (cells: string[]) => shape.label((i) => cells[i] ?? "");
  assert.equal(label(["Total", "-", "-", "USD", "35.75", "4300"]), "Total");
  assert.equal(label(["-", "-", "-", "USD", "35.75", "4300"]), "totals row");
  assert.equal(label(["", "", "", "USD", "35.75", ""]), "totals row");
  assert.equal(label(["Total of 3 campaigns", "--", "", "USD", "35.75", "4300"]), "Total of 3 campaigns");
  // A data row: a real name, id or day anywhere among the identities.
  assert.equal(label(["Launch", "-", "-", "USD", "1.00", "10"]), null);
  assert.equal(label(["-", "1701", "-", "USD", "1.00", "10"]), null);
  assert.equal(label(["-", "-", "2026-05-01", "USD", "1.00", "10"]), null);
  assert.equal(label(["Total Wine", "-", "-", "USD", "1.00", "10"]), null);
  // Nothing stated at all: a blank row, not a totals row.
  assert.equal(label(["", "-", "", "USD", "", "--"]), null);
  assert.equal(shape.possible((i) => ["Launch", "1", "2026-05-01"][i] ?? ""), false);
  assert.equal(shape.possible((i) => ["Total", "-", "-"][i] ?? ""), true);
});
