// Registers each HTTP route on Fastify: validated input becomes the RPC's request message, which
// goes through the same AdminCalls as gRPC; answers become snake_case JSON, streams NDJSON lines.
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { type AdminCalls } from "../api/admin-calls.js";
import { authorizationValues } from "./http-authorization.js";
import { type HttpRoute, paramsSchema, requestMessage } from "./http-route.js";
import { errorResponseSchema, httpError } from "./http-status.js";
import { toJsonFields } from "./json-case.js";

/** A stream answers once its first message, its end or its error is known, or this long after it was let in. */
export const STREAM_HEADERS_AFTER_MS = 300;

declare module "fastify" {
  interface FastifyContextConfig {
    /** The Admin RPC a route runs (for counting requests). */
    rpc?: string;
  }
}

export function registerRoutes(app: FastifyInstance, calls: AdminCalls, routes: readonly HttpRoute[]): void {
  for (const route of routes) {
    const params = paramsSchema(route.url);
    app.route({
      method: route.method,
      url: route.url,
      // Read back by the metrics hook: requests are counted by the RPC they run.
      config: { rpc: route.rpc },
      schema: {
        operationId: operationId(routes, route),
        summary: route.summary,
        tags: [route.tag],
        security: [{ bearer: [] }, { basic: [] }],
        ...(params && { params }),
        ...(route.query && { querystring: route.query }),
        ...(route.body && { body: route.body }),
        response: route.stream
          ? { 200: { description: "NDJSON: one message per line; a last line {error} if the stream fails", content: { "application/x-ndjson": { schema: route.response } } }, "4xx": errorResponseSchema, "5xx": errorResponseSchema }
          : { [route.creates ? 201 : 200]: route.response, "4xx": errorResponseSchema, "5xx": errorResponseSchema },
      },
      handler: route.stream ? streamHandler(calls, route) : unaryHandler(calls, route),
    });
  }
}

/** The RPC's name; where an RPC has a route with an account in the path and one without, the latter is "<rpc>AllAccounts". */
function operationId(routes: readonly HttpRoute[], route: HttpRoute): string {
  const shared = routes.some((other) => other !== route && other.rpc === route.rpc);
  return shared && !route.url.includes(":account") ? `${route.rpc}AllAccounts` : route.rpc;
}

function unaryHandler(calls: AdminCalls, route: HttpRoute) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const message = requestMessage(route, request.params, request.query, request.body);
    const response = await calls.unary(route.rpc, message, authorizationValues(request.headers));
    return reply.code(route.creates ? 201 : 200).send(toJsonFields(response));
  };
}

function streamHandler(calls: AdminCalls, route: HttpRoute) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const message = requestMessage(route, request.params, request.query, request.body);
    const controller = new AbortController();
    reply.raw.on("close", () => controller.abort());
    let open = false;
    let timer: NodeJS.Timeout | undefined;
    const openStream = () => {
      if (open) return;
      open = true;
      clearTimeout(timer);
      reply.hijack();
      reply.raw.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
      // Node holds the head back until the first body write; a quiet stream must still answer.
      reply.raw.flushHeaders();
    };
    const writeLine = (value: unknown): Promise<void> => {
      openStream();
      if (reply.raw.destroyed) return Promise.resolve();
      if (reply.raw.write(`${JSON.stringify(value)}\n`)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => (reply.raw.off("close", done), reply.raw.off("drain", done), resolve());
        reply.raw.once("drain", done).once("close", done);
      });
    };
    try {
      await calls.stream(route.rpc, message, authorizationValues(request.headers), {
        write: (response) => writeLine(toJsonFields(response)),
        signal: controller.signal,
        onAdmitted: () => (timer = setTimeout(openStream, STREAM_HEADERS_AFTER_MS)),
      });
    } catch (error) {
      // Before the answer started, the error is the answer; after, its last line.
      if (!open) throw error;
      await writeLine(httpError(error).body);
    } finally {
      clearTimeout(timer);
    }
    openStream();
    reply.raw.end();
    return reply;
  };
}
