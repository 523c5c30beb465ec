import type { AlertFiles } from "../../../app/alerts/index.js";
import type { ConnectionFiles } from "../../../app/connect/connection-files.js";
import type { Endpoint } from "../endpoint.js";
import { alertEndpoints } from "./alerts.js";
import { contractEndpoints } from "./contracts.js";
import { importEndpoints } from "./imports.js";
import { planningEndpoints } from "./planning.js";
import { reportEndpoints } from "./reports.js";
import { syncEndpoints } from "./sync.js";
import { trackingEndpoints } from "./tracking.js";

/** Every API endpoint, in the order /openapi.json lists them; alerts answer 404 without `alerts` files, sync an empty list without `connections`. */
export function allEndpoints(boundHost: string, alerts?: AlertFiles, connections?: ConnectionFiles): Endpoint[] {
  return [...reportEndpoints, ...importEndpoints, ...contractEndpoints, ...planningEndpoints, ...alertEndpoints(alerts), ...syncEndpoints(connections), ...trackingEndpoints(boundHost)];
}
