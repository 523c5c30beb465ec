// The OpenAPI 3.1 document, generated from the endpoints' own zod schemas (the ones that validate
// requests), so the description cannot drift from what the server accepts.
import { z } from "zod";
import type { Endpoint } from "./endpoint.js";

type Json = Record<string, unknown>;

function jsonSchema(s: z.ZodType, io: "input" | "output" = "input"): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  return rest;
}

function operationId(e: Endpoint): string {
  const words = e.path
    .replace(/^\/api\//, "")
    .split(/[/_{}-]+/)
    .filter(Boolean);
  return e.method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
}

const ERROR = { $ref: "#/components/responses/Error" };

/** An error answer with what the status means for this operation. */
function error(description: string): Json {
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

function operation(e: Endpoint): Json {
  const schema = jsonSchema(e.schema);
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const pathParams = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const parameters: Json[] = pathParams.map((name) => ({ name, in: "path", required: true, schema: props[name] ?? { type: "string" } }));
  const op: Json = { operationId: operationId(e), tags: [e.tag], summary: e.summary, ...(e.description ? { description: e.description } : {}) };
  const bodyProps = Object.fromEntries(Object.entries(props).filter(([k]) => !pathParams.includes(k)));
  if (e.input === "query" || e.input === "multipart") {
    for (const [name, s] of Object.entries(bodyProps)) {
      const { description, ...rest } = s;
      parameters.push({ name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema: rest, ...(rest.type === "array" ? { style: "form", explode: true } : {}) });
    }
  }
  if (parameters.length) op.parameters = parameters;
  if (e.input === "json") {
    op.requestBody = { required: true, content: { "application/json": { schema: { ...schema, properties: bodyProps } } } };
  } else if (e.input === "multipart") {
    op.requestBody = {
      required: true,
      description: "One or more files (any field name); the options may also be sent as form fields.",
      content: { "multipart/form-data": { schema: { type: "object", properties: { file: { type: "array", items: { type: "string", contentMediaType: "application/octet-stream" } }, ...bodyProps } } } },
    };
  }
  const ok = e.response ? jsonSchema(e.response, "output") : { type: "object" };
  const tokenless = e.public || e.write === false;
  const pathParam = pathParams.length > 0;
  op.responses = {
    [String(e.status ?? 200)]: { description: "Success", content: { "application/json": { schema: ok } } },
    "400": error("The input is invalid: `details.issues` names each bad field; or a parameter is given twice."),
    ...(e.public ? {} : { "401": error("A token is needed (see `security`) and none, or an unknown or revoked one, was sent.") }),
    "403": error("A web page of another origin sent this request (a write without a token, or a CORS preflight) and `--cors-origin` does not allow that origin."),
    ...(pathParam || e.path.startsWith("/api/alerts") || e.path.startsWith("/api/sync") ? { "404": error("No such id, or (alerts, sync) the server was started without that feature's files.") } : {}),
    "405": error("The path exists, but not with this method."),
    ...(e.input !== "query" ? { "413": error("The body (or an uploaded file) is larger than the server takes.") } : {}),
    "414": error("The request target (path and query) is longer than the server takes."),
    ...(e.input === "json" ? { "415": error("The body is not sent as `application/json`.") } : {}),
    "431": { description: "The request's header fields are too large: answered by the HTTP parser, with no body." },
    "500": error("A bug in cpi: the message says what to report."),
    default: ERROR,
  };
  op.security = tokenless ? (e.public ? [{}] : [{}, { bearer: [] }]) : typeof e.write === "function" ? [{}, { bearer: [] }] : [{ bearer: [] }];
  op["x-cpi-token"] = e.public
    ? "never"
    : typeof e.write === "function"
      ? "when it writes (see the description): a dry run writes nothing and needs a token only from beyond loopback"
      : e.write
        ? "always: it writes"
        : "only from beyond loopback";
  return op;
}

/** The OpenAPI 3.1 document of the endpoints. @example openApiDocument(allEndpoints("127.0.0.1"), "0.1.0").openapi // "3.1.0" */
export function openApiDocument(endpoints: readonly Endpoint[], version: string): Json & { openapi: string; paths: Record<string, Record<string, Json>> } {
  const paths: Record<string, Record<string, Json>> = {};
  for (const e of endpoints) {
    paths[e.path] ??= {};
    (paths[e.path] as Record<string, Json>)[e.method.toLowerCase()] = operation(e);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "cpi",
      version,
      description:
        "What every impression costs: metrics queries, comparisons, imports, contracts, A/B tests, reach, curves, forecasts, allocation, pacing and discrepancies. Reads are open on loopback; writes and any request from beyond loopback need `Authorization: Bearer TOKEN` (`cpi token create NAME`).",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [
      { url: "http://127.0.0.1:8080", description: "`cpi serve` with its defaults (--host 127.0.0.1 --port 8080)" },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a token from `cpi token create NAME`" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "details"],
              properties: {
                code: { type: "string", examples: ["invalid_request", "unauthorized", "mixed_currencies"] },
                message: { type: "string" },
                details: { description: "what the error is about, in a form a program can use (e.g. `issues`: each bad field), or null" },
              },
            },
          },
        },
      },
      responses: { Error: { description: "An error: `{ \"error\": { \"code\", \"message\", \"details\" } }`", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } },
    },
  };
}
