// HTTP routes of services: the `service` resource of an account, its commands, and selector-wide control.
import { ControlServicesRequest, CreateServiceRequest, CreateServicesRequest, DisableServiceRequest, ListServicesRequest, ServiceRequest, SignalServiceRequest, UpdateServiceRequest } from "@vigil/shared";
import { type HttpRoute } from "../http-route.js";
import { serviceInputSchema, serviceRefSchema, serviceSchema, serviceUpdateSchema } from "../schemas/message-schemas.js";
import { emptySchema } from "../schemas/message-schemas.js";
import { flag, list, object, text, uint32 } from "../schemas/schema-kit.js";

const tag = "services";
const SERVICES = "/v1/accounts/:account/services";
const SERVICE = `${SERVICES}/:name`;
const servicesList = object({ services: list(serviceSchema) });

const command = (verb: "start" | "stop" | "restart" | "enable", rpc: "startService" | "stopService" | "restartService" | "enableService", summary: string): HttpRoute => ({
  rpc,
  method: "POST",
  url: `${SERVICE}/${verb}`,
  summary,
  tag,
  request: ServiceRequest,
  response: serviceSchema,
});

const controlBody = object({ name_glob: text("empty or *: every service; * and ? match any text / one character"), action: text("start, stop or restart") });
const controlResponse = object({
  services: list(serviceRefSchema, "every service the selector matched"),
  changed: uint32("start/stop: services whose desired state changed; restart: services restarted"),
  failures: list(object({ service: serviceRefSchema, error: text() }), "restart: services that could not be restarted, with the reason"),
});

export const SERVICE_ROUTES: readonly HttpRoute[] = [
  { rpc: "listServices", method: "GET", url: "/v1/services", summary: "Services of every account the token may see (an account token: its own)", tag, request: ListServicesRequest, response: servicesList },
  { rpc: "listServices", method: "GET", url: SERVICES, summary: "Services of an account", tag, request: ListServicesRequest, response: servicesList },
  { rpc: "createService", method: "POST", url: SERVICES, summary: "Create and place a service", tag, request: CreateServiceRequest, body: serviceInputSchema, bodyField: "service", response: serviceSchema, creates: true },
  {
    rpc: "createServices",
    method: "POST",
    url: "/v1/accounts/:account/service-batches",
    summary: "Create up to 500 services in one transaction: all or none",
    tag,
    request: CreateServicesRequest,
    body: object({ services: list(serviceInputSchema) }),
    response: servicesList,
    creates: true,
  },
  { rpc: "getService", method: "GET", url: SERVICE, summary: "A service with its live status", tag, request: ServiceRequest, response: serviceSchema },
  { rpc: "updateService", method: "PATCH", url: SERVICE, summary: "Change the fields given", tag, request: UpdateServiceRequest, body: serviceUpdateSchema, response: serviceSchema },
  { rpc: "deleteService", method: "DELETE", url: SERVICE, summary: "Stop and delete a service", tag, request: ServiceRequest, response: emptySchema },
  command("start", "startService", "Start (desired state running)"),
  command("stop", "stopService", "Stop (desired state stopped)"),
  command("restart", "restartService", "Restart now, on its host"),
  command("enable", "enableService", "Enable a disabled service"),
  {
    rpc: "signalService",
    method: "POST",
    url: `${SERVICE}/signal`,
    summary: "Send a signal to the service's processes",
    tag,
    request: SignalServiceRequest,
    body: object({ signal: text("e.g. SIGHUP"), main_process_only: flag() }),
    response: serviceSchema,
  },
  { rpc: "disableService", method: "POST", url: `${SERVICE}/disable`, summary: "Disable: stop it and keep it stopped", tag, request: DisableServiceRequest, body: object({ reason: text() }), response: serviceSchema },
  { rpc: "controlServices", method: "POST", url: "/v1/service-control", summary: "Start, stop or restart every matching service the token may see", tag, request: ControlServicesRequest, body: controlBody, response: controlResponse },
  { rpc: "controlServices", method: "POST", url: "/v1/accounts/:account/service-control", summary: "Start, stop or restart an account's matching services", tag, request: ControlServicesRequest, body: controlBody, response: controlResponse },
];
