// Tests of the supervisord.conf import against a realistic multi-program file: what converts,
// and a warning for each thing that does not.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { parse } from "yaml";
import { parseServicesFile } from "./services-file.js";
import { importSupervisord, parseSupervisordEnvironment } from "./supervisord-import.js";

const fixture = () => readFile(new URL("./testing/supervisord.conf", import.meta.url), "utf8");

test("every program becomes a service with command, directory, environment and autostart", async () => {
  const result = importSupervisord(await fixture(), { home: "/home/shop" });
  assert.deepEqual(parse(result.yaml), {
    services: {
      web: {
        command: "/home/shop/.nvm/versions/node/v20.11.0/bin/node server.js --port 8300",
        working_directory: "app",
        environment: { NODE_ENV: "production", DATABASE_URL: "postgres://shop@db/shop?sslmode=require", GREETING: "hello, world" },
      },
      "queue-worker": { command: "php artisan queue:work --sleep=3 --tries=3", working_directory: "app" },
      redis: { command: "redis-server /home/shop/redis.conf --port 8301", is_disabled: true },
      "report-cron": { command: "/usr/bin/python3 reports.py", environment: { PYTHONUNBUFFERED: "1" } },
    },
  });
  assert.equal(result.programs, 4);
  assert.ok(parseServicesFile(result.yaml).ok, "the output is a valid services file");
});

test("what cannot be converted is named in a warning", async () => {
  const { warnings } = importSupervisord(await fixture(), { home: "/home/shop" });
  const expected = [
    "[program:web]: user not converted",
    "[program:web]: stdout_logfile not converted",
    "[program:queue_worker]: renamed to queue-worker",
    "[program:queue_worker]: numprocs=4 not converted",
    "[program:queue_worker]: stopwaitsecs not converted",
    "[program:redis]: priority not converted",
    "[program:report-cron]: directory /srv/reports is outside the account's home (/home/shop); not converted",
    "[group:shop] (line 41): groups are not converted",
  ];
  for (const start of expected) assert.ok(warnings.some((warning) => warning.startsWith(start)), `missing warning: ${start}\n${warnings.join("\n")}`);
  assert.ok(!warnings.some((warning) => warning.includes("process_name")), "process_name is implied by numprocs' warning");
  assert.ok(!warnings.some((warning) => warning.includes("autorestart")), "autorestart=true is what Vigil does anyway");
});

test("supervisord environment strings keep commas inside quotes", () => {
  assert.deepEqual(parseSupervisordEnvironment(`A="x,y",B=plain, C='single'`), { A: "x,y", B: "plain", C: "single" });
});

test("stopsignal and a stopwaitsecs within Vigil's limit become stop_signal and stop_timeout", () => {
  const { yaml, warnings } = importSupervisord("[program:web]\ncommand=node server.js\nstopsignal=INT\nstopwaitsecs=20\n\n[program:db]\ncommand=pg\nstopsignal=KILL\n", {});
  const parsed = parseServicesFile(yaml);
  assert.ok(parsed.ok, yaml);
  const web = parsed.value.services.find((service) => service.name === "web");
  assert.deepEqual([web?.stopSignal, web?.stopTimeoutMs], ["SIGINT", 20_000]);
  assert.ok(warnings.some((warning) => warning.startsWith("[program:db]: stopsignal not converted: KILL is not one of")), warnings.join("\n"));
});

test("supervisord expressions are expanded to their meaning under Vigil, with a warning for the rest", () => {
  const conf = [
    "[program:api]",
    "command=node %(here)s/server.js --port %(ENV_PORT)s --name %(program_name)s --token %(ENV_API_TOKEN)s --host %(host_node_name)s --pct 100%%",
    "directory=%(ENV_HOME)s/%(program_name)s",
    "environment=LOG=%(here)s/%(program_name)s-%(process_num)02d.log",
    "autorestart=unexpected",
    "",
    "[program:worker]",
    "command=php worker.php --id %(process_num)02d --of %(numprocs)d --group %(group_name)s",
    "numprocs=2",
    "autorestart=true",
    "",
    "[group:shop]",
    "programs=worker",
  ].join("\n");
  const { yaml, warnings } = importSupervisord(conf, { home: "/home/shop/", here: "/etc/supervisor" });
  assert.deepEqual(parse(yaml), {
    services: {
      api: {
        command: "node /etc/supervisor/server.js --port ${PORT} --name api --token ${API_TOKEN} --host %(host_node_name)s --pct 100%",
        working_directory: "api",
        environment: { LOG: "/etc/supervisor/api-00.log" },
      },
      worker: { command: "php worker.php --id 00 --of 2 --group shop" },
    },
  });
  assert.deepEqual(
    warnings.filter((warning) => !warning.includes("numprocs=2 not converted")),
    [
      "[program:api]: command: %(ENV_API_TOKEN)s became ${API_TOKEN}: give the service API_TOKEN in its environment",
      "[program:api]: command: %(host_node_name)s not expanded: it has no meaning under Vigil",
      "[program:api]: autorestart=unexpected not converted: Vigil restarts every exit nobody asked for, whatever its code, with backoff (use vigil service stop to keep it stopped)",
      "[program:worker]: command: %(process_num)02d became 0: Vigil runs one process per service (numprocs)",
      "[group:shop] (line 12): groups are not converted; each program becomes its own service",
    ],
  );
});

test("a directory holding an expression Vigil cannot expand is not converted into a relative path", () => {
  const { yaml, warnings } = importSupervisord("[program:api]\ncommand=node server.js\ndirectory=%(ENV_HOME)s/app\n", {});
  assert.deepEqual(parse(yaml), { services: { api: { command: "node server.js" } } });
  assert.ok(warnings.includes("[program:api]: directory %(ENV_HOME)s/app not converted: it holds an expression Vigil cannot expand"), warnings.join("\n"));
});
