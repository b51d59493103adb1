// What an HTTP client of the Admin API notices beyond the authorisation matrix: basic auth with
// the token as password, errors naming each field and rule, the size limit, and NDJSON streams.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { recordServiceEvent } from "../store/repositories/events.js";
import { type AdminTestServer, startAdminTestServer, TEST_HOST } from "../api/testing/admin-test-server.js";
import { authorizationValues } from "./http-authorization.js";

interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string; readonly fields: readonly { field: string; rule: string }[] };
}

test("basic auth carries the token as its password; anything else is passed on to be refused", () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
  assert.deepEqual(authorizationValues({ authorization: basic("platform:vigil_abc") }), ["Bearer vigil_abc"]);
  assert.deepEqual(authorizationValues({ authorization: basic(":vigil_abc") }), ["Bearer vigil_abc"]);
  assert.deepEqual(authorizationValues({ authorization: basic("no-colon") }), [basic("no-colon")]);
  assert.deepEqual(authorizationValues({ authorization: "Bearer vigil_abc" }), ["Bearer vigil_abc"]);
  assert.deepEqual(authorizationValues({}), []);
});

describe("the HTTP Admin API", () => {
  let server: AdminTestServer;
  const call = async (method: string, path: string, options: { token?: string; authorization?: string; body?: string } = {}) => {
    const authorization = options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { ...(authorization !== undefined && { authorization }), ...(options.body !== undefined && { "content-type": "application/json" }) },
      ...(options.body !== undefined && { body: options.body }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  before(async () => {
    server = await startAdminTestServer();
  });
  after(() => server.close());

  test("an account token as the password of basic auth reads its account; a wrong one is 401", async () => {
    const basic = (token: string) => `Basic ${Buffer.from(`platform:${token}`).toString("base64")}`;
    const ok = await call("GET", "/v1/accounts/alpha", { authorization: basic(server.tokens.alpha) });
    assert.equal(ok.status, 200);
    assert.equal((ok.body as { unix_user: string }).unix_user, "alpha");
    const refused = await call("GET", "/v1/accounts/alpha", { authorization: basic("vigil_nope") });
    assert.equal(refused.status, 401);
    assert.deepEqual((refused.body as ErrorJson).error.fields, [{ field: "authorization", rule: "the token is unknown or revoked" }]);
  });

  test("bad input is 400 naming each field and rule, from the schema and from the control plane alike, and changes nothing", async () => {
    const schema = await call("POST", "/v1/accounts/alpha/services", { token: server.tokens.alpha, body: JSON.stringify({ name: "web", command: "true", environment: { A: 1 }, colour: "red" }) });
    assert.equal(schema.status, 400);
    assert.deepEqual((schema.body as ErrorJson).error.fields.map((f) => f.field).sort(), ["colour", "environment.A"]);
    const rules = await call("POST", "/v1/accounts/alpha/services", { token: server.tokens.alpha, body: JSON.stringify({ name: "Web", command: "" }) });
    assert.equal(rules.status, 400);
    assert.equal((rules.body as ErrorJson).error.code, "INVALID_ARGUMENT");
    assert.deepEqual((rules.body as ErrorJson).error.fields.map((f) => f.field), ["name", "command"]);
    const notJson = await call("POST", "/v1/accounts/alpha/services", { token: server.tokens.alpha, body: "{" });
    assert.equal(notJson.status, 400);
    assert.equal((notJson.body as ErrorJson).error.code, "INVALID_ARGUMENT");
    const listed = await call("GET", "/v1/accounts/alpha/services", { token: server.tokens.alpha });
    assert.deepEqual((listed.body as { services: unknown[] }).services, []);
  });

  test("a request over the Admin API's size limit is 429 RESOURCE_EXHAUSTED, as over gRPC", async () => {
    const big = await call("POST", "/v1/accounts/alpha/services", { token: server.tokens.alpha, body: JSON.stringify({ name: "big", command: "true", annotation: "x".repeat(1024 * 1024 + 1) }) });
    assert.equal(big.status, 429);
    assert.equal((big.body as ErrorJson).error.code, "RESOURCE_EXHAUSTED");
  });

  test("an unknown path is a JSON 404", async () => {
    const missing = await call("GET", "/v1/nothing", { token: server.tokens.alpha });
    assert.equal(missing.status, 404);
    assert.equal((missing.body as ErrorJson).error.code, "NOT_FOUND");
  });

  test("watching events answers NDJSON, one event per line, as they are recorded", { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.httpUrl}/v1/accounts/alpha/events/watch`, { headers: { authorization: `Bearer ${server.tokens.alpha}` }, signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/x-ndjson/);
    const recorder = setInterval(() => {
      void recordServiceEvent(server.store.db, { id: `http-${Date.now()}`, host: TEST_HOST, account: "alpha", service: "web", kind: "started", state: "running", at: new Date() });
      void recordServiceEvent(server.store.db, { id: `http-beta-${Date.now()}`, host: TEST_HOST, account: "beta", service: "web", kind: "started", state: "running", at: new Date() });
    }, 100);
    try {
      let text = "";
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        if (text.split("\n").length > 3) break;
      }
      const events = text.split("\n").slice(0, 3).map((line) => JSON.parse(line) as { kind: string; service: { account: string } });
      assert.deepEqual(events.map((event) => [event.service.account, event.kind]), [["alpha", "started"], ["alpha", "started"], ["alpha", "started"]]);
    } finally {
      clearInterval(recorder);
      controller.abort();
    }
  });
});
