// supervisord.conf of the bench's private supervisord: socket, pid file and logs in its temp dir,
// services defined with autostart=false so that "start all" is what the bench times.
import { join } from "node:path";
import { CRASH_LOOP_STARTS } from "./supervisor-under-test.js";
import { type ServiceDef, shellQuote, workloadArgv } from "./workloads.js";

export function supervisordConfig(dir: string, services: readonly ServiceDef[]): string {
  const head = [
    "[unix_http_server]",
    `file=${join(dir, "supervisor.sock")}`,
    "chmod=0700",
    "",
    "[supervisord]",
    "nodaemon=true",
    "user=root",
    `logfile=${join(dir, "supervisord.log")}`,
    `pidfile=${join(dir, "supervisord.pid")}`,
    `childlogdir=${join(dir, "logs")}`,
    // 500 services hold three descriptors each; the default minfds (1024) refuses to start.
    "minfds=8192",
    "minprocs=4096",
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    "[supervisorctl]",
    `serverurl=unix://${join(dir, "supervisor.sock")}`,
  ];
  const programs = services.flatMap((service) => [
    "",
    `[program:${service.name}]`,
    `command=${shellQuote(workloadArgv(service))}`,
    "autostart=false",
    // Like Vigil, any exit nobody asked for is restarted.
    "autorestart=true",
    // The first start plus 4 retries: gives up after CRASH_LOOP_STARTS starts, like Vigil's max_failures.
    `startretries=${CRASH_LOOP_STARTS - 1}`,
    "redirect_stderr=true",
    `stdout_logfile=${supervisordLogFile(dir, service.name)}`,
    // Vigil's default rotation: 10 MiB, 5 kept.
    "stdout_logfile_maxbytes=10MB",
    "stdout_logfile_backups=5",
  ]);
  return [...head, ...programs, ""].join("\n");
}

export function supervisordLogFile(dir: string, name: string): string {
  return join(dir, "logs", `${name}.log`);
}
