// Installs what the bench compares against when it is missing: supervisord from Debian's package,
// PM2 (pinned) from npm into bench/.peers/pm2, never as a project dependency.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PM2_VERSION = "7.0.4";

const peersDir = fileURLToPath(new URL("../../.peers/", import.meta.url));

export function pm2Binary(): string {
  return `${peersDir}pm2/node_modules/pm2/bin/pm2`;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`bench: installing: ${file} ${args.join(" ")}`);
  const result = spawnSync(file, args, { stdio: ["ignore", "inherit", "inherit"], env });
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed with exit code ${result.status}`);
}

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function installedPm2Version(): string | null {
  const packageFile = `${peersDir}pm2/node_modules/pm2/package.json`;
  if (!existsSync(packageFile)) return null;
  return (JSON.parse(readFileSync(packageFile, "utf8")) as { version: string }).version;
}

export function ensurePeers(): { supervisord: string; pm2: string } {
  if (!onPath("supervisord") || !onPath("supervisorctl")) {
    run("apt-get", ["install", "-y", "--no-install-recommends", "supervisor"], { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
  }
  if (installedPm2Version() !== PM2_VERSION) {
    run("npm", ["install", "--prefix", `${peersDir}pm2`, "--no-audit", "--no-fund", "--no-save", `pm2@${PM2_VERSION}`]);
  }
  const supervisordVersion = spawnSync("supervisord", ["--version"]).stdout.toString().trim();
  return { supervisord: supervisordVersion, pm2: installedPm2Version() ?? "?" };
}
