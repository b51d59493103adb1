// /openapi.json is a valid OpenAPI 3.1 document listing every route the server has (and no
// other), and the schemas it is made from have exactly the fields of the proto messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Account, ExitInfo, FirewallRule, Host, IssuedToken, PortAllocation, ProcessInfo, Service, ServiceEvent, ServiceInput, ServiceRef, ServiceStatus, TokenInfo } from "@vigil/shared";
import { type AdminCalls } from "../api/admin-calls.js";
import { buildHttpApi, OPENAPI_PATH } from "./http-api.js";
import { camelToSnake } from "./json-case.js";
import { ADMIN_HTTP_ROUTES } from "./routes/admin-routes.js";
import * as schemas from "./schemas/message-schemas.js";
import { type JsonSchema, propertiesOf } from "./schemas/schema-kit.js";

const NO_CALLS: AdminCalls = {
  unary: () => Promise.reject(new Error("not called")),
  stream: () => Promise.reject(new Error("not called")),
  closeStreams: () => undefined,
};

test("/openapi.json is valid OpenAPI 3.1 and lists every route of the server, and only those", async () => {
  const registered = new Set<string>();
  const hiddenRoutes = new Set<string>();
  const app = await buildHttpApi({
    calls: NO_CALLS,
    onRoute: (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // HEAD is Fastify's automatic twin of each GET; the document itself and the console's files (hidden) are not API routes.
      const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
      if (hidden) hiddenRoutes.add(route.url);
      for (const method of methods) if (method !== "HEAD" && !hidden) registered.add(`${method} ${route.url.replace(/:([a-z_]+)/g, "{$1}")}`);
    },
  });
  try {
    const response = await app.inject({ method: "GET", url: OPENAPI_PATH });
    assert.equal(response.statusCode, 200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
    assert.equal(result.valid, true);
    assert.equal(validator.version, "3.1");
    assert.equal(document.openapi, "3.1.0");
    const documented = new Set(Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)));
    assert.deepEqual([...registered].sort(), [...documented].sort());
    assert.equal(registered.size, ADMIN_HTTP_ROUTES.length);
    assert.deepEqual([...hiddenRoutes].sort(), ["/", "/console/console.css", "/console/console.js", OPENAPI_PATH].sort());
  } finally {
    await app.close();
  }
});

test("every message schema has exactly the fields of its proto message", () => {
  const pairs: [string, JsonSchema, object][] = [
    ["service", schemas.serviceSchema, Service.create()],
    ["service status", schemas.serviceStatusSchema, ServiceStatus.create()],
    ["exit", schemas.exitInfoSchema, ExitInfo.create()],
    ["process", schemas.processInfoSchema, ProcessInfo.create()],
    ["service ref", schemas.serviceRefSchema, ServiceRef.create()],
    ["service input", schemas.serviceInputSchema, ServiceInput.create()],
    ["event", schemas.serviceEventSchema, ServiceEvent.create()],
    ["account", schemas.accountSchema, Account.create()],
    ["host", schemas.hostSchema, Host.create()],
    ["port", schemas.portAllocationSchema, PortAllocation.create()],
    ["firewall rule", schemas.firewallRuleSchema, FirewallRule.create()],
    ["token", schemas.tokenInfoSchema, TokenInfo.create()],
    ["issued token", schemas.issuedTokenSchema, IssuedToken.create()],
  ];
  for (const [name, schema, message] of pairs) assert.deepEqual([...propertiesOf(schema)].sort(), Object.keys(message).map(camelToSnake).sort(), name);
});

test("every route's body and query fields are fields of its request message", () => {
  for (const route of ADMIN_HTTP_ROUTES) {
    const request = route.request.fromPartial((route.bodyField === undefined ? {} : { [route.bodyField]: {} }) as never) as Record<string, object>;
    const target = route.bodyField === undefined ? request : request[route.bodyField]!;
    const fields = new Set(Object.keys(target).map(camelToSnake));
    for (const input of [route.body, route.query]) {
      for (const property of input === undefined ? [] : propertiesOf(input)) assert.ok(fields.has(property), `${route.method} ${route.url}: ${property} is not a field of the request`);
    }
  }
});
