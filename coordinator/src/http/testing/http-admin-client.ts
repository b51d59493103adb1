// Test client that calls an Admin RPC over HTTP: it finds the RPC's route, puts the request's
// fields in the path, query or body as the route says, and returns the gRPC status it answered with.
import { status } from "@grpc/grpc-js";
import { type AdminRpc } from "../../api/rpc-policy.js";
import { HTTP_STATUS } from "../http-status.js";
import { type HttpRoute, pathParams } from "../http-route.js";
import { snakeToCamel, toJsonFields } from "../json-case.js";
import { ADMIN_HTTP_ROUTES } from "../routes/admin-routes.js";

export interface HttpCall {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

type Fields = Record<string, unknown>;

/** proto3 defaults ("" 0 false, empty lists and maps) are what a JSON client leaves out. */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (value === null || typeof value !== "object") return value === "" || value === 0 || value === false ? undefined : value;
  const kept = Object.entries(value).flatMap(([key, inner]) => {
    const stripped = withoutDefaults(inner);
    return stripped === undefined ? [] : [[key, stripped] as const];
  });
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

function paramsFrom(route: HttpRoute, message: Fields): Fields | undefined {
  const source = (route.paramsInBody ? message[route.bodyField!] : message) as Fields | undefined;
  const values: Fields = {};
  for (const param of pathParams(route.url)) {
    const value = source?.[snakeToCamel(param)];
    if (value === undefined || value === "" || value === 0) return undefined;
    values[param] = value;
  }
  return values;
}

function without(fields: Fields | undefined, names: readonly string[]): Fields {
  return Object.fromEntries(Object.entries(fields ?? {}).filter(([key]) => !names.includes(key)));
}

/** The HTTP request for an RPC's request message: the route with the most path fields the message fills. */
export function httpCallFor(rpc: AdminRpc, message: object): HttpCall {
  const fields = message as Fields;
  const routes = ADMIN_HTTP_ROUTES.filter((route) => route.rpc === rpc).sort((a, b) => pathParams(b.url).length - pathParams(a.url).length);
  for (const route of routes) {
    const params = paramsFrom(route, fields);
    if (params === undefined) continue;
    const used = Object.keys(params).map(snakeToCamel);
    const path = route.url.replace(/:([a-z_]+)/g, (_match, name: string) => encodeURIComponent(String(params[name])));
    const input = route.bodyField === undefined ? without(fields, used) : without(fields[route.bodyField] as Fields, route.paramsInBody ? used : []);
    const rest = withoutDefaults(route.bodyField === undefined ? {} : without(fields, [route.bodyField, ...(route.paramsInBody ? [] : used)]));
    if (rest !== undefined) throw new Error(`${rpc}: ${route.url} has no place for ${JSON.stringify(rest)}`);
    const json = (withoutDefaults(toJsonFields(input)) ?? {}) as Fields;
    if (route.body !== undefined) return { method: route.method, path, body: json };
    if (route.query === undefined && Object.keys(json).length > 0) throw new Error(`${rpc}: ${route.url} has no place for ${JSON.stringify(json)}`);
    const query = new URLSearchParams(Object.entries(json).map(([key, value]): [string, string] => [key, String(value)])).toString();
    return { method: route.method, path: query === "" ? path : `${path}?${query}` };
  }
  throw new Error(`${rpc}: no route fits ${JSON.stringify(message)}`);
}

/** The gRPC status named by an HTTP error answer, checked against the HTTP status it came with. */
async function statusOf(response: Response): Promise<status> {
  const body = (await response.json()) as { error?: { code?: string } };
  const code = status[(body.error?.code ?? "") as keyof typeof status];
  if (code === undefined) throw new Error(`HTTP ${response.status} without an error code: ${JSON.stringify(body)}`);
  if (HTTP_STATUS[code] !== response.status) throw new Error(`HTTP ${response.status} for ${body.error?.code}; the table says ${HTTP_STATUS[code]}`);
  return code;
}

export interface HttpCallOptions {
  readonly authorization?: string;
  /** Streams: resolve OK at the first line (then hang up) instead of reading to the end. */
  readonly stream?: boolean;
}

/** Calls the RPC over HTTP; resolves with OK, or the status of the error it answered (also in a stream's last line). */
export async function httpOutcome(baseUrl: string, rpc: AdminRpc, message: object, options: HttpCallOptions = {}): Promise<status> {
  const call = httpCallFor(rpc, message);
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: call.method,
    signal: controller.signal,
    headers: { ...(options.authorization !== undefined && { authorization: options.authorization }), ...(call.body !== undefined && { "content-type": "application/json" }) },
    ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
  });
  if (!response.ok) return statusOf(response);
  if (!options.stream) {
    await response.arrayBuffer();
    return status.OK;
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return status.OK;
      text += value;
      const newline = text.indexOf("\n");
      if (newline < 0) continue;
      const first = JSON.parse(text.slice(0, newline)) as { error?: { code: string } };
      return first.error === undefined ? status.OK : status[first.error.code as keyof typeof status];
    }
  } finally {
    controller.abort();
  }
}
