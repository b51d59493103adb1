// What an HTTP route of the Admin API is: the RPC it calls, its method and path, the schemas of
// its input and answer, and how path, query and body make the RPC's request message.
import { type AdminRpc } from "../api/rpc-policy.js";
import { toMessageFields } from "./json-case.js";
import { type JsonSchema, object, text, uint32 } from "./schemas/schema-kit.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RequestType {
  fromPartial(fields: never): unknown;
}

export interface HttpRoute {
  readonly rpc: AdminRpc;
  readonly method: HttpMethod;
  /** Fastify's path syntax; each `:param` is a field of the request message (snake_case). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** The generated request message, whose fromPartial fills in every field not given. */
  readonly request: RequestType;
  readonly query?: JsonSchema;
  readonly body?: JsonSchema;
  /** The request field the body is (createService's `service`), when it is not the request itself. */
  readonly bodyField?: string;
  /** The path parameters are fields of the body field (createFirewallRule's `rule.account`). */
  readonly paramsInBody?: boolean;
  /** The answer; for a stream, the schema of each NDJSON line. */
  readonly response: JsonSchema;
  readonly stream?: boolean;
  /** Answers 201 Created. */
  readonly creates?: boolean;
}

/** Path parameters are strings, but for ports. */
const NUMERIC_PARAMS = new Set(["port"]);

export function pathParams(url: string): readonly string[] {
  return [...url.matchAll(/:([a-z_]+)/g)].map((match) => match[1]!);
}

export function paramsSchema(url: string): JsonSchema | undefined {
  const names = pathParams(url);
  if (names.length === 0) return undefined;
  return object(Object.fromEntries(names.map((name) => [name, NUMERIC_PARAMS.has(name) ? uint32() : text()])), names);
}

/** The RPC's request message from the route's validated parameters, query and body. */
export function requestMessage(route: HttpRoute, params: unknown, query: unknown, body: unknown): unknown {
  const input = toMessageFields(route.body === undefined ? (route.query === undefined ? {} : query) : body);
  const fromPath = toMessageFields(params);
  let fields: Record<string, unknown>;
  if (route.bodyField === undefined) fields = { ...input, ...fromPath };
  else if (route.paramsInBody) fields = { [route.bodyField]: { ...input, ...fromPath } };
  else fields = { ...fromPath, [route.bodyField]: input };
  return route.request.fromPartial(fields as never);
}
