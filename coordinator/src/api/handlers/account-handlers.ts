// Admin handlers for accounts and hosts: operators create, list and change the limits of accounts
// and manage hosts; an account token may read its own account.
import { InvalidInputError, NO_LIMITS } from "@vigil/shared";
import { poolCeilings } from "../../control/account-limits.js";
import { limitsOverCeilings } from "../../control/account-limits-update.js";
import { type ControlPlane } from "../../control/control-plane.js";
import { type Store } from "../../store/open-store.js";
import { createAccount, getAccount, listAccounts } from "../../store/repositories/accounts.js";
import { ConflictError } from "../../store/errors.js";
import { getHost, listHosts, setHostCordoned } from "../../store/repositories/hosts.js";
import { requireAccount } from "../authorise.js";
import { accountMessage, hostMessage } from "../messages/resource-messages.js";
import { compileAccountInput } from "../validate/account-input.js";
import { type UnaryHandlers } from "./handler-types.js";

type AccountHandlers = Pick<UnaryHandlers, "createAccount" | "getAccount" | "listAccounts" | "updateAccount" | "listHosts" | "cordonHost" | "uncordonHost">;

function requireName(name: string): string {
  if (name === "") throw new InvalidInputError([{ field: "name", rule: "is required" }]);
  return name;
}

export function accountHandlers(store: Store, control: ControlPlane): AccountHandlers {
  return {
    createAccount: async (request) => {
      const compiled = compileAccountInput(request.account);
      if (!compiled.ok) throw new InvalidInputError(compiled.errors);
      const overCeilings = limitsOverCeilings(compiled.value.limits ?? NO_LIMITS, await poolCeilings(store, compiled.value), "account.limits.");
      if (overCeilings.length > 0) throw new InvalidInputError(overCeilings);
      return accountMessage(await createAccount(store.db, compiled.value));
    },
    updateAccount: async (request) => accountMessage(await control.updateAccountLimits({ ...request, name: requireName(request.name) })),
    getAccount: async (_request, authorised) => accountMessage(await getAccount(store.db, requireAccount(authorised))),
    listAccounts: async () => ({ accounts: (await listAccounts(store.db)).map(accountMessage) }),
    listHosts: async () => ({ hosts: (await listHosts(store.db)).map(hostMessage) }),
    cordonHost: async (request) => hostMessage(await setHostCordoned(store.db, requireName(request.name), true)),
    uncordonHost: async (request) => {
      const name = requireName(request.name);
      // A draining host would take new accounts that the drain then moves away again.
      if ((await getHost(store.db, name)).draining) throw new ConflictError("name", `host ${name} is being drained; uncordon it once the drain has ended`);
      return hostMessage(await setHostCordoned(store.db, name, false));
    },
  };
}
