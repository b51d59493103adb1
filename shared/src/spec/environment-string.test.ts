// Specification of the REST environment string parser: quoting, escapes, and its errors,
// which name the field they were given so `environment_string` errors say so.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type EnvironmentAssignment, parseEnvironmentString } from "./environment-string.js";

const parses: [string, string, EnvironmentAssignment[]][] = [
  ["empty text has no assignments", "", []],
  ["plain assignments separated by blanks", "FOO=bar\tLOREM=ipsum\nX=1", [["FOO", "bar"], ["LOREM", "ipsum"], ["X", "1"]]],
  ["double quotes keep blanks", 'A="x y"', [["A", "x y"]]],
  ["single quotes keep everything literally", "B='q \"$x\" \\n'", [["B", 'q "$x" \\n']]],
  ["a backslash escapes a blank", "C=plain\\ escaped", [["C", "plain escaped"]]],
  ["escapes inside double quotes follow sh", 'D="a\\"b\\\\c\\$d\\e"', [["D", 'a"b\\c$d\\e']]],
  ["quoted parts join the word around them", "E=a'b c'\"d\"e", [["E", "ab cde"]]],
  ["an empty value is allowed", "F= G=''", [["F", ""], ["G", ""]]],
  ["only the first = splits name and value", "H=a=b", [["H", "a=b"]]],
  ["$ is not expanded", "I=$HOME", [["I", "$HOME"]]],
  ["backslash-newline continues the line", "J=a\\\nb", [["J", "ab"]]],
  ["a repeated name is kept twice, in order", "K=1 K=2", [["K", "1"], ["K", "2"]]],
];

for (const [title, text, expected] of parses) {
  void test(`parses: ${title}`, () => {
    assert.deepEqual(parseEnvironmentString(text), { ok: true, value: expected });
  });
}

const refuses: [string, string, string[]][] = [
  ["an unterminated double quote", 'A=1 B="x', ["unterminated double quote starting at character 7"]],
  ["an unterminated single quote", "A='x", ["unterminated single quote starting at character 3"]],
  ["a trailing backslash", "A=x\\", ["unfinished backslash escape at character 4"]],
  ["a word without =", "FOO", ['missing "=" in "FOO"']],
  ["a name starting with a digit", "1A=x", ['bad variable name "1A": must match ^[A-Za-z_][A-Za-z0-9_]*$']],
  ["a quoted name, which sh would not assign", '"A"=x', ['bad variable name "\\"A\\"": must match ^[A-Za-z_][A-Za-z0-9_]*$']],
  ["an empty name", "=x", ['bad variable name "": must match ^[A-Za-z_][A-Za-z0-9_]*$']],
  ["every malformed word, not just the first", "a b=1 C", ['missing "=" in "a"', 'missing "=" in "C"']],
  ["a long word, quoted short in the message", "x".repeat(100), [`missing "=" in "${"x".repeat(40)}…"`]],
];

for (const [title, text, rules] of refuses) {
  void test(`refuses: ${title}`, () => {
    assert.deepEqual(parseEnvironmentString(text), { ok: false, errors: rules.map((rule) => ({ field: "environment", rule })) });
  });
}

void test("errors name the field the text came from", () => {
  assert.deepEqual(parseEnvironmentString("X", "environment_string"), { ok: false, errors: [{ field: "environment_string", rule: 'missing "=" in "X"' }] });
});
