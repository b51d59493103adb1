// The Admin API over HTTP/JSON on its own listener beside gRPC: Fastify validates each request
// against the route's JSON Schema, and @fastify/swagger serves /openapi.json made from those schemas.
// The web console (console-routes.ts) is served on the same listener and reads the same API.
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance, type RouteOptions } from "fastify";
import { status } from "@grpc/grpc-js";
import { ADMIN_MAX_REQUEST_BYTES, type AdminCalls } from "../api/admin-calls.js";
import { ADMIN_HTTP_ROUTES } from "./routes/admin-routes.js";
import { errorBody, httpError, HTTP_STATUS } from "./http-status.js";
import { registerConsoleRoutes } from "./console-routes.js";
import { registerRoutes } from "./register-routes.js";
import { lazySchemaCompilers } from "./lazy-schema-compilers.js";
import { validationFieldErrors } from "./validation-errors.js";

export const OPENAPI_PATH = "/openapi.json";

export interface HttpApiOptions {
  readonly calls: AdminCalls;
  /** Coordinator version shown in the document. */
  readonly version?: string;
  /** Told of every route as it is registered (the OpenAPI test compares them with the document). */
  readonly onRoute?: (route: RouteOptions) => void;
  /** Serve HTTPS with this certificate and key. */
  readonly https?: { readonly cert: string; readonly key: string };
  /** Told of each answered API route: its RPC and the HTTP status. */
  readonly onRequestEnded?: (rpc: string, statusCode: number) => void;
}

export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // The request-size rule is the Admin API's own (checked on the request message); this only stops absurd bodies early.
    bodyLimit: ADMIN_MAX_REQUEST_BYTES * 2,
    // Each route's schemas are compiled on its first request, not at start.
    schemaController: { compilersFactory: lazySchemaCompilers() },
    ...(options.https && { https: { cert: options.https.cert, key: options.https.key } }),
  }) as unknown as FastifyInstance;
  const { onRequestEnded } = options;
  if (onRequestEnded) {
    app.addHook("onResponse", (request, reply, done) => {
      const rpc = request.routeOptions.config.rpc;
      if (rpc !== undefined) onRequestEnded(rpc, reply.statusCode);
      done();
    });
  }
  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Vigil Admin API", version: options.version ?? "0.1.0", description: "The HTTP/JSON face of Vigil's Admin API: the same calls, tokens and rules as gRPC." },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "a Vigil token" },
          basic: { type: "http", scheme: "basic", description: "any user name, the token as the password" },
        },
      },
    },
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      const fields = validationFieldErrors(error.validation, error.validationContext);
      return reply.code(400).send(errorBody({ code: status.INVALID_ARGUMENT, details: fields.map((field) => `${field.field}: ${field.rule}`).join("; ") }, fields));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 && error.code?.startsWith("FST_")) {
      // Fastify's own refusals (bad JSON, wrong content type, body too large) before any call is made.
      const code = error.statusCode === 413 ? status.RESOURCE_EXHAUSTED : error.statusCode === 415 || error.statusCode === 400 ? status.INVALID_ARGUMENT : status.NOT_FOUND;
      return reply.code(error.statusCode).send(errorBody({ code, details: `request: ${error.message}` }));
    }
    const { statusCode, body } = httpError(error);
    return reply.code(statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(HTTP_STATUS[status.NOT_FOUND]).send(errorBody({ code: status.NOT_FOUND, details: `path: no route ${request.method} ${request.url.split("?")[0]}` })));
  registerRoutes(app, options.calls, ADMIN_HTTP_ROUTES);
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
  registerConsoleRoutes(app);
  return app;
}
