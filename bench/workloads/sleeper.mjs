// Bench workload: a Node sleeper. Writes its pid to the file named by argv[2] (atomically, via
// rename) and stays alive doing nothing, like an idle Node service.
import { renameSync, writeFileSync } from "node:fs";
import { setInterval } from "node:timers";

const pidFile = process.argv[2];
writeFileSync(`${pidFile}.tmp`, `${process.pid}\n`);
renameSync(`${pidFile}.tmp`, pidFile);
setInterval(() => undefined, 1 << 30);
