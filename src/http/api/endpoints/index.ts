import type { Endpoint } from "../endpoint.js";
import { contractEndpoints } from "./contracts.js";
import { importEndpoints } from "./imports.js";
import { planningEndpoints } from "./planning.js";
import { reportEndpoints } from "./reports.js";
import { trackingEndpoints } from "./tracking.js";

/** Every API endpoint, in the order /openapi.json lists them. */
export function allEndpoints(boundHost: string): Endpoint[] {
  return [...reportEndpoints, ...importEndpoints, ...contractEndpoints, ...planningEndpoints, ...trackingEndpoints(boundHost)];
}
