// Every operator command of the `vigil` program takes --json and --help, as the README promises;
// the server commands (up, coordinator, agent, log-keeper) print no results and are left out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Command } from "commander";
import { buildProgram } from "./program.js";

const SERVER_COMMANDS = new Set(["up", "coordinator", "agent", "log-keeper"]);

function leaves(command: Command, path: string[] = []): { path: string; command: Command }[] {
  if (command.commands.length === 0) return [{ path: path.join(" "), command }];
  return command.commands.flatMap((child) => leaves(child, [...path, child.name()]));
}

test("every operator command has --json and --help", () => {
  const operator = leaves(buildProgram()).filter(({ path }) => !SERVER_COMMANDS.has(path.split(" ")[0]!));
  assert.ok(operator.length > 30, `found ${operator.length} commands`);
  const withoutJson = operator.filter(({ command }) => !command.options.some((option) => option.long === "--json")).map(({ path }) => path);
  assert.deepEqual(withoutJson, []);
  const withoutHelp = operator.filter(({ command }) => command.helpOption === undefined || command.createHelp().visibleOptions(command).every((option) => option.long !== "--help")).map(({ path }) => path);
  assert.deepEqual(withoutHelp, []);
});
