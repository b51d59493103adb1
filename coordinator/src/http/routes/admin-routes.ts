// Every HTTP route of the Admin API, in the order /openapi.json lists them.
import { type HttpRoute } from "../http-route.js";
import { OBSERVE_ROUTES } from "./observe-routes.js";
import { OPERATOR_ROUTES } from "./operator-routes.js";
import { RESOURCE_ROUTES } from "./resource-routes.js";
import { SERVICE_ROUTES } from "./service-routes.js";

export const ADMIN_HTTP_ROUTES: readonly HttpRoute[] = [...SERVICE_ROUTES, ...OBSERVE_ROUTES, ...RESOURCE_ROUTES, ...OPERATOR_ROUTES];
