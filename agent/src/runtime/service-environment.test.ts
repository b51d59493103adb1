// Tests of the environment, directory and user a service is started with: layering order,
// language versions mapped to PATH, PORT/PORTS and the platform's variables that nobody overrides.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testDesired } from "../testing/desired-fixtures.js";
import { buildServiceRuntime, type ServiceRuntime, UNKNOWN_LANGUAGE_VERSION } from "./service-environment.js";

const config = {
  baseEnvironment: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", TZ: "UTC" },
  languagePaths: { NODEJS_VERSION: { "18": ["/opt/node/18/bin"], "20": ["/opt/node/20/bin"] }, PYTHON_VERSION: { "3.12": ["/opt/py/3.12/bin"] } },
};

function runtimeOf(result: ReturnType<typeof buildServiceRuntime>): ServiceRuntime {
  assert.ok(result.ok, result.ok ? "" : result.message);
  return result.value;
}

void describe("service environment", () => {
  void it("layers host base, account defaults and service variables, later winning", () => {
    const desired = testDesired({ environment: { TZ: "Europe/Zurich", APP: "1" } }, { account: { environment: { LANG: "de_CH.UTF-8", TZ: "Asia/Tokyo" } } });
    const { env } = runtimeOf(buildServiceRuntime(config, desired, "account-user"));
    assert.equal(env.LANG, "de_CH.UTF-8");
    assert.equal(env.TZ, "Europe/Zurich");
    assert.equal(env.APP, "1");
    assert.equal(env.PATH, "/usr/bin:/bin");
  });

  void it("puts the chosen language versions' directories in front of PATH", () => {
    const desired = testDesired({ environment: { PYTHON_VERSION: "3.12" } }, { account: { languageVersions: { NODEJS_VERSION: "20" } } });
    const { env } = runtimeOf(buildServiceRuntime(config, desired, "account-user"));
    assert.equal(env.PATH, "/opt/node/20/bin:/opt/py/3.12/bin:/usr/bin:/bin");
    assert.equal(env.NODEJS_VERSION, "20");
  });

  void it("lets a service choose another version than its account's default", () => {
    const desired = testDesired({ environment: { NODEJS_VERSION: "18" } }, { account: { languageVersions: { NODEJS_VERSION: "20" } } });
    assert.equal(runtimeOf(buildServiceRuntime(config, desired, "account-user")).env.PATH, "/opt/node/18/bin:/usr/bin:/bin");
  });

  void it("refuses a version the host does not have, naming it and the ones it has", () => {
    const result = buildServiceRuntime(config, testDesired({ environment: { NODEJS_VERSION: "21" } }), "account-user");
    assert.deepEqual(result, { ok: false, reason: UNKNOWN_LANGUAGE_VERSION, message: "NODEJS_VERSION=21 is not installed on this host (available: 18, 20)" });
  });

  void it("gives the first port as PORT and all of them as PORTS", () => {
    const { env } = runtimeOf(buildServiceRuntime(config, testDesired({}, { ports: [8301, 8305] }), "account-user"));
    assert.equal(env.PORT, "8301");
    assert.equal(env.PORTS, "8301,8305");
  });

  void it("gives the account's own address as VIGIL_ADDRESS, over anything the service set", () => {
    const desired = { ...testDesired({ environment: { VIGIL_ADDRESS: "::1" } }), accountAddress: "2001:db8:a::7" };
    assert.equal(runtimeOf(buildServiceRuntime(config, desired, "account-user")).env.VIGIL_ADDRESS, "2001:db8:a::7");
    assert.equal(runtimeOf(buildServiceRuntime(config, testDesired({}), "account-user")).env.VIGIL_ADDRESS, undefined);
  });

  void it("sets no PORT when the service has no port", () => {
    const { env } = runtimeOf(buildServiceRuntime(config, testDesired({}, { ports: [] }), "account-user"));
    assert.equal(env.PORT, undefined);
    assert.equal(env.PORTS, undefined);
  });

  void it("sets HOME, USER and LOGNAME from the account, even if the service tries to override them", () => {
    const desired = testDesired({ environment: { HOME: "/root", USER: "root" } }, { account: { unixUser: "u-alice", home: "/srv/alice" } });
    const { env } = runtimeOf(buildServiceRuntime(config, desired, "account-user"));
    assert.deepEqual([env.HOME, env.USER, env.LOGNAME], ["/srv/alice", "u-alice", "u-alice"]);
  });

  void it("runs in the home, or in the working directory inside it", () => {
    assert.equal(runtimeOf(buildServiceRuntime(config, testDesired(), "account-user")).cwd, "/home/alice");
    assert.equal(runtimeOf(buildServiceRuntime(config, testDesired({ workingDirectory: "apps/web" }), "account-user")).cwd, "/home/alice/apps/web");
  });

  void it("runs as the account's uid and gid, or as the agent's own user in embedded mode", () => {
    assert.deepEqual(runtimeOf(buildServiceRuntime(config, testDesired(), "account-user")).user, { uid: 1500, gid: 1500, name: "alice" });
    assert.equal(runtimeOf(buildServiceRuntime(config, testDesired(), "agent-user")).user, null);
  });
});
