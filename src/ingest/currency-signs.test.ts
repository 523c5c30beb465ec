import assert from "node:assert/strict";
import { test } from "node:test";
import { signAgrees, signCurrency, splitMoneySign } from "./currency-signs.js";
import { inferDecimalMark, readLocaleNumber } from "./locale-number.js";

test("money cells: the sign or code before or after the amount, read apart, in each platform's way of writing it", () => {
  const cases: [string, "." | ",", string, string | undefined][] = [
    ["Rs.201.68", ".", "201.68", "Rs."],
    ["Rs. 1,034.50", ".", "1034.50", "Rs."],
    ["₹1,234.50", ".", "1234.50", "₹"],
    ["R$ 1.234,56", ",", "1234.56", "R$"],
    ["€12,50", ",", "12.50", "€"],
    ["12,50 €", ",", "12.50", "€"],
    ["£7.00", ".", "7.00", "£"],
    ["¥1,500", ".", "1500", "¥"],
    ["1,500円", ".", "1500", "円"],
    ["US$12.00", ".", "12.00", "US$"],
    ["CA$12.00", ".", "12.00", "CA$"],
    ["1\u00a0234,56 zł", ",", "1234.56", "zł"],
    ["1.234,56 ₺", ",", "1234.56", "₺"],
    ["Rp 10.000", ",", "10000", "Rp"],
    ["USD 1,234.56", ".", "1234.56", "USD"],
    ["1.234,56 EUR", ",", "1234.56", "EUR"],
    ["1\u202f234,56 CHF", ",", "1234.56", "CHF"],
    ["-$5.00", ".", "-5.00", "$"],
    ["($5.00)", ".", "-5.00", "$"],
    ["1 234,56", ",", "1234.56", undefined],
    ["1\u00a0234\u00a0567,89", ",", "1234567.89", undefined],
    ["1\u202f234,5", ",", "1234.5", undefined],
  ];
  for (const [raw, decimal, text, sign] of cases) {
    assert.deepEqual(readLocaleNumber(raw, decimal), sign === undefined ? { kind: "number", text } : { kind: "number", text, sign }, raw);
  }
  // Words are not codes: only capitals before or after a number are.
  for (const bad of ["abc12", "12 usd", "Total 12"]) assert.deepEqual(readLocaleNumber(bad, "."), { kind: "invalid" }, bad);
  assert.deepEqual(splitMoneySign("201.68"), { sign: null, rest: "201.68" });
});

test("a sign's currency: one when it is the currency's own, none when several share it; agreement with a stated one", () => {
  assert.equal(signCurrency("Rs."), "INR");
  assert.equal(signCurrency("₹"), "INR");
  assert.equal(signCurrency("R$"), "BRL");
  assert.equal(signCurrency("zł"), "PLN");
  assert.equal(signCurrency("TL"), "TRY");
  assert.equal(signCurrency("US$"), "USD");
  assert.equal(signCurrency("CA$"), "CAD");
  assert.equal(signCurrency("EUR"), "EUR");
  for (const shared of ["$", "¥", "kr"]) assert.equal(signCurrency(shared), null, shared);
  assert.ok(signAgrees("$", "CAD") && signAgrees("$", "USD") && signAgrees("¥", "CNY") && signAgrees("Rs.", "PKR"));
  assert.ok(!signAgrees("$", "EUR") && !signAgrees("€", "USD") && !signAgrees("US$", "CAD") && !signAgrees("GBP", "EUR"));
});

test("the decimal mark is told past the currency sign: 'Rs.201.68' has one decimal point", () => {
  assert.equal(inferDecimalMark(["Rs.201.68", "Rs.1,034.50"], ","), ".");
  assert.equal(inferDecimalMark(["1\u00a0234,56 zł", "99,90 zł"], "."), ",");
  assert.equal(inferDecimalMark(["R$ 1.234,56"], "."), ",");
});
