import { MEASURE_NAMES, type MeasureName } from "./measures.js";
import { METRICS, type MetricName, type MetricUnits } from "./metrics.js";

/** Summed measures each metric reads, found once by evaluating its formula on a recording input. */
const READS = new Map<MetricName, MeasureName[]>();

function reads(metric: MetricName): MeasureName[] {
  let found = READS.get(metric);
  if (!found) {
    const seen = new Set<MeasureName>();
    const input = {} as MetricUnits;
    // Every measure 1: no formula short-cuts past a measure it needs on a zero or a null.
    for (const m of MEASURE_NAMES) {
      const value = 1;
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
    // The formula itself (`value` would first read every measure to convert the money).
    METRICS[metric].ofUnits(input);
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
