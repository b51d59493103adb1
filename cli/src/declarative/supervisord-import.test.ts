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
    "[program:web]: autorestart not converted",
    "[program:queue_worker]: renamed to queue-worker",
    "[program:queue_worker]: numprocs=4 not converted",
    "[program:queue_worker]: stopwaitsecs not converted",
    "[program:redis]: priority not converted",
    "[program:report-cron]: directory /srv/reports is outside the account's home (/home/shop); not converted",
    "[group:shop] (line 41): groups are not converted",
  ];
  for (const start of expected) assert.ok(warnings.some((warning) => warning.startsWith(start)), `missing warning: ${start}\n${warnings.join("\n")}`);
  assert.ok(!warnings.some((warning) => warning.includes("process_name")), "process_name is implied by numprocs' warning");
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
