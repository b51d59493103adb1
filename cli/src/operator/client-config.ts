// The operator CLI's config file (address, token, default account), written by `vigil login` and `vigil up`:
// $VIGIL_CLIENT_CONFIG, else $XDG_CONFIG_HOME/vigil/config.json, else ~/.config/vigil/config.json.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./cli-error.js";

export interface ClientConfig {
  readonly address?: string;
  readonly token?: string;
  /** Used when a command names no account (`vigil up` writes the account it created). */
  readonly account?: string;
  /** The coordinator's CA certificate file (TLS); absent: plaintext, as `vigil up` on loopback. */
  readonly caFile?: string;
  /** Set by `vigil up`: the state directory of the instance this config points at. */
  readonly upStateDir?: string;
}

export function clientConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env["VIGIL_CLIENT_CONFIG"]) return env["VIGIL_CLIENT_CONFIG"];
  const base = env["XDG_CONFIG_HOME"] || join(homedir(), ".config");
  return join(base, "vigil", "config.json");
}

export async function readClientConfig(path: string): Promise<ClientConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new CliError(`config ${path}: cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`config ${path}: is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new CliError(`config ${path}: must be a JSON object`);
  const { address, token, account, upStateDir, caFile } = parsed as Record<string, unknown>;
  if (caFile !== undefined && typeof caFile !== "string") throw new CliError(`config ${path}: caFile must be a string`);
  if (address !== undefined && typeof address !== "string") throw new CliError(`config ${path}: address must be a string`);
  if (token !== undefined && typeof token !== "string") throw new CliError(`config ${path}: token must be a string`);
  if (account !== undefined && typeof account !== "string") throw new CliError(`config ${path}: account must be a string`);
  if (upStateDir !== undefined && typeof upStateDir !== "string") throw new CliError(`config ${path}: upStateDir must be a string`);
  return { ...(address !== undefined && { address }), ...(token !== undefined && { token }), ...(account !== undefined && { account }), ...(upStateDir !== undefined && { upStateDir }), ...(caFile !== undefined && { caFile }) };
}

/** Written atomically with mode 0600: the file holds a bearer token. */
export async function writeClientConfig(path: string, config: ClientConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
