// NATS credentials from a file only its owner can read ("user:password" on the first line), never
// from the command line; see natsAuthorizationConfig for the server side.
import { ConfigError } from "../config/load-settings.js";
import { readTokenFile } from "./secret-flags.js";

export interface NatsCredentials {
  readonly user: string;
  readonly pass: string;
}

export function readNatsCredentials(path: string): NatsCredentials {
  const line = readTokenFile(path, "nats_credentials_file");
  const colon = line.indexOf(":");
  if (colon <= 0 || colon === line.length - 1) throw new ConfigError(`nats_credentials_file: ${path} must hold user:password on its first line`);
  return { user: line.slice(0, colon), pass: line.slice(colon + 1) };
}
