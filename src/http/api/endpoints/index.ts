import type { AlertFiles } from "../../../app/alerts/index.js";
import type { Endpoint } from "../endpoint.js";
import { alertEndpoints } from "./alerts.js";
import { contractEndpoints } from "./contracts.js";
import { importEndpoints } from "./imports.js";
import { planningEndpoints } from "./planning.js";
import { reportEndpoints } from "./reports.js";
import { trackingEndpoints } from "./tracking.js";

/** Every API endpoint, in the order /openapi.json lists them; alerts answer 404 without `alerts` files. */
export function allEndpoints(boundHost: string, alerts?: AlertFiles): Endpoint[] {
  return [...reportEndpoints, ...importEndpoints, ...contractEndpoints, ...planningEndpoints, ...alertEndpoints(alerts), ...trackingEndpoints(boundHost)];
}
