// Uploads: spend reports (same rules and errors as `cpi import`) and exchange rates (`cpi fx import`).
import { z } from "zod";
import { importFxRates, listFxCoverage } from "../../../app/fx.js";
import { importReports } from "../../../app/import.js";
import { importTimezoneOptions } from "../../../app/store-settings.js";
import { parsePeriod } from "../../../domain/dates.js";
import { UserError } from "../../../domain/errors.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { currency, timezone } from "../params.js";
import { fxImportResponse, fxListResponse, importsResponse } from "../responses/reports.js";

const flag = z.enum(["true", "false", "1", "0"]);
const on = (v: string | undefined) => v === "true" || v === "1";

function needFiles(files: readonly unknown[]): void {
  if (files.length === 0) throw new UserError("no_files", "the upload holds no file: send report files as multipart/form-data (curl -F file=@report.csv …)");
}

function mappingOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UserError("bad_mapping", `mapping: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new UserError("bad_mapping", 'mapping: expected a JSON object of cpi column → file column, e.g. {"date": "Day", "cost": "Spend"}');
  }
  return parsed as Record<string, string>;
}

export const importEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "POST",
    path: "/api/imports",
    tag: "imports",
    summary: "Import report files (`cpi import`): multipart/form-data, one or more files",
    description:
      "All files in one transaction: a bad row rejects everything (400 `invalid_input` with every issue in details.issues) unless skip_invalid; a file whose rows do not add up to its own totals row is refused unless accept_totals_mismatch, and one whose every row is skipped is refused. Re-importing the same window replaces it. With dry_run=true nothing is written: the answer shows the detected platform, rows and issues (no token needed on loopback). Options go in the query string or as form fields, each once: a name given twice, or in both, is refused.",
    input: "multipart",
    schema: z.strictObject({
      source: z.string().min(1).max(50).optional().describe("force a platform (google-ads, meta, linkedin, microsoft-ads, tiktok, …) or name the source of generic files"),
      currency: currency.optional().describe("currency of files that do not state one"),
      timezone: timezone.optional().describe("account time zone when the file does not state one (default: the store's, set by cpi init --timezone, else UTC)"),
      account: z.string().min(1).max(200).optional().describe("account id when the file does not state one"),
      mapping: z.string().max(5000).optional().describe('column mapping for any other CSV/XLSX, as JSON: {"date": "Day", "cost": "Spend"}'),
      period: z.string().min(1).max(30).optional().describe("dates of a file that states none (Google Ads 'All time', Microsoft grid): 2026-10 or 2026-10-01..2026-10-31"),
      money_unit: z.enum(["units", "micros"]).optional().describe("how the files write money when their format does not say: units (12.50) or micros (12500000)"),
      skip_invalid: flag.optional().describe("import the good rows and list the bad ones"),
      accept_totals_mismatch: flag.optional().describe("import a file even when its totals row disagrees with the sum of its rows (a warning)"),
      dry_run: flag.optional().describe("parse and check only; write nothing"),
    }),
    write: (p) => !on(p.dry_run),
    response: importsResponse,
    handle: async (p, { store, files }) => {
      needFiles(files);
      const mapping = mappingOf(p.mapping);
      const dryRun = on(p.dry_run);
      const zones = await importTimezoneOptions(store, p.timezone);
      const results = await importReports(store, files, {
        ...(p.source ? { source: p.source } : {}),
        ...(p.currency ? { currency: p.currency.toUpperCase() } : {}),
        ...zones,
        ...(p.account ? { account: p.account } : {}),
        ...(mapping ? { mapping } : {}),
        ...(p.period ? { period: parsePeriod(p.period) } : {}),
        ...(p.money_unit ? { moneyUnit: p.money_unit } : {}),
        skipInvalid: on(p.skip_invalid),
        acceptTotalsMismatch: on(p.accept_totals_mismatch),
        dryRun,
      });
      return { dry_run: dryRun, files: results.map((r) => ({ file: r.file, source: r.source, format: r.format, rows: r.rows, replaced_rows: r.replaced_rows, skipped: r.skipped, warnings: r.warnings })) };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/api/fx",
    tag: "fx",
    summary: "Which currencies have exchange rates, over which dates (`cpi fx list`)",
    input: "query",
    schema: z.strictObject({}),
    write: false,
    response: fxListResponse,
    handle: async (_p, { store }) => ({ rates: await listFxCoverage(store) }),
  }),
  defineEndpoint({
    method: "POST",
    path: "/api/fx",
    tag: "fx",
    summary: "Import exchange-rate files (`cpi fx import`): date,currency,rate[,base] or the ECB's eurofxref-hist.csv",
    input: "multipart",
    schema: z.strictObject({}),
    write: true,
    response: fxImportResponse,
    handle: async (_p, { store, files }) => {
      needFiles(files);
      return importFxRates(store, files);
    },
  }),
];
