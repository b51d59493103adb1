// Admin handlers for an account's ports and firewall rules, and for tokens (operators only).
// Firewall rules go through the control plane (which pushes them to the hosts); the rest straight to the store.
import { InvalidInputError } from "@vigil/shared";
import { type Store } from "../../store/open-store.js";
import { type ControlPlane } from "../../control/control-plane.js";
import { listFirewallRules } from "../../store/repositories/firewall.js";
import { allocatePorts, listPorts, releasePort } from "../../store/repositories/ports.js";
import { getService } from "../../store/repositories/services.js";
import { createToken, listTokens, revokeToken } from "../../store/repositories/tokens.js";
import { TOKEN_SCOPES } from "../../store/vocabulary.js";
import { requireAccount } from "../authorise.js";
import { firewallRuleMessage, portMessage, tokenMessage } from "../messages/resource-messages.js";
import { compileFirewallRuleInput } from "../validate/firewall-rule-input.js";
import { type UnaryHandlers } from "./handler-types.js";

type ResourceRpc = "listPorts" | "allocatePort" | "releasePort" | "createFirewallRule" | "listFirewallRules" | "deleteFirewallRule" | "issueToken" | "revokeToken" | "listTokens";

function required(value: string, field: string): string {
  if (value === "") throw new InvalidInputError([{ field, rule: "is required" }]);
  return value;
}

function requiredPort(port: number): number {
  if (port === 0) throw new InvalidInputError([{ field: "port", rule: "is required" }]);
  return port;
}

export function resourceHandlers(store: Store, control: ControlPlane): Pick<UnaryHandlers, ResourceRpc> {
  return {
    listPorts: async (_request, authorised) => ({ ports: (await listPorts(store.db, requireAccount(authorised))).map(portMessage) }),
    allocatePort: async (request, authorised) => {
      const account = requireAccount(authorised);
      const allocate = request.port === 0 ? { count: 1 } : { requested: [request.port] };
      // A port for an existing service is bound to it and goes away with it.
      const ports = await store.transaction(async (tx) => {
        const serviceId = request.service === "" ? null : (await getService(tx, { account, name: request.service })).id;
        return allocatePorts(tx, account, allocate, serviceId);
      });
      return { account, port: ports[0] ?? 0, service: request.service };
    },
    releasePort: async (request, authorised) => {
      await releasePort(store.db, requireAccount(authorised), requiredPort(request.port));
      return {};
    },
    createFirewallRule: async (request, authorised) => {
      const account = requireAccount(authorised);
      if (request.rule === undefined) throw new InvalidInputError([{ field: "rule", rule: "is required" }]);
      const compiled = compileFirewallRuleInput(request.rule);
      if (!compiled.ok) throw new InvalidInputError(compiled.errors);
      return firewallRuleMessage(await control.createFirewallRule(account, compiled.value));
    },
    listFirewallRules: async (_request, authorised) => ({ rules: (await listFirewallRules(store.db, requireAccount(authorised))).map(firewallRuleMessage) }),
    deleteFirewallRule: async (request, authorised) => {
      await control.deleteFirewallRule(requireAccount(authorised), required(request.id, "id"));
      return {};
    },
    issueToken: async (request) => {
      const scope = TOKEN_SCOPES.find((candidate) => candidate === request.scope);
      if (scope === undefined) throw new InvalidInputError([{ field: "scope", rule: `must be one of ${TOKEN_SCOPES.join(", ")}` }]);
      const issued = await createToken(store.db, { scope, subject: request.subject, description: request.description });
      return { id: issued.record.id, token: issued.token, scope: issued.record.scope, subject: issued.record.subject };
    },
    revokeToken: async (request) => {
      await revokeToken(store.db, required(request.id, "id"));
      return {};
    },
    listTokens: async () => ({ tokens: (await listTokens(store.db)).map(tokenMessage) }),
  };
}
