// What every scenario gets: the supervisor under test, the run's options, the ledger of pids it
// must record, the figure log, and a private directory for pid files.
import type { BenchOptions } from "../options.js";
import type { PidLedger } from "../proc/pid-ledger.js";
import type { FigureLog } from "../report/figures.js";
import type { SupervisorUnderTest } from "../sut/supervisor-under-test.js";

export interface ScenarioContext {
  readonly sut: SupervisorUnderTest;
  readonly options: BenchOptions;
  readonly ledger: PidLedger;
  readonly figures: FigureLog;
  /** Empty directory for this scenario's pid files. */
  readonly dir: string;
  readonly log: (message: string) => void;
}
