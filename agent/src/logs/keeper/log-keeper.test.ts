// The log keeper in this process, on real FIFOs and a real test user's home: a FIFO attached twice
// is read once; a handover keeps the half line and whatever was read ahead, and the next keeper
// logs every byte once; a refused log path and a path outside the pipes directory are refused.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { createTestUser, type TestUser } from "../../system/test-user.js";
import { freshAccount, servicesDir } from "../log-test-kit.js";
import { LogPathRefused } from "../service-log.js";
import { KeeperLogFactory } from "./keeper-log-factory.js";
import { outputPipesDir } from "./keeper-protocol.js";
import { runLogKeeper } from "./log-keeper.js";

let user: TestUser;
let stateDir: string;
let fifos = 0;

before(() => {
  user = createTestUser();
  stateDir = mkdtempSync(join(tmpdir(), "vigil-keeper-"));
  mkdirSync(outputPipesDir(stateDir), { recursive: true, mode: 0o700 });
});

after(() => {
  rmSync(stateDir, { recursive: true, force: true });
  user.remove();
});

/** A factory whose keeper runs in this process, speaking `protocol`. */
function keeperFactory(protocol = 1): KeeperLogFactory {
  return new KeeperLogFactory({
    stateDir,
    options: { rotateBytes: 1 << 20, keepFiles: 2 },
    protocol,
    startKeeper: async () => void (await runLogKeeper({ stateDir, protocol, idleExitMs: 200, log: () => undefined })),
    report: () => undefined,
  });
}

/** A named FIFO as the driver makes it: the agent's unread end, and the service's read-write end. */
function outputPipe(): { readonly path: string; readonly output: Readable; readonly readFd: number; readonly writeFd: number } {
  const path = join(outputPipesDir(stateDir), `alpha%2Fs${(fifos += 1)}.fifo`);
  execFileSync("mkfifo", ["-m", "600", path]);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_RDWR);
  const output = new Socket({ fd: readFd, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  return { path, output, readFd, writeFd };
}

function numbered(from: number, to: number): string {
  return Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join("");
}

test("a FIFO attached twice (a new agent run's attach) is read once: every line logged once", async () => {
  const factory = keeperFactory();
  const account = freshAccount(user);
  const pipe = outputPipe();
  const first = await factory.open(account, "web");
  const firstEnded = first.attach(pipe.output, undefined, { path: pipe.path, fd: pipe.readFd });
  writeSync(pipe.writeFd, numbered(0, 1000));
  const second = await factory.open(account, "web");
  const reopened = openSync(pipe.path, constants.O_RDONLY | constants.O_NONBLOCK);
  const secondOutput = new Socket({ fd: reopened, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  const secondEnded = second.attach(secondOutput, undefined, { path: pipe.path, fd: reopened });
  writeSync(pipe.writeFd, numbered(1000, 2000));
  closeSync(pipe.writeFd);
  await Promise.all([firstEnded, secondEnded]);
  await Promise.all([first.close(), second.close()]);
  assert.equal(readFileSync(join(servicesDir(account), "web.log"), "utf8"), numbered(0, 2000));
  await factory.close();
});

test("a keeper of another protocol hands over: its half line and read-ahead are kept, the next keeper logs every byte once", async () => {
  const account = freshAccount(user);
  const pipe = outputPipe();
  const old = keeperFactory(0);
  const oldLog = await old.open(account, "web");
  void oldLog.attach(pipe.output, undefined, { path: pipe.path, fd: pipe.readFd });
  writeSync(pipe.writeFd, `${numbered(0, 5000)}half a li`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await old.close();
  // The agent of the new build: it finds the old keeper, asks it to hand over, starts its own.
  const next = keeperFactory(1);
  const log = await next.open(account, "web");
  const reopened = openSync(pipe.path, constants.O_RDONLY | constants.O_NONBLOCK);
  const output = new Socket({ fd: reopened, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  const ended = log.attach(output, undefined, { path: pipe.path, fd: reopened });
  writeSync(pipe.writeFd, `ne\n${numbered(5000, 6000)}`);
  closeSync(pipe.writeFd);
  await ended;
  await log.close();
  assert.equal(readFileSync(join(servicesDir(account), "web.log"), "utf8"), `${numbered(0, 5000)}half a line\n${numbered(5000, 6000)}`);
  await next.close();
});

test("a log path the user redirected is refused as LogPathRefused; a FIFO outside the pipes directory is not read", async () => {
  const factory = keeperFactory();
  const account = freshAccount(user);
  mkdirSync(join(account.home, "admin", "logs"), { recursive: true });
  symlinkSync("/etc", servicesDir(account));
  await assert.rejects(factory.open(account, "web"), LogPathRefused);
  const other = freshAccount(user);
  const log = await factory.open(other, "web");
  const outside = join(stateDir, "elsewhere.fifo");
  execFileSync("mkfifo", ["-m", "600", outside]);
  const fd = openSync(outside, constants.O_RDONLY | constants.O_NONBLOCK);
  const output = new Socket({ fd, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  await assert.rejects(log.attach(output, undefined, { path: outside, fd }), /not an output pipe of this agent/);
  await log.close();
  await factory.close();
});

test("the FIFO of a service that exited before the keeper opened it ends at once (no writer ever seen by the keeper)", async () => {
  const factory = keeperFactory();
  const pipe = outputPipe();
  closeSync(pipe.writeFd);
  const log = await factory.open(freshAccount(user), "gone");
  await log.attach(pipe.output, undefined, { path: pipe.path, fd: pipe.readFd });
  await log.close();
  await factory.close();
});
