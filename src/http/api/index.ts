// The HTTP API's routes for the route-table server: every /api/* endpoint and /openapi.json.
import type { Route } from "../server.js";
import { sendJson } from "../server.js";
import { allEndpoints } from "./endpoints/index.js";
import { openApiDocument } from "./openapi.js";
import { type ApiOptions, apiRoute } from "./router.js";

export type { ApiOptions } from "./router.js";

/** The package version shown in /openapi.json. */
export const API_VERSION = "0.1.0";

/** Routes of the API: /api/* (JSON endpoints) and /openapi.json (their description, from the same schemas). */
export function apiRoutes(o: ApiOptions): Route[] {
  const endpoints = allEndpoints(o.boundHost, o.alerts, o.connections);
  const doc = openApiDocument(endpoints, API_VERSION);
  return [
    apiRoute(endpoints, o),
    {
      method: ["GET", "HEAD"],
      path: "/openapi.json",
      handler: (req, res) => {
        res.setHeader("x-content-type-options", "nosniff");
        // `servers` names this server as the client reached it (a plain host[:port] only).
        const host = req.headers.host ?? "";
        const here = /^([\w.-]+|\[[0-9a-fA-F:.]+\])(:\d{1,5})?$/.test(host) ? [{ url: `http://${host}`, description: "this server" }] : [];
        sendJson(res, 200, { ...doc, servers: [...here, ...(doc.servers as unknown[])] });
      },
    },
  ];
}
