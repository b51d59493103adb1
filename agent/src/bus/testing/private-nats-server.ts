// A nats-server of a test's own, on a free port (loopback unless told otherwise) with a temporary JetStream store, that the test
// may stop and start again (same port, same store) to simulate a NATS outage without touching the shared one.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect as tcpConnect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Pid of the running server; undefined while stopped. */
  readonly pid: number | undefined;
  /** SIGTERM by pid, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and store directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes the store directory; call it in `after`. */
  dispose(): Promise<void>;
}

export interface PrivateNatsServerOptions {
  /** Defaults to VIGIL_NATS_SERVER or "nats-server" on the PATH. */
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
  /** Address to listen on; default 127.0.0.1 (a system test's network namespaces need a veth address). */
  readonly host?: string;
  /** A nats-server configuration file (e.g. per-host users from natsAuthorizationConfig). */
  readonly configFile?: string;
}

export async function startPrivateNatsServer(options: PrivateNatsServerOptions = {}): Promise<PrivateNatsServer> {
  const binary = options.binary ?? process.env.VIGIL_NATS_SERVER ?? "nats-server";
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const host = options.host ?? "127.0.0.1";
  const storeDir = await mkdtemp(join(tmpdir(), "vigil-nats-"));
  const port = await freePort(host);
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const started = spawn(binary, [...(options.configFile === undefined ? [] : ["-c", options.configFile]), "-a", host, "-p", String(port), "-js", "-sd", storeDir], { stdio: ["ignore", "ignore", "pipe"] });
    child = started;
    let log = "";
    started.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
    const exited = new Promise<never>((_, reject) => started.once("exit", (code, signal) => reject(new Error(`nats-server exited (${code ?? signal}) before it was ready:\n${log}`))));
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPort(host, port, readyTimeoutMs), exited]);
    } catch (error) {
      await stop();
      throw error;
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url: `nats://${host}:${port}`,
    port,
    storeDir,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error(`no port available on ${host}`);
  return address.port;
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, host);
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
