// The cpi library: the same functions the CLI and the API use.
// import { calculate, runReport, compareSides, analyzeTest, allocateBudget } from "cpi";
export { type AbTestRequest, planAbTest, runAbTest } from "./app/abtest.js";
export { type CalcInput, type CalcResult, calculate } from "./app/calc.js";
export { type CompareSide, type Comparison, compareSides } from "./app/compare.js";
export { importFxRates, listFxCoverage } from "./app/fx.js";
export { type FileImportResult, type ImportOptions, importReports, type ReportFile } from "./app/import.js";
export * from "./app/planning/index.js";
export { type Report, type ReportRow, reportToObjects, runReport } from "./app/report.js";
export { rowValue } from "./app/report-rows.js";
export * from "./domain/allocate/index.js";
export { cpiVerdict, extraImpressions, relativeChange } from "./domain/cost-efficiency.js";
export * from "./domain/curves/index.js";
export { decomposeCpiChange } from "./domain/decompose.js";
export { isUserError, UserError } from "./domain/errors.js";
export { addTotals, emptyTotals, type Totals } from "./domain/measures.js";
export { METRIC_NAMES, METRICS, type MetricName, metricDef, metricValues, ratio } from "./domain/metrics.js";
export { microsToUnits, parseMicros, unitsToMicros } from "./domain/money.js";
export * from "./domain/pacing/index.js";
export { buildMetricQuery, type MetricQuery } from "./domain/query.js";
export * from "./domain/reach/index.js";
export { analyzeTest, bayesianTest, frequentistTest, holmAdjust, planTest, sequentialTest, type TestAnalysis } from "./domain/stats/index.js";
export { parseReport } from "./ingest/index.js";
export { DuckDbStore } from "./store/duckdb/duckdb-store.js";
export type { Store } from "./store/store.js";

import { emptyTotals } from "./domain/measures.js";
import { METRICS } from "./domain/metrics.js";
import { unitsToMicros } from "./domain/money.js";

/** Cost per impression from totals. @example cpi(5000, 500000) // 0.01 */
export function cpi(cost: number, impressions: number): number | null {
  return METRICS.cpi.value({ ...emptyTotals(), cost: unitsToMicros(cost), impressions });
}

/** Cost per thousand impressions from totals. @example cpm(5000, 500000) // 10 */
export function cpm(cost: number, impressions: number): number | null {
  return METRICS.cpm.value({ ...emptyTotals(), cost: unitsToMicros(cost), impressions });
}
