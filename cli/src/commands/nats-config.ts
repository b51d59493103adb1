// `vigil nats-config`: writes the nats-server authorization for Vigil (the coordinator's user and one
// user per host, who may publish only its own event subjects) and each user's 0600 credentials file.
// Run again with more hosts: existing credentials are kept, new hosts get new ones.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Command } from "commander";
import { busNames, natsAuthorizationConfig } from "@vigil/shared";
import { readNatsCredentials } from "../run/nats-credentials.js";

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export function registerNatsConfigCommand(program: Command): void {
  program
    .command("nats-config")
    .description("write nats-server's authorization block for Vigil and each user's credentials file (mode 0600)")
    .requiredOption("--out-dir <dir>", "where to write authorization.conf (include it from nats-server.conf) and <user>.credentials")
    .option("--host <name>", "a host's NATS user (repeatable)", (value: string, previous: string[] = []) => [...previous, value])
    .option("--bus-prefix <prefix>", "prefix of NATS subjects, as the coordinator's --bus-prefix", "vigil")
    .option("--json", "print JSON for scripts instead of text")
    .action((options: { outDir: string; host?: string[]; busPrefix: string; json?: boolean }) => {
      const hosts = options.host ?? [];
      const bad = hosts.find((host) => !HOST_NAME.test(host) || host === "coordinator");
      if (bad !== undefined) throw new Error(`--host: ${JSON.stringify(bad)} must match ${HOST_NAME.source} and not be "coordinator"`);
      mkdirSync(options.outDir, { recursive: true, mode: 0o700 });
      const user = (name: string) => {
        const file = join(options.outDir, `${name}.credentials`);
        if (existsSync(file)) return { file, password: readNatsCredentials(file).pass };
        const password = randomBytes(24).toString("base64url");
        writeFileSync(file, `${name}:${password}\n`, { mode: 0o600, flag: "wx" });
        return { file, password };
      };
      const coordinator = user("coordinator");
      const hostUsers = hosts.map((host) => ({ host, ...user(host) }));
      const configFile = join(options.outDir, "authorization.conf");
      writeFileSync(configFile, natsAuthorizationConfig({ names: busNames(options.busPrefix), coordinator: { user: "coordinator", password: coordinator.password }, hosts: hostUsers }), { mode: 0o600 });
      const written = { config: configFile, credentials: [coordinator.file, ...hostUsers.map((host) => host.file)] };
      if (options.json) process.stdout.write(`${JSON.stringify(written)}\n`);
      else process.stdout.write(`wrote ${configFile} (include it from nats-server.conf) and ${written.credentials.join(", ")}\n`);
    });
}
