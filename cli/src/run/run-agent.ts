// Runs `vigil agent`: supervision of this host's services, AgentLink to the coordinator, status
// events to NATS through the disk outbox; SIGINT/SIGTERM stop every service, then it exits.
import { hostname } from "node:os";
import { NatsEventPublisher, startAgent } from "@vigil/agent";
import { AGENT_SETTINGS, busNames, compileAgentConfig } from "@vigil/shared";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { untilSignal } from "./until-signal.js";

export async function runAgent(flags: Record<string, unknown>): Promise<void> {
  await withConfigErrors("agent", async () => {
    const config = requireConfig(compileAgentConfig(loadSettings(AGENT_SETTINGS, flags), { hostName: hostname() }));
    const hostConfig = loadHostConfig(config.hostConfig, config.stateDir);
    const publisher = new NatsEventPublisher({ servers: config.natsUrl, name: `vigil-agent ${config.hostName}` });
    const agent = await startAgent({
      coordinator: config.coordinator,
      hostName: config.hostName,
      token: config.token,
      stateDir: config.stateDir,
      hostConfig,
      publisher,
      busNames: busNames(config.busPrefix),
      cgroupInstance: config.hostName.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64),
    });
    process.stdout.write(`vigil agent: host ${config.hostName}, coordinator ${config.coordinator}, events ${config.natsUrl}\n`);
    const signal = await untilSignal();
    process.stdout.write(`vigil agent: ${signal}: stopping every service\n`);
    await agent.close();
    await publisher.close();
  });
}
