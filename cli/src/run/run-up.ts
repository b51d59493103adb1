// Runs `vigil up`: coordinator and a local agent in one process — PGlite in the state directory,
// the in-process event bus, AgentLink over loopback gRPC. Prints the address and an operator token,
// writes them for the operator CLI, and on Ctrl-C stops every service before exiting 0.
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { startAgent } from "@vigil/agent";
import { openStore, startCoordinator } from "@vigil/coordinator";
import { busNames, compileUpConfig, InProcessBus, UP_SETTINGS } from "@vigil/shared";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { clientConfigPath, writeClientConfig } from "../operator/client-config.js";
import { ensureDefaultAccount, ensureLocalHost, ensureOperatorToken } from "./embedded-setup.js";
import { untilSignal } from "./until-signal.js";

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env["XDG_STATE_HOME"] ? join(env["XDG_STATE_HOME"], "vigil") : join(homedir(), ".vigil");
}

export async function runUp(flags: Record<string, unknown>): Promise<void> {
  await withConfigErrors("up", async () => {
    const config = requireConfig(compileUpConfig(loadSettings(UP_SETTINGS, flags), { stateDir: defaultStateDir() }));
    const agentDir = join(config.stateDir, "agent");
    const hostConfig = loadHostConfig(config.hostConfig, agentDir);
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
    const store = await openStore({ url: `pglite:${join(config.stateDir, "db")}` });
    const bus = new InProcessBus();
    const coordinator = await startCoordinator({ store, events: bus, listen: config.listen });
    const account = await ensureDefaultAccount(store, config.stateDir);
    const hostToken = await ensureLocalHost(store, config.hostName);
    const cliConfig = join(config.stateDir, "cli.json");
    const operatorToken = await ensureOperatorToken(store, cliConfig);
    const agent = await startAgent({ coordinator: coordinator.address, hostName: config.hostName, token: hostToken, stateDir: agentDir, hostConfig, publisher: bus, busNames: busNames("vigil"), cgroupInstance: "up" });
    await waitConnected(() => coordinator.link.isConnected(config.hostName));
    const clientConfig = { address: coordinator.address, token: operatorToken, account };
    await writeClientConfig(cliConfig, clientConfig);
    await writeClientConfig(clientConfigPath(), clientConfig).catch(() => undefined);
    process.stdout.write(
      [
        `vigil up: listening on ${coordinator.address}`,
        `vigil up: operator token ${operatorToken}`,
        `vigil up: account ${account} on host ${config.hostName}; state in ${config.stateDir}; CLI config in ${clientConfigPath()}`,
        `vigil up: ready`,
        "",
      ].join("\n"),
    );
    const signal = await untilSignal();
    process.stdout.write(`vigil up: ${signal}: stopping every service\n`);
    await agent.close();
    await coordinator.close();
    await bus.close();
    await store.close();
    process.stdout.write("vigil up: stopped\n");
  });
}

async function waitConnected(connected: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!connected()) {
    if (Date.now() > deadline) throw new Error("the local agent did not connect within 15 s");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
