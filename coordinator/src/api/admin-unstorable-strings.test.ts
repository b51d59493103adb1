// Issue 11: a NUL (or any text PostgreSQL cannot store) in any string field of any Admin request is
// INVALID_ARGUMENT naming that field; the fields are enumerated from the .proto descriptors.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { credentials, Client, Metadata, status } from "@grpc/grpc-js";
import * as protocol from "@vigil/shared";
import { AdminService } from "@vigil/shared";
import { failure, startAdminTestServer, type AdminTestServer } from "./testing/admin-test-server.js";
import { loadProtoDescriptors } from "./testing/proto-string-fields.js";

type Rpc = keyof typeof AdminService;
type FromPartial = { fromPartial(partial: object): object };

const descriptors = loadProtoDescriptors();
const methods = descriptors.methods("Admin");

function messageFns(typeName: string): FromPartial {
  return (protocol as unknown as Record<string, FromPartial>)[typeName.slice(typeName.lastIndexOf(".") + 1)]!;
}

/** Calls any RPC, unary or streaming; resolves with the status it ends with (OK when it answers). */
function callStatus(server: AdminTestServer, token: string, rpc: Rpc, request: object): Promise<{ code: status; details: string }> {
  const client = server.client(token);
  if (!AdminService[rpc].responseStream) return failure(client.call(rpc, request)).catch(() => ({ code: status.OK, details: "" }));
  return new Promise((resolve) => {
    const stream = (client.raw as unknown as Record<Rpc, (request: object, metadata: Metadata) => NodeJS.EventEmitter & { cancel(): void }>)[rpc].call(client.raw, request, client.metadata);
    stream.on("data", () => undefined);
    stream.on("error", (error: { code: status; details: string }) => resolve({ code: error.code, details: error.details }));
    // A stream that is accepted answers nothing at first: give it a moment, then call that OK.
    setTimeout(() => (stream.cancel(), resolve({ code: status.OK, details: "" })), 2_000).unref();
  });
}

describe("Admin API: strings PostgreSQL cannot store are refused at the edge", () => {
  let server: AdminTestServer;
  before(async () => (server = await startAdminTestServer({ backend: "postgres" })));
  after(async () => server.close());

  test("the enumeration covers every Admin RPC and finds the string fields", () => {
    assert.deepEqual([...methods.keys()].sort(), (Object.keys(AdminService) as Rpc[]).sort());
    const total = [...methods.values()].reduce((sum, typeName) => sum + descriptors.stringLocations(typeName).length, 0);
    assert.ok(total >= 60, `only ${total} string locations found`);
  });

  for (const [rpc, typeName] of methods) {
    for (const location of descriptors.stringLocations(typeName)) {
      test(`${rpc}: a NUL in ${location.field} is INVALID_ARGUMENT naming ${location.field}`, async () => {
        const request = messageFns(typeName).fromPartial(location.partial("a\0b"));
        const answer = await callStatus(server, server.tokens.operator, rpc as Rpc, request);
        assert.deepEqual(answer, { code: status.INVALID_ARGUMENT, details: `${location.field}: ${location.mapKey ? "keys " : ""}must not contain NUL characters` });
      });
    }
  }

  test("account tokens meet the same refusal (getService.name, listEvents.service)", async () => {
    const getService = await callStatus(server, server.tokens.alpha, "getService", protocol.ServiceRequest.fromPartial({ name: "api\0" }));
    assert.deepEqual(getService, { code: status.INVALID_ARGUMENT, details: "name: must not contain NUL characters" });
    const listEvents = await callStatus(server, server.tokens.alpha, "listEvents", protocol.ListEventsRequest.fromPartial({ service: "\0" }));
    assert.deepEqual(listEvents, { code: status.INVALID_ARGUMENT, details: "service: must not contain NUL characters" });
  });

  test("invalid UTF-8 on the wire (a lone surrogate's bytes, 0xff) is never INTERNAL", async () => {
    const client = new Client(server.address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${server.tokens.alpha}`);
    // ServiceRequest: field 1 account (empty: the caller's), field 2 name with raw bytes.
    for (const name of [Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x61, 0xff, 0x62])]) {
      const request = Buffer.concat([Buffer.from([0x12, name.length]), name]);
      const code = await new Promise<status>((resolve) => {
        client.makeUnaryRequest("/vigil.v1.Admin/GetService", (value: Buffer) => value, (value: Buffer) => value, request, metadata, (error) => resolve(error?.code ?? status.OK));
      });
      assert.equal(code, status.NOT_FOUND, `name bytes ${name.toString("hex")}`);
    }
    client.close();
  });
});
