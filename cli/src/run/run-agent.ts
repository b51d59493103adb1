// Runs `vigil agent`: supervision of this host's services, AgentLink to the coordinator, status
// events to NATS through the disk outbox; SIGINT/SIGTERM stop every service, then it exits.
import { hostname } from "node:os";
import { NatsEventPublisher, NftCli, startAgent } from "@vigil/agent";
import { AGENT_SETTINGS, busNames, compileAgentConfig } from "@vigil/shared";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { untilSignal, untilStdinCloses } from "./until-signal.js";

export async function runAgent(flags: Record<string, unknown>): Promise<void> {
  await withConfigErrors("agent", async () => {
    const config = requireConfig(compileAgentConfig(loadSettings(AGENT_SETTINGS, flags), { hostName: hostname() }));
    const hostConfig = loadHostConfig(config.hostConfig, config.stateDir);
    const publisher = config.events === "link" ? null : new NatsEventPublisher({ servers: config.natsUrl, name: `vigil-agent ${config.hostName}` });
    const agent = await startAgent({
      coordinator: config.coordinator,
      hostName: config.hostName,
      token: config.token,
      stateDir: config.stateDir,
      hostConfig,
      publisher: publisher ?? "link",
      busNames: busNames(config.busPrefix),
      nftables: new NftCli(),
    });
    process.stdout.write(`vigil agent: host ${config.hostName}, coordinator ${config.coordinator}, events ${publisher === null ? "on the link" : config.natsUrl}\n`);
    const reason = await (flags["exitWithStdin"] === true ? Promise.race([untilSignal(), untilStdinCloses()]) : untilSignal());
    process.stdout.write(`vigil agent: ${reason}: stopping every service\n`);
    await agent.close();
    await publisher?.close();
    // The pipe from vigil up would otherwise keep this process alive, and vigil up waits for its exit.
    process.stdin.destroy();
  });
}
