// Every table of the coordinator's database, in one object for drizzle and drizzle-kit.
// The migrations in coordinator/drizzle are generated from these definitions.
export { accountAddresses } from "./tables/account-addresses.js";
export { accountMoves } from "./tables/account-moves.js";
export { accounts } from "./tables/accounts.js";
export { apiTokens } from "./tables/api-tokens.js";
export { events } from "./tables/events.js";
export { firewallRules } from "./tables/firewall-rules.js";
export { hosts, revisionSequence } from "./tables/hosts.js";
export { portAllocations } from "./tables/ports.js";
export { serviceStatus } from "./tables/service-status.js";
export { services } from "./tables/services.js";
