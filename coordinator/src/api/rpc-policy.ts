// The Admin API's access table: for every RPC, which token scope may call it and which request
// field names the account it touches. An RPC missing here does not compile and fails a test.
import {
  type AccountRequest,
  type AdminService,
  type AllocatePortRequest,
  type ControlServicesRequest,
  type CreateFirewallRuleRequest,
  type CreateServiceRequest,
  type CreateServicesRequest,
  type DeleteFirewallRuleRequest,
  type DisableServiceRequest,
  type GetAccountRequest,
  type ListEventsRequest,
  type ListServicesRequest,
  type ReleasePortRequest,
  type ServiceRequest,
  type SignalServiceRequest,
  type TailLogsRequest,
  type UpdateServiceRequest,
} from "@vigil/shared";

export type AdminRpc = keyof typeof AdminService;

/**
 * operator: operator tokens only.
 * account: operator tokens, or a token of the account the request names; an empty account
 *   field means the caller's own account (operators must name one).
 * account-list: like account, but an operator may leave the account empty to see every account.
 */
export type RpcAccess =
  | { readonly scope: "operator" }
  | { readonly scope: "account"; readonly account: (request: never) => string; readonly field: string }
  | { readonly scope: "account-list"; readonly account: (request: never) => string; readonly field: string };

const operator: RpcAccess = { scope: "operator" };

function account<T>(field: string, read: (request: T) => string): RpcAccess {
  return { scope: "account", account: read as (request: never) => string, field };
}

function accountList<T>(field: string, read: (request: T) => string): RpcAccess {
  return { scope: "account-list", account: read as (request: never) => string, field };
}

const serviceAccount = account("account", (request: ServiceRequest) => request.account);

export const ADMIN_RPC_ACCESS: Readonly<Record<AdminRpc, RpcAccess>> = {
  createAccount: operator,
  getAccount: account("name", (request: GetAccountRequest) => request.name),
  listAccounts: operator,
  updateAccount: operator,

  listHosts: operator,
  cordonHost: operator,
  uncordonHost: operator,
  drainHost: operator,
  addHost: operator,
  getHost: operator,
  removeHost: operator,

  createService: account("account", (request: CreateServiceRequest) => request.account),
  createServices: account("account", (request: CreateServicesRequest) => request.account),
  getService: serviceAccount,
  listServices: accountList("account", (request: ListServicesRequest) => request.account),
  updateService: account("account", (request: UpdateServiceRequest) => request.account),
  deleteService: serviceAccount,
  startService: serviceAccount,
  stopService: serviceAccount,
  restartService: serviceAccount,
  signalService: account("account", (request: SignalServiceRequest) => request.account),
  enableService: serviceAccount,
  disableService: account("account", (request: DisableServiceRequest) => request.account),
  controlServices: accountList("account", (request: ControlServicesRequest) => request.account),

  tailLogs: account("account", (request: TailLogsRequest) => request.account),
  followLogs: account("account", (request: TailLogsRequest) => request.account),
  listProcesses: serviceAccount,

  listEvents: accountList("account", (request: ListEventsRequest) => request.account),
  watchEvents: accountList("account", (request: ListEventsRequest) => request.account),

  listPorts: account("account", (request: AccountRequest) => request.account),
  allocatePort: account("account", (request: AllocatePortRequest) => request.account),
  releasePort: account("account", (request: ReleasePortRequest) => request.account),

  createFirewallRule: account("rule.account", (request: CreateFirewallRuleRequest) => request.rule?.account ?? ""),
  listFirewallRules: account("account", (request: AccountRequest) => request.account),
  deleteFirewallRule: account("account", (request: DeleteFirewallRuleRequest) => request.account),

  issueToken: operator,
  revokeToken: operator,
  listTokens: operator,
};
