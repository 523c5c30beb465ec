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
    assert.equal(op.responses["400"].$ref, "#/components/responses/Error");
    assert.equal(op.responses.default.$ref, "#/components/responses/Error", `${e.method} ${e.path}: any other error status has the error shape`);
  }
  assert.ok(doc.paths["/api/imports"].post.requestBody.content["multipart/form-data"]);
  assert.deepEqual(doc.paths["/api/contracts"].post.security, [{ bearer: [] }]);
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
