import type { Store } from "../store/store.js";
import { importFxRates } from "./fx.js";
import { type FileImportResult, importReports, type ReportFile } from "./import.js";

export interface DemoFiles {
  reports: ReportFile[];
  rates: ReportFile[];
}

/**
 * Fills an empty store with the bundled demo data set: spend reports of several sources and
 * currencies, and the FX rates to convert them. @example await loadDemo(store, files)
 */
export async function loadDemo(store: Store, files: DemoFiles): Promise<{ imports: FileImportResult[]; rates: number }> {
  const fx = await importFxRates(store, files.rates);
  const imports = await importReports(store, files.reports, {});
  return { imports, rates: fx.files.reduce((s, f) => s + f.rates, 0) };
}
