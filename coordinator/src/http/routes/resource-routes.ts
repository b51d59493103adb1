// HTTP routes of an account's ports and firewall rules.
import { AccountRequest, AllocatePortRequest, CreateFirewallRuleRequest, DeleteFirewallRuleRequest, ReleasePortRequest } from "@vigil/shared";
import { type HttpRoute } from "../http-route.js";
import { emptySchema, firewallRuleInputSchema, firewallRuleSchema, portAllocationSchema } from "../schemas/message-schemas.js";
import { list, object, text, uint32 } from "../schemas/schema-kit.js";

const PORTS = "/v1/accounts/:account/ports";
const RULES = "/v1/accounts/:account/firewall-rules";

export const RESOURCE_ROUTES: readonly HttpRoute[] = [
  { rpc: "listPorts", method: "GET", url: PORTS, summary: "The account's ports", tag: "ports", request: AccountRequest, response: object({ ports: list(portAllocationSchema) }) },
  {
    rpc: "allocatePort",
    method: "POST",
    url: PORTS,
    summary: "Allocate a port (0 or none: the lowest free), bound to a service if one is named",
    tag: "ports",
    request: AllocatePortRequest,
    body: object({ port: uint32(), service: text() }),
    response: portAllocationSchema,
    creates: true,
  },
  { rpc: "releasePort", method: "DELETE", url: `${PORTS}/:port`, summary: "Release a port", tag: "ports", request: ReleasePortRequest, response: emptySchema },
  { rpc: "listFirewallRules", method: "GET", url: RULES, summary: "The account's firewall rules", tag: "firewall", request: AccountRequest, response: object({ rules: list(firewallRuleSchema) }) },
  {
    rpc: "createFirewallRule",
    method: "POST",
    url: RULES,
    summary: "Add a firewall rule; the account's hosts apply it",
    tag: "firewall",
    request: CreateFirewallRuleRequest,
    body: firewallRuleInputSchema,
    bodyField: "rule",
    paramsInBody: true,
    response: firewallRuleSchema,
    creates: true,
  },
  { rpc: "deleteFirewallRule", method: "DELETE", url: `${RULES}/:id`, summary: "Remove a firewall rule", tag: "firewall", request: DeleteFirewallRuleRequest, response: emptySchema },
];
