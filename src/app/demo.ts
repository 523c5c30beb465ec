import type { Store } from "../store/store.js";
import { type DemoTrackingOutcome, loadDemoTracking } from "./demo-tracking.js";
import { importFxRates } from "./fx.js";
import { type FileImportResult, importReports, type ReportFile } from "./import.js";

export interface DemoFiles {
  reports: ReportFile[];
  rates: ReportFile[];
}

/**
 * Fills an empty store with the bundled demo data set: spend reports of several sources and
 * currencies, the FX rates to convert them, and a week of first-party events (with the contract
 * pricing them) for the direct banner "Launch Q4". @example await loadDemo(store, files)
 */
export async function loadDemo(store: Store, files: DemoFiles): Promise<{ imports: FileImportResult[]; rates: number; tracking: DemoTrackingOutcome }> {
  const fx = await importFxRates(store, files.rates);
  const imports = await importReports(store, files.reports, {});
  const tracking = await loadDemoTracking(store);
  return { imports, rates: fx.files.reduce((s, f) => s + f.rates, 0), tracking };
}
