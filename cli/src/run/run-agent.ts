// Runs `vigil agent`: supervision of this host's services, AgentLink to the coordinator, status
// events to NATS through the disk outbox; SIGINT/SIGTERM (or a refused token) stop every service.
import { hostname } from "node:os";
import { NatsEventPublisher, startAgent } from "@vigil/agent";
import { AGENT_SETTINGS, busNames, compileAgentConfig } from "@vigil/shared";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { readTokenFile, refuseSecretFlags } from "./secret-flags.js";
import { ignoreHangups, untilSignal } from "./until-signal.js";

export async function runAgent(flags: Record<string, unknown>): Promise<void> {
  ignoreHangups("vigil agent");
  await withConfigErrors("agent", async () => {
    refuseSecretFlags(flags, ["token"]);
    const config = requireConfig(compileAgentConfig(loadSettings(AGENT_SETTINGS, flags), { hostName: hostname() }));
    const token = config.tokenFile === null ? config.token : readTokenFile(config.tokenFile);
    const hostConfig = loadHostConfig(config.hostConfig, config.stateDir);
    const publisher = new NatsEventPublisher({ servers: config.natsUrl, name: `vigil-agent ${config.hostName}` });
    const agent = await startAgent({
      coordinator: config.coordinator,
      hostName: config.hostName,
      token,
      stateDir: config.stateDir,
      hostConfig,
      publisher,
      busNames: busNames(config.busPrefix),
      cgroupInstance: config.hostName.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64),
    }).catch(async (error: unknown) => {
      await publisher.close().catch(() => undefined);
      process.stderr.write(`vigil agent: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
      // startAgent released what it held; should anything still hold the event loop, exit all the same.
      setTimeout(() => process.exit(), 5_000).unref();
      return undefined;
    });
    if (agent === undefined) return;
    process.stdout.write(`vigil agent: host ${config.hostName}, coordinator ${config.coordinator}, events ${config.natsUrl}\n`);
    const ended = await Promise.race([untilSignal(), agent.refused.then((message) => ({ refused: message }))]);
    if (typeof ended === "string") process.stdout.write(`vigil agent: ${ended}: stopping every service\n`);
    else process.stderr.write(`vigil agent: ${ended.refused}; stopping every service and exiting\n`);
    await agent.close();
    await publisher.close();
    if (typeof ended !== "string") process.exitCode = 1;
  });
}
