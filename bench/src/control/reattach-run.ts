// `node --import tsx bench/src/control/reattach-run.ts [N]`: the reattach figure alone, printed (no report written).
import { PidLedger } from "../proc/pid-ledger.js";
import { FigureLog } from "../report/figures.js";
import { runReattach } from "./reattach.js";

const figures = new FigureLog();
await runReattach(Number(process.argv[2] ?? 500), figures, new PidLedger(), (line) => console.log(line));
for (const figure of figures.figures) console.log(JSON.stringify(figure));
