// Store records as Admin API messages: accounts, hosts, ports, firewall rules and tokens.
// Times travel as epoch milliseconds; absent times as 0.
import { type Account, type FirewallRule, type Host, type PortAllocation, resourceLimitsToProto, type TokenInfo } from "@vigil/shared";
import { type AccountRecord } from "../../store/repositories/accounts.js";
import { type FirewallRuleRecord } from "../../store/repositories/firewall.js";
import { type HostRecord } from "../../store/repositories/hosts.js";
import { limitsFromColumn } from "../../store/repositories/limits-column.js";
import { type PortAllocationRecord } from "../../store/repositories/ports.js";
import { type TokenRecord } from "../../store/repositories/tokens.js";

export function epochMs(date: Date | null | undefined): number {
  return date ? date.getTime() : 0;
}

export function accountMessage(record: AccountRecord): Account {
  return {
    name: record.name,
    cloud: record.cloud,
    unixUser: record.unixUser,
    uid: record.uid,
    gid: record.gid,
    home: record.home,
    environment: { ...record.environment },
    languageVersions: { ...record.languageVersions },
    limits: resourceLimitsToProto(limitsFromColumn(record.limits)),
    createdAtMs: epochMs(record.createdAt),
  };
}

/** state is "cordoned" for a cordoned host that is up, so a list shows why it gets nothing new. */
export function hostMessage(record: HostRecord): Host {
  return {
    name: record.name,
    pool: record.pool,
    ownerAccount: record.ownerAccount ?? "",
    capacity: record.capacity,
    state: record.cordoned && record.state === "up" ? "cordoned" : record.state,
    cordoned: record.cordoned,
    lastSeenMs: epochMs(record.lastSeen),
    agentVersion: record.agentVersion,
    serviceCount: record.serviceCount,
    limitsMode: record.limitsMode,
    limitsDetail: record.limitsDetail,
    accountAddressPrefix: record.accountAddressPrefix,
    networkProblem: record.networkProblem,
    draining: record.draining,
    drainMessage: record.drainMessage,
    accountCeiling: resourceLimitsToProto(limitsFromColumn(record.accountCeiling)),
  };
}

export function portMessage(record: PortAllocationRecord): PortAllocation {
  return { account: record.account, port: record.port, service: record.service ?? "" };
}

export function firewallRuleMessage(record: FirewallRuleRecord): FirewallRule {
  return {
    id: record.id,
    account: record.account,
    protocol: record.protocol,
    action: record.action,
    direction: record.direction,
    hosts: [...record.hosts],
    ports: [...record.ports],
    ipVersion: record.ipVersion,
    annotation: record.annotation,
  };
}

export function tokenMessage(record: TokenRecord): TokenInfo {
  return {
    id: record.id,
    scope: record.scope,
    subject: record.subject,
    description: record.description,
    createdAtMs: epochMs(record.createdAt),
    revoked: record.revokedAt !== null,
  };
}
