// The fixed part of BENCHMARKS.md: how each figure is taken, so that a reader can judge it.

export const METHOD_NOTES = `
## Method

- Each supervisor runs with a private configuration in a temp dir, on the same workloads
  (bench/workloads/) in the same run. In the fleet scenario all three run side by side with N services
  each: bulk starts and stop-alls one supervisor at a time (they are CPU-bound), the SIGKILLs
  interleaved (the k-th kill of each supervisor back to back, in rotating order) and one idle window
  shared, so that the shared machine's load swings hit all three alike. The other scenarios run one
  supervisor after another. **Vigil** as users run it: \`node cli/bin/vigil.mjs up\` (the built
  bundle; the coordinator with PGlite in its process and the agent as a child process) with its own
  --state-dir, --homes-dir and a loopback port in a temp dir, as root (services run as nobody); the
  services are created with one CreateServices call and stopped with \`vigil service stop --all\`.
  With \`--stripped\` the agent library alone in a bundled host process (the earlier method) is
  measured too, in its own table; **supervisord** from
  Debian's package with its own supervisord.conf and unix socket, driven by \`supervisorctl -c\`;
  **PM2** from npm in bench/.peers with its own PM2_HOME, driven by its CLI and \`pm2 kill\`ed at the end.
- "Running" is seen the same way for everyone: each workload writes its pid to a file when it starts
  (atomically, by rename); the bench polls those files and /proc.
- Restart latency: SIGKILL of the main process until the new main process has written its pid (so
  the workload's own start, an \`exec\` and a \`mv\`, is in every figure); each kill hits a different
  service, from 1.5 s after the bulk start, so that no backoff for repeated failures, supervisord's
  startsecs or PM2's min_uptime is involved.
- Bulk start: from the "start everything" call (Vigil: CreateServices, the services being new; supervisord: \`supervisorctl start
  all\`; PM2: \`pm2 start apps.json\`) until every service's pid file names a live process. The daemons
  are already up. Every tenth service leaves a setsid grandchild.
- Supervisor RSS and idle CPU: the daemon and its descendants minus the services' process trees
  (Vigil: all of vigil up, its log keeper included; the agent child is also shown alone), VmRSS at the end and utime+stime
  over the idle window, with N services running.
- vigil up: ready is from spawn to its "ready" line, on a new state directory and again after Ctrl-C
  on one holding N services (the largest N); CLI start-up is the median wall time of 20 runs of
  \`vigil --version\` and \`vigil service ls\` (against that instance), beside \`node -e 0\` in the same run.
- Stop-all: from the stop call until every service process (mains and grandchildren) has exited;
  what still runs 2 s after the call returned is "left behind" (supervisord signals only the main
  process by default: its grandchildren survive).
- Log flood: one service writes L lines of 100 bytes with sequence numbers, 100 lines per write;
  time from the writer's start until its last line is in the log file; then every file (rotated ones
  included) is read back and each line checked.
- Crash loop: services that exit 1 at once, each start counted by the workload itself; "gave up"
  is the supervisor's own status (Vigil: disabled, supervisord: FATAL, PM2: errored). Each is set to
  give up after 5 starts: Vigil's default max_failures 5; supervisord startretries=4; PM2
  max_restarts=4 with min_uptime 1 s.
- Runs are bounded in time; every daemon and service pid is recorded (with its start time, so a
  reused pid is never touched) and checked after each supervisor's turn.
- The machine may be shared (see the load average): compare ratios within one run, not across runs.
`;
