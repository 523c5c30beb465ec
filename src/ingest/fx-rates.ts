import { isoToEpochDay } from "../domain/dates.js";
import type { FxRate } from "../domain/fx.js";
import type { ParseIssue } from "../domain/spend.js";

export interface ParsedRates {
  format: "cpi" | "ecb";
  rates: FxRate[];
  issues: ParseIssue[];
}

const CODE = /^[A-Z]{3}$/;

function splitLine(line: string): string[] {
  return line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
}

/**
 * Reads an exchange-rate file: cpi's own `date,currency,rate[,base]` layout (1 base = rate currency;
 * base defaults to EUR) or the ECB's `eurofxref-hist.csv` (Date,USD,JPY,…; "N/A" where none).
 * @example parseFxRates(bytes, "rates.csv").rates[0] // { date: "2026-10-01", base: "EUR", currency: "USD", rate: 1.09, origin: "rates.csv" }
 */
export function parseFxRates(bytes: Uint8Array, fileName: string): ParsedRates {
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  const header = splitLine(lines[0] ?? "").map((h) => h.toLowerCase());
  const issues: ParseIssue[] = [];
  const rates: FxRate[] = [];
  const bad = (line: number, column: string, message: string) => issues.push({ severity: "error", line, column, message });
  const rate = (text: string) => (/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN);
  if (header[0] === "date" && header.includes("currency") && header.includes("rate")) {
    const ci = header.indexOf("currency");
    const ri = header.indexOf("rate");
    const bi = header.indexOf("base");
    lines.slice(1).forEach((line, i) => {
      if (!line.trim()) return;
      const n = i + 2;
      const cells = splitLine(line);
      const date = cells[0] ?? "";
      const currency = (cells[ci] ?? "").toUpperCase();
      const base = bi >= 0 ? (cells[bi] ?? "").toUpperCase() || "EUR" : "EUR";
      const value = rate(cells[ri] ?? "");
      if (isoToEpochDay(date) === null) {
        bad(n, "date", `'${date}' is not a date as YYYY-MM-DD`);
        return;
      }
      if (!CODE.test(currency)) {
        bad(n, "currency", `'${cells[ci] ?? ""}' is not an ISO-4217 code`);
        return;
      }
      if (!CODE.test(base)) {
        bad(n, "base", `'${cells[bi] ?? ""}' is not an ISO-4217 code`);
        return;
      }
      if (!(value > 0)) {
        bad(n, "rate", `'${cells[ri] ?? ""}' is not a positive number`);
        return;
      }
      rates.push({ date, base, currency, rate: value, origin: fileName });
    });
    return { format: "cpi", rates, issues };
  }
  if (header[0] === "date" && header.slice(1).some((h) => CODE.test(h.toUpperCase()))) {
    const codes = splitLine(lines[0] ?? "").map((h) => h.toUpperCase());
    lines.slice(1).forEach((line, i) => {
      if (!line.trim()) return;
      const n = i + 2;
      const cells = splitLine(line);
      const date = cells[0] ?? "";
      if (isoToEpochDay(date) === null) {
        bad(n, "Date", `'${date}' is not a date as YYYY-MM-DD`);
        return;
      }
      for (let c = 1; c < codes.length; c++) {
        const code = codes[c] ?? "";
        const cell = cells[c] ?? "";
        if (!CODE.test(code) || cell === "" || cell === "N/A") continue;
        const value = rate(cell);
        if (!(value > 0)) bad(n, code, `'${cell}' is not a positive number`);
        else rates.push({ date, base: "EUR", currency: code, rate: value, origin: fileName });
      }
    });
    return { format: "ecb", rates, issues };
  }
  issues.push({
    severity: "error",
    line: 1,
    message: `not a rates file: expected the header 'date,currency,rate[,base]' or the ECB layout 'Date,USD,JPY,…', found '${(lines[0] ?? "").slice(0, 80)}'`,
  });
  return { format: "cpi", rates, issues };
}
