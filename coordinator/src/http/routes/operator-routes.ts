// HTTP routes of accounts, hosts and tokens: operators only, but for reading one's own account.
import { AddHostRequest, CreateAccountRequest, GetAccountRequest, HostRequest, IssueTokenRequest, ListAccountsRequest, ListHostsRequest, ListTokensRequest, RevokeTokenRequest, UpdateAccountRequest } from "@vigil/shared";
import { type HttpRoute } from "../http-route.js";
import { accountInputSchema, accountSchema, addedHostSchema, emptySchema, hostSchema, issuedTokenSchema, resourceLimitsSchema, tokenInfoSchema } from "../schemas/message-schemas.js";
import { list, object, text, uint32 } from "../schemas/schema-kit.js";

export const OPERATOR_ROUTES: readonly HttpRoute[] = [
  { rpc: "listAccounts", method: "GET", url: "/v1/accounts", summary: "Every account", tag: "accounts", request: ListAccountsRequest, response: object({ accounts: list(accountSchema) }) },
  { rpc: "createAccount", method: "POST", url: "/v1/accounts", summary: "Create an account", tag: "accounts", request: CreateAccountRequest, body: accountInputSchema, bodyField: "account", response: accountSchema, creates: true },
  { rpc: "getAccount", method: "GET", url: "/v1/accounts/:name", summary: "An account (an account token: its own)", tag: "accounts", request: GetAccountRequest, response: accountSchema },
  {
    rpc: "updateAccount",
    method: "PATCH",
    url: "/v1/accounts/:name",
    summary: "Change the account's limits; its hosts apply them to the account cgroup live, without restarting services",
    tag: "accounts",
    request: UpdateAccountRequest,
    body: object({ limits: resourceLimitsSchema, remove_limits: list(text(), "names of limits to remove, e.g. memory_max") }, [], "Only the limits present change."),
    response: accountSchema,
  },
  { rpc: "listHosts", method: "GET", url: "/v1/hosts", summary: "Every host with its state and load", tag: "hosts", request: ListHostsRequest, response: object({ hosts: list(hostSchema) }) },
  {
    rpc: "addHost",
    method: "POST",
    url: "/v1/hosts",
    summary: "Register a host; the answer holds its one-time bootstrap token",
    tag: "hosts",
    request: AddHostRequest,
    body: object({ name: text(), pool: text("public or private"), owner_account: text("private hosts only"), capacity: uint32("0: no limit") }),
    response: addedHostSchema,
    creates: true,
  },
  { rpc: "getHost", method: "GET", url: "/v1/hosts/:name", summary: "A host with its state and load", tag: "hosts", request: HostRequest, response: hostSchema },
  { rpc: "removeHost", method: "DELETE", url: "/v1/hosts/:name", summary: "Remove a host that holds no services; its credentials are revoked", tag: "hosts", request: HostRequest, response: emptySchema },
  { rpc: "cordonHost", method: "POST", url: "/v1/hosts/:name/cordon", summary: "Place no new account on the host (accounts on it keep their services together there)", tag: "hosts", request: HostRequest, response: hostSchema },
  {
    rpc: "drainHost",
    method: "POST",
    url: "/v1/hosts/:name/drain",
    summary: "Cordon the host and move its accounts to other hosts of their pool, one at a time (follow with GET /v1/hosts/:name); 409 and nothing changed when an account fits nowhere",
    tag: "hosts",
    request: HostRequest,
    response: hostSchema,
  },
  { rpc: "uncordonHost", method: "POST", url: "/v1/hosts/:name/uncordon", summary: "Let the host receive new accounts again", tag: "hosts", request: HostRequest, response: hostSchema },
  { rpc: "listTokens", method: "GET", url: "/v1/tokens", summary: "Every token (never the secret)", tag: "tokens", request: ListTokensRequest, response: object({ tokens: list(tokenInfoSchema) }) },
  {
    rpc: "issueToken",
    method: "POST",
    url: "/v1/tokens",
    summary: "Issue a token; the answer is the only time it is shown",
    tag: "tokens",
    request: IssueTokenRequest,
    body: object({ scope: text("operator, account or host"), subject: text("account or host name; empty for operator"), description: text() }),
    response: issuedTokenSchema,
    creates: true,
  },
  { rpc: "revokeToken", method: "DELETE", url: "/v1/tokens/:id", summary: "Revoke a token: its calls and streams end", tag: "tokens", request: RevokeTokenRequest, response: emptySchema },
];
