// HTTP routes that observe services: log extracts and the live log, processes, events and their
// live feed. Live routes answer NDJSON: one message per line, for as long as the client stays.
import { ListEventsRequest, ServiceRequest, TailLogsRequest } from "@vigil/shared";
import { type HttpRoute } from "../http-route.js";
import { logLinesSchema, processInfoSchema, serviceEventSchema } from "../schemas/message-schemas.js";
import { int64, list, object, text, uint32 } from "../schemas/schema-kit.js";

const SERVICE = "/v1/accounts/:account/services/:name";
const lines = object({ lines: uint32("how many of the last lines (default 100, at most 10000)") });
const eventQuery = object({ service: text(), host: text(), kind: text(), since_ms: int64("only events from then on"), limit: uint32() });
const eventsList = object({ events: list(serviceEventSchema) });

export const OBSERVE_ROUTES: readonly HttpRoute[] = [
  { rpc: "tailLogs", method: "GET", url: `${SERVICE}/logs`, summary: "The last lines of the service's log", tag: "logs", request: TailLogsRequest, query: lines, response: logLinesSchema },
  {
    rpc: "followLogs",
    method: "GET",
    url: `${SERVICE}/logs/follow`,
    summary: "The last lines, then every new line as it is written (NDJSON)",
    tag: "logs",
    request: TailLogsRequest,
    query: lines,
    response: logLinesSchema,
    stream: true,
  },
  { rpc: "listProcesses", method: "GET", url: `${SERVICE}/processes`, summary: "The service's running processes", tag: "services", request: ServiceRequest, response: object({ processes: list(processInfoSchema) }) },
  { rpc: "listEvents", method: "GET", url: "/v1/events", summary: "Events of every account the token may see, newest first", tag: "events", request: ListEventsRequest, query: eventQuery, response: eventsList },
  { rpc: "listEvents", method: "GET", url: "/v1/accounts/:account/events", summary: "Events of an account, newest first", tag: "events", request: ListEventsRequest, query: eventQuery, response: eventsList },
  {
    rpc: "watchEvents",
    method: "GET",
    url: "/v1/events/watch",
    summary: "New events of every account the token may see, as they happen (NDJSON)",
    tag: "events",
    request: ListEventsRequest,
    query: eventQuery,
    response: serviceEventSchema,
    stream: true,
  },
  {
    rpc: "watchEvents",
    method: "GET",
    url: "/v1/accounts/:account/events/watch",
    summary: "New events of an account, as they happen (NDJSON)",
    tag: "events",
    request: ListEventsRequest,
    query: eventQuery,
    response: serviceEventSchema,
    stream: true,
  },
];
