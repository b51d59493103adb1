// Admin handlers that register, drain and remove hosts: `vigil host add` creates a host in its pool
// (a private one with its owner) with a one-time bootstrap token; `host drain` moves its accounts
// away (refused, nothing changed, if one fits nowhere); `host rm` is refused while it holds services.
import { createHash, X509Certificate } from "node:crypto";
import { type FieldError, InvalidInputError } from "@vigil/shared";
import { requestHostDrain } from "../../drain/request-drain.js";
import { type Store } from "../../store/open-store.js";
import { getHost, registerHost, removeHost } from "../../store/repositories/hosts.js";
import { createToken, revokeSubjectTokens } from "../../store/repositories/tokens.js";
import { HOST_POOLS, type HostPool } from "../../store/vocabulary.js";
import { HOST_NAME_PATTERN } from "../../link/authenticate-hello.js";
import { hostMessage } from "../messages/resource-messages.js";
import { type UnaryHandlers } from "./handler-types.js";

type HostHandlers = Pick<UnaryHandlers, "addHost" | "getHost" | "removeHost" | "drainHost">;

/** The CA agents verify this coordinator with; null on a plaintext coordinator. */
export function hostHandlers(store: Store, caPem: string | null, onDrainRequested?: () => void): HostHandlers {
  return {
    addHost: async (request) => {
      const errors: FieldError[] = [];
      if (!HOST_NAME_PATTERN.test(request.name)) errors.push({ field: "name", rule: `must match ${HOST_NAME_PATTERN.source}` });
      if (!(HOST_POOLS as readonly string[]).includes(request.pool)) errors.push({ field: "pool", rule: `must be one of ${HOST_POOLS.join(", ")}` });
      if (errors.length > 0) throw new InvalidInputError(errors);
      const { host, issued } = await store.transaction(async (tx) => {
        const host = await registerHost(tx, { name: request.name, pool: request.pool as HostPool, ownerAccount: request.ownerAccount || null, capacity: request.capacity });
        const issued = await createToken(tx, { scope: "host", subject: host.name, description: `bootstrap token of host ${host.name}` });
        return { host, issued };
      });
      return {
        host: hostMessage(host),
        bootstrapToken: issued.token,
        tokenId: issued.record.id,
        caPem: caPem ?? "",
        caSha256: caPem === null ? "" : caFingerprint(caPem),
      };
    },
    getHost: async (request) => hostMessage(await getHost(store.db, requireName(request.name))),
    drainHost: async (request) => {
      const host = await requestHostDrain(store, { host: requireName(request.name), why: "asked by an operator", allOrNothing: true });
      onDrainRequested?.();
      return hostMessage(host);
    },
    removeHost: async (request) => {
      const name = requireName(request.name);
      await store.transaction(async (tx) => {
        await removeHost(tx, name);
        // Its bootstrap token and certificate credential end with it: an open link is closed within a check interval.
        await revokeSubjectTokens(tx, "host", name);
      });
      return {};
    },
  };
}

/** Hex SHA-256 of the CA certificate's DER: what `vigil agent --ca-pin` compares. */
export function caFingerprint(caPem: string): string {
  return createHash("sha256").update(new X509Certificate(caPem).raw).digest("hex");
}

function requireName(name: string): string {
  if (name === "") throw new InvalidInputError([{ field: "name", rule: "is required" }]);
  return name;
}
