// Runs `vigil agent`: supervision of this host's services, AgentLink to the coordinator, status
// events to NATS through the disk outbox (or on the link, under vigil up); SIGINT/SIGTERM (or a
// refused token) stop every service.
import { hostname } from "node:os";
import { NatsEventPublisher, NftCli, realHostNetworkCommands, startAgent } from "@vigil/agent";
import { AGENT_SETTINGS, busNames, compileAgentConfig } from "@vigil/shared";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { readTokenFile, refuseSecretFlags } from "./secret-flags.js";
import { ignoreHangups, readStdinSettings, untilSignal, untilStdinCloses } from "./until-signal.js";

export async function runAgent(givenFlags: Record<string, unknown>): Promise<void> {
  ignoreHangups("vigil agent");
  await withConfigErrors("agent", async () => {
    refuseSecretFlags(givenFlags, ["token"]);
    // vigil up starts its agent before the coordinator is up and sends the address and token once it is.
    const embedded = givenFlags["exitWithStdin"] === true;
    const flags = embedded ? { ...givenFlags, ...(await readStdinSettings()) } : givenFlags;
    const config = requireConfig(compileAgentConfig(loadSettings(AGENT_SETTINGS, flags), { hostName: hostname() }));
    const token = config.tokenFile === null ? config.token : readTokenFile(config.tokenFile);
    const hostConfig = loadHostConfig(config.hostConfig, config.stateDir);
    const publisher = config.events === "link" ? null : new NatsEventPublisher({ servers: config.natsUrl, name: `vigil-agent ${config.hostName}` });
    const agent = await startAgent({
      coordinator: config.coordinator,
      hostName: config.hostName,
      token,
      stateDir: config.stateDir,
      hostConfig,
      publisher: publisher ?? "link",
      busNames: busNames(config.busPrefix),
      nftables: new NftCli(),
      hostNetwork: realHostNetworkCommands,
    }).catch(async (error: unknown) => {
      await publisher?.close().catch(() => undefined);
      process.stderr.write(`vigil agent: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
      // startAgent released what it held; should anything still hold the event loop, exit all the same.
      setTimeout(() => process.exit(), 5_000).unref();
      return undefined;
    });
    if (agent === undefined) {
      process.stdin.destroy();
      return;
    }
    process.stdout.write(`vigil agent: host ${config.hostName}, coordinator ${config.coordinator}, events ${publisher === null ? "on the link" : config.natsUrl}\n`);
    const stopped = embedded ? Promise.race([untilSignal(), untilStdinCloses()]) : untilSignal();
    const ended = await Promise.race([stopped, agent.refused.then((message) => ({ refused: message }))]);
    if (typeof ended === "string") process.stdout.write(`vigil agent: ${ended}: stopping every service\n`);
    else process.stderr.write(`vigil agent: ${ended.refused}; stopping every service and exiting\n`);
    await agent.close();
    await publisher?.close();
    // The pipe from vigil up would otherwise keep this process alive, and vigil up waits for its exit.
    process.stdin.destroy();
    if (typeof ended !== "string") process.exitCode = 1;
  });
}
