// The web console in real headless Chromium (Debian's, driven by playwright-core) against `vigil up`:
// sign in with the operator token, see a running service with its pid, restart it and see the new
// pid, and see a line the service prints appear in the log view. VIGIL_CONSOLE_SCREENSHOT=<file.png>
// also saves a screenshot of the console (the README's docs/console.png is made so).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { defaultAccountName } from "../run/embedded-setup.js";
import { eventually } from "../testing/control-plane-harness.js";
import { httpJson } from "../testing/http-json.js";
import { startUpInScratchDir, type UpClient, type UpInstance } from "../testing/up-instance.js";

const CHROMIUM = process.env["VIGIL_CHROMIUM"] ?? "/usr/bin/chromium";
const WAIT_MS = 60_000;

describe("the web console", () => {
  let scratch: ReturnType<typeof startUpInScratchDir>;
  let up: UpInstance;
  let client: UpClient;
  let browser: Browser;

  before(async () => {
    scratch = startUpInScratchDir("vigil-console-");
    up = scratch.up;
    client = await up.ready();
    // As root Chromium needs --no-sandbox; the page is our own console on loopback.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  });

  after(async () => {
    await browser?.close();
    client?.close();
    await up?.stop();
    scratch?.remove();
  });

  it("signs in, shows a running service, restarts it to a new pid and follows its log", async () => {
    const account = defaultAccountName();
    const api = httpJson(client.httpUrl, client.token);
    const created = await api("POST", `/v1/accounts/${account}/services`, { name: "web", command: 'while true; do echo "tick from $$"; sleep 0.3; done' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await api("POST", `/v1/accounts/${account}/services`, { name: "worker", command: "sleep 100000" });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(client.httpUrl);
    await page.getByLabel("Token").fill(client.token);
    await page.getByRole("button", { name: "Sign in" }).click();

    const row = page.locator(`tr[data-service="${account}/web"]`);
    const state = row.locator('[data-field="state"]');
    const pid = row.locator('[data-field="pid"]');
    await state.filter({ hasText: /^running$/ }).waitFor({ timeout: WAIT_MS });
    await pid.filter({ hasText: /^\d+$/ }).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.getByLabel("Token").isHidden(), true, "the sign-in form gives way to the console");
    const firstPid = Number(await pid.textContent());
    assert.ok(firstPid > 0);

    await page.getByRole("button", { name: `Restart ${account}/web` }).click();
    const secondPid = await eventually("a new pid in the row", async () => {
      const shown = Number(await pid.textContent());
      return shown > 0 && shown !== firstPid ? shown : undefined;
    }, WAIT_MS);
    assert.notEqual(secondPid, firstPid);

    await page.getByRole("button", { name: `Log ${account}/web` }).click();
    await page.locator("#log").filter({ hasText: `tick from ${secondPid}` }).waitFor({ timeout: WAIT_MS });

    // Hosts appear for operators, with their state.
    await page.locator("#hosts tbody tr").filter({ hasText: "up" }).first().waitFor({ timeout: WAIT_MS });
    const screenshot = process.env["VIGIL_CONSOLE_SCREENSHOT"];
    if (screenshot) {
      // A few samples for the history graph first.
      await page.waitForTimeout(5_000);
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    await page.close();
  });
});
