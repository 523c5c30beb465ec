import { MEASURE_NAMES, type MeasureName } from "./measures.js";
import { METRICS, type MetricInput, type MetricName } from "./metrics.js";

/** Summed measures each metric reads, found once by evaluating its formula on a recording input. */
const READS = new Map<MetricName, MeasureName[]>();

function reads(metric: MetricName): MeasureName[] {
  let found = READS.get(metric);
  if (!found) {
    const seen = new Set<MeasureName>();
    const input = {} as MetricInput;
    // Every measure 1 (money 1 micro): no formula short-cuts past a measure it needs on a zero or a null.
    for (const m of MEASURE_NAMES) {
      const value = m === "cost" || m === "revenue" ? 1n : 1;
      Object.defineProperty(input, m, {
        enumerable: true,
        get: () => {
          seen.add(m);
          return value;
        },
      });
    }
    input.invalid_impressions = 1;
    input.reach = 1;
    METRICS[metric].value(input);
    found = MEASURE_NAMES.filter((m) => seen.has(m));
    READS.set(metric, found);
  }
  return found;
}

/**
 * The summed measures a set of metrics is derived from, in catalogue order: what a query has to sum.
 * @example measuresOf(["cpi", "ctr"]) // ["cost", "impressions", "clicks"]
 */
export function measuresOf(metrics: readonly MetricName[]): MeasureName[] {
  const need = new Set(metrics.flatMap(reads));
  return MEASURE_NAMES.filter((m) => need.has(m));
}
