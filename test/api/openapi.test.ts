// /openapi.json is generated from the schemas that validate requests: every endpoint, every parameter.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { allEndpoints } from "../../src/http/api/endpoints/index.js";
import { DuckDbStore } from "../../src/store/duckdb/duckdb-store.js";
import type { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers.js";
import { inProcessApi } from "./harness.js";

let store: Store;
let api: ReturnType<typeof inProcessApi>;
before(async () => {
  store = await DuckDbStore.open(join(tempDir(), "cpi.duckdb"));
  api = inProcessApi(store);
});
after(() => store.close());

test("GET /openapi.json: OpenAPI 3.1 with every endpoint, its parameters and the error shape", async () => {
  const r = await api.call("/openapi.json");
  assert.equal(r.status, 200);
  const doc = r.json;
  assert.equal(doc.openapi, "3.1.0");
  const endpoints = allEndpoints("127.0.0.1");
  for (const e of endpoints) {
    const op = doc.paths[e.path]?.[e.method.toLowerCase()];
    assert.ok(op, `${e.method} ${e.path} is documented`);
    const names = [...(op.parameters ?? []).map((p: { name: string }) => p.name), ...Object.keys(op.requestBody?.content?.["application/json"]?.schema?.properties ?? {})];
    assert.deepEqual(names.sort(), Object.keys(e.schema.shape).sort(), `${e.method} ${e.path}: documented fields = validated fields`);
    const error = { $ref: "#/components/schemas/Error" };
    for (const status of ["400", "403", "405", "414"]) assert.deepEqual(op.responses[status]?.content?.["application/json"]?.schema, error, `${e.method} ${e.path}: ${status}`);
    assert.ok(op.responses["431"].description, `${e.method} ${e.path}: 431 documented`);
    assert.equal(op.responses["413"] !== undefined, e.input !== "query", `${e.method} ${e.path}: 413 where there is a body`);
    assert.equal(op.responses["415"] !== undefined, e.input === "json", `${e.method} ${e.path}: 415 where the body is JSON`);
    if (e.path.includes("{")) assert.ok(op.responses["404"], `${e.method} ${e.path}: 404 for an unknown id`);
    assert.equal(op.responses.default.$ref, "#/components/responses/Error", `${e.method} ${e.path}: any other error status has the error shape`);
    const ok = op.responses[String(e.status ?? 200)].content["application/json"].schema;
    assert.ok(ok.properties || ok.anyOf || ok.$ref, `${e.method} ${e.path}: the success answer's fields are described, not only {type: object}: ${JSON.stringify(ok)}`);
  }
  assert.ok(doc.paths["/api/imports"].post.requestBody.content["multipart/form-data"]);
  assert.deepEqual(doc.paths["/api/contracts"].post.security, [{ bearer: [] }]);
  assert.equal(doc.paths["/api/contracts"].post["x-cpi-token"], "always: it writes");
  assert.equal(doc.paths["/api/report"].get["x-cpi-token"], "only from beyond loopback");
  // The two dry runs write nothing: a token is optional for them (x-cpi-token says when it is needed).
  for (const path of ["/api/imports", "/api/alerts/check"]) {
    assert.deepEqual(doc.paths[path].post.security, [{}, { bearer: [] }], path);
    assert.match(doc.paths[path].post["x-cpi-token"], /dry run writes nothing/, path);
  }
  assert.deepEqual(doc.servers[0], { url: "http://127.0.0.1:8080", description: "this server" });
  assert.ok(doc.servers.some((s: { description: string }) => /cpi serve/.test(s.description)));
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: "http", scheme: "bearer", description: "a token from `cpi token create NAME`" });
  assert.deepEqual(doc.components.schemas.Error.properties.error.required, ["code", "message", "details"]);
  const report = doc.paths["/api/report"].get;
  const by = report.parameters.find((p: { name: string }) => p.name === "where");
  assert.equal(by.schema.type, "array");
});

test("a documented enum is the enum the server enforces", async () => {
  const doc = (await api.call("/openapi.json")).json;
  const method = doc.paths["/api/abtest"].get.parameters.find((p: { name: string }) => p.name === "method");
  assert.deepEqual(method.schema.enum, ["frequentist", "sequential", "bayesian"]);
  const r = await api.call("/api/abtest?method=magic");
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /method/);
});
