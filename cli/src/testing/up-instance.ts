// A `vigil up` child process for tests, started as the README starts it (same entry point, the
// default state directory under a private $HOME unless told otherwise), with an Admin client.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, Metadata } from "@grpc/grpc-js";
import { AdminClient, type Service } from "@vigil/shared";
import { eventually } from "./control-plane-harness.js";

/** The installed command (`npm run up` runs it; `npm test` rebuilds it first): starts in ~0.1 s, where tsx compiled the sources for seconds. */
const VIGIL_BIN = new URL("../../bin/vigil.mjs", import.meta.url).pathname;

export function call<Req, Res>(fn: (request: Req, metadata: Metadata, callback: (error: Error | null, response: Res) => void) => unknown, request: Req, metadata: Metadata): Promise<Res> {
  return new Promise((resolve, reject) => fn(request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

export interface UpInstance {
  readonly child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
  /** Waits for "ready" and connects; rejects (with the output) when it exits first. */
  ready(timeoutMs?: number): Promise<UpClient>;
  /**
   * Stops it as a user does (SIGINT: it stops every service, then exits), so that no service of
   * the test outlives it; SIGKILL to its process group if it has not exited within `graceMs`.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface UpClient {
  readonly address: string;
  /** The HTTP Admin API and console, e.g. http://127.0.0.1:40123 */
  readonly httpUrl: string;
  readonly token: string;
  readonly client: AdminClient;
  readonly auth: Metadata;
  getService(account: string, name: string): Promise<Service>;
  createService(account: string, name: string, command: string): Promise<void>;
  close(): void;
}

/** `env` replaces HOME and friends; the child never sees the test's XDG or VIGIL_* settings. */
export function startUp(args: readonly string[], env: Readonly<Record<string, string>>): UpInstance {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("VIGIL_") && !key.startsWith("XDG_")) base[key] = value;
  const child = spawn(process.execPath, [VIGIL_BIN, "up", ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...base, ...env } });
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited: () => exit,
    async ready(timeoutMs = 120_000) {
      let gone = false;
      void exit.then(() => (gone = true));
      await eventually("vigil up ready", () => {
        if (gone) throw new Error(`vigil up exited before it was ready:\n${text}`);
        return /vigil up: ready/.test(text) ? true : undefined;
      }, timeoutMs);
      return connect(/listening on (\S+)/.exec(text)![1]!, /operator token (\S+)/.exec(text)![1]!, /HTTP API and console on (\S+)/.exec(text)![1]!);
    },
    async stop(graceMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const pid = child.pid;
      process.kill(pid, "SIGINT");
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

function connect(address: string, token: string, httpUrl: string): UpClient {
  const client = new AdminClient(address, credentials.createInsecure());
  const auth = new Metadata();
  auth.set("authorization", `Bearer ${token}`);
  return {
    address,
    httpUrl,
    token,
    client,
    auth,
    getService: (account, name) => call(client.getService.bind(client), { account, name }, auth),
    async createService(account, name, command) {
      await call(client.createService.bind(client), { account, service: { name, command, workingDirectory: "", environment: {}, environmentString: "", checkHealthCommand: "", isDisabled: false, annotation: "", ports: [], portCount: 0, limits: undefined } }, auth);
    },
    close: () => client.close(),
  };
}

/** Waits until the service runs with a main pid, and returns that pid. */
export async function runningPid(up: UpClient, account: string, name: string, timeoutMs = 60_000): Promise<number> {
  return eventually(`${account}/${name} running`, async () => {
    const service = await up.getService(account, name);
    return service.status?.state === "running" && service.status.mainPid > 0 ? service.status.mainPid : undefined;
  }, timeoutMs);
}

/**
 * `vigil up` on a free port with its state and the accounts' homes in a fresh directory, which
 * is 0755 so the user that services run as can reach the homes; `remove()` deletes it.
 */
export function startUpInScratchDir(prefix: string): { readonly dir: string; readonly up: UpInstance; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const up = startUp(["--listen", "127.0.0.1:0", "--state-dir", join(dir, "state"), "--homes-dir", join(dir, "homes")], { HOME: dir });
  return { dir, up, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
