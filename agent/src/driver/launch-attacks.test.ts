// Attacks through the service environment: every loader or interpreter variable an account can set,
// on a service and on its health check, runs its payload as the account's user and never as root.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CompiledHealthCheck } from "@vigil/shared";
import { realHost, type RealHost, waitUntil } from "../testing/real-host.js";

let real: RealHost;
let home: string;
let records: string;

/** Appends "<tag> <origin> <real uid> <effective uid>" from a library constructor (also an LD_AUDIT and gconv module). */
const PAYLOAD_C = `
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void record(void) {
  char line[256];
  const char *origin = getenv("PROBE_ORIGIN");
  int n = snprintf(line, sizeof line, "%s %s %u %u\\n", TAG, origin ? origin : "-", (unsigned) getuid(), (unsigned) geteuid());
  int fd = open(RECORD, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd >= 0) { if (write(fd, line, n) < 0) {} close(fd); }
}
unsigned int la_version(unsigned int version) { return version; }
int gconv_init(void *step) { (void) step; return 0; }
int gconv(void) { return 0; }
int vigil_probe(void) { return 0; }
`;

function cc(args: string[]): void {
  try {
    execFileSync("cc", args, { stdio: "pipe" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("cc is needed to build the attack payloads (scripts/ensure-services.sh installs gcc)");
    throw new Error(`cc ${args.join(" ")} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

function library(tag: string, path: string, extra: string[] = []): string {
  cc(["-shared", "-fPIC", `-DTAG="${tag}"`, `-DRECORD="${records}"`, "-o", path, join(home, "payload.c"), ...extra]);
  return path;
}

function shellPayload(tag: string, path: string, then = ""): string {
  writeFileSync(path, `#!/bin/sh\nprintf '%s %s %s %s\\n' ${tag} "\${PROBE_ORIGIN:--}" "$(/usr/bin/id -ru)" "$(/usr/bin/id -u)" >> ${records}\n${then}`, { mode: 0o755 });
  return path;
}

interface Attack {
  readonly tag: string;
  readonly env: Record<string, string>;
  /** A command through which the variable legitimately reaches the user's own program. */
  readonly trigger: string;
  /** false: no program honours the variable from the environment (dash and bash both reset IFS). */
  readonly appliesToUser: boolean;
}

/** Programs the launch itself runs, and what a service usually runs: each a payload named like it. */
const PATH_NAMES = ["sh", "bash", "dash", "setpriv", "env", "cat", "true", "sleep", "mkfifo", "echo"];

function buildAttacks(): Attack[] {
  writeFileSync(join(home, "payload.c"), PAYLOAD_C);
  mkdirSync(join(home, "lib"));
  mkdirSync(join(home, "gconv"));
  mkdirSync(join(home, "bin"));
  mkdirSync(join(home, "ifs-bin"));
  // probe needs libvigilprobe.so, found only through LD_LIBRARY_PATH (no rpath).
  library("libpath", join(home, "lib", "libvigilprobe.so"), ["-Wl,-soname,libvigilprobe.so"]);
  writeFileSync(join(home, "probe.c"), "int vigil_probe(void);\nint main(void) { return vigil_probe(); }\n");
  cc(["-o", join(home, "probe"), join(home, "probe.c"), `-L${join(home, "lib")}`, "-lvigilprobe"]);
  library("gconv", join(home, "gconv", "vigilprobe.so"));
  writeFileSync(join(home, "gconv", "gconv-modules"), "module VIGILPROBE// INTERNAL vigilprobe 1\nmodule INTERNAL VIGILPROBE// vigilprobe 1\n");
  for (const name of PATH_NAMES) shellPayload("path", join(home, "bin", name), `exec /usr/bin/${name} "$@"\n`);
  // Splitting "/usr/bin/setpriv" on "/" would run "usr" from PATH.
  shellPayload("ifs", join(home, "ifs-bin", "usr"));
  writeFileSync(join(home, "payload.cjs"), `require("fs").appendFileSync(${JSON.stringify(records)}, \`node_options \${process.env.PROBE_ORIGIN ?? "-"} \${process.getuid()} \${process.geteuid()}\\n\`);\n`);
  const node = process.execPath;
  return [
    { tag: "preload", env: { LD_PRELOAD: library("preload", join(home, "preload.so")) }, trigger: "/bin/true", appliesToUser: true },
    { tag: "audit", env: { LD_AUDIT: library("audit", join(home, "audit.so")) }, trigger: "/bin/true", appliesToUser: true },
    { tag: "libpath", env: { LD_LIBRARY_PATH: join(home, "lib") }, trigger: join(home, "probe"), appliesToUser: true },
    { tag: "gconv", env: { GCONV_PATH: join(home, "gconv") }, trigger: "iconv -f VIGILPROBE -t UTF-8 </dev/null", appliesToUser: true },
    { tag: "bash_env", env: { BASH_ENV: shellPayload("bash_env", join(home, "bash-env.sh")) }, trigger: "bash -c true", appliesToUser: true },
    { tag: "env", env: { ENV: shellPayload("env", join(home, "env.sh")) }, trigger: "sh -i -c true </dev/null 2>/dev/null", appliesToUser: true },
    {
      tag: "shellopts",
      env: { SHELLOPTS: "xtrace", PS4: `$(. ${shellPayload("shellopts", join(home, "shellopts.sh"))})` },
      trigger: "bash -c true 2>/dev/null",
      appliesToUser: true,
    },
    { tag: "ifs", env: { IFS: "/", PATH: `${join(home, "ifs-bin")}:/usr/bin:/bin` }, trigger: "x=usr/bin/true; $x", appliesToUser: false },
    { tag: "path", env: { PATH: `${join(home, "bin")}:/usr/bin:/bin` }, trigger: "cat </dev/null", appliesToUser: true },
    { tag: "node_options", env: { NODE_OPTIONS: `--require ${join(home, "payload.cjs")}` }, trigger: `${node} -e 0`, appliesToUser: true },
  ];
}

let attacks: Attack[];

before(async () => {
  real = await realHost();
  home = real.desired({}).account.home;
  records = join(home, "records.txt");
  writeFileSync(records, "");
  chownSync(records, real.user.uid, real.user.gid);
  chmodSync(home, 0o755);
  attacks = buildAttacks();
});

after(() => real.cleanup());

function recorded(): string[][] {
  return readFileSync(records, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" "));
}

void test("loader and interpreter variables on a service and its health check run their payload only as the user", async () => {
  const uid = String(real.user.uid);
  const check = (trigger: string): CompiledHealthCheck => ({ command: `PROBE_ORIGIN=health ${trigger}; true`, intervalMs: 1_000, timeoutMs: 10_000, graceMs: 200 });
  await real.host.apply(
    attacks.map((attack) =>
      real.desired({
        name: `attack-${attack.tag.replaceAll("_", "-")}`,
        command: `PROBE_ORIGIN=service ${attack.trigger}; exec sleep 1000`,
        environment: attack.env,
        healthCheck: check(attack.trigger),
      }),
    ),
  );
  const expected = attacks.filter((attack) => attack.appliesToUser).flatMap((attack) => ["service", "health"].map((origin) => `${attack.tag} ${origin}`));
  await waitUntil(
    () => {
      const seen = new Set(recorded().map(([tag, origin]) => `${tag} ${origin}`));
      return expected.every((entry) => seen.has(entry)) ? true : undefined;
    },
    `a payload run as the user for each of ${expected.join(", ")}`,
    90_000,
    100,
  ).catch(async (error: unknown) => {
    const states = (await real.host.status()).map((status) => `${status.service}: ${status.state} ${JSON.stringify(status).slice(0, 300)}`);
    throw new Error(`${String(error)}\nrecorded:\n${readFileSync(records, "utf8")}\nstatus:\n${states.join("\n")}`);
  });
  await real.host.stopAll();
  const lines = recorded();
  const asRoot = lines.filter(([, , ruid, euid]) => ruid === "0" || euid === "0");
  assert.deepEqual(asRoot, [], "no payload ever ran with uid 0");
  for (const line of lines) assert.deepEqual(line.slice(2), [uid, uid], `payload ${line.join(" ")} ran as the account's user`);
});
