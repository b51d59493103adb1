// Public surface of @vigil/cli.

// Operator CLI: the client config file that `vigil login` (and `vigil up`) write.
export type { ClientConfig } from "./operator/client-config.js";
export { clientConfigPath, readClientConfig, writeClientConfig } from "./operator/client-config.js";
export { registerOperatorCommands } from "./operator/register-operator-commands.js";
export type { AgentLinkSecurity } from "./run/agent-tls.js";
export { agentLinkSecurity } from "./run/agent-tls.js";
