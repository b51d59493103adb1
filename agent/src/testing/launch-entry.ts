// Test support only: one launch through a LinuxProcessDriver in a process of its own, so a test can
// start the driver with descriptors of its choosing. Args: <stateDir> <request.json>. Prints {"pid":n}.
import { LinuxProcessDriver } from "../driver/linux-process-driver.js";
import type { LaunchRequest } from "../driver/process-driver.js";

const [stateDir, requestJson] = process.argv.slice(2);
if (stateDir === undefined || requestJson === undefined) throw new Error("usage: launch-entry <stateDir> <request.json>");
const driver = new LinuxProcessDriver({ stateDir, cgroupRoot: null });
const launched = await driver.launch(JSON.parse(requestJson) as LaunchRequest);
launched.output.resume();
process.stdout.write(`${JSON.stringify({ pid: launched.pid })}\n`);
// Stay alive like an agent until the test ends this process.
setInterval(() => undefined, 60_000);
