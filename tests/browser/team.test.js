// Settings → Team database in headless Chromium, against the fake shell of mock-ipc.js: every field
// has its label, the TLS note follows the host, the keyboard alone fills and submits the form, and
// the core's error lands beside the field it names.
import assert from "node:assert/strict";
import { test } from "node:test";
import { callsTo, useApp, waitForCall } from "./harness.js";

const open = useApp();

test("the Team database form is filled and tested from the keyboard, its error beside the password", async (t) => {
  const { page, errors } = await open(t);
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("team-form").waitFor();
  assert.equal(await page.getByTestId("db-location").textContent(), "This computer: flywheel.db");

  const host = page.getByLabel("Host");
  await host.fill("db.example.lan");
  assert.match(await page.getByTestId("team-tls-note").textContent(), /verify-full/);
  await host.fill("/run/postgresql");
  assert.match(await page.getByTestId("team-tls-note").textContent(), /On this computer/);

  // Tab from the host through every field in reading order, typing as a person would.
  await host.focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "team-port");
  for (const [id, text] of [
    ["team-database", "flywheel"],
    ["team-user", "ann"],
    ["team-password", "wrong"],
  ]) {
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), id);
    await page.keyboard.type(text);
  }
  await page.keyboard.press("Enter");
  const asked = await waitForCall(page, "team_test", { password: "wrong" });
  assert.deepEqual(asked.login, { host: "/run/postgresql", port: 5432, database: "flywheel", user: "ann", ca_file: "" });
  assert.match(await page.getByTestId("error-password").textContent(), /password authentication failed/);
  assert.equal(await page.getByTestId("error-host").count(), 0);
  assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");

  await page.getByLabel("Password").fill("right");
  await page.getByLabel("Password").press("Enter");
  await page.getByTestId("team-test-ok").waitFor();
  assert.match(await page.getByTestId("team-test-ok").textContent(), /PostgreSQL 15\.8 · schema version 16/);
  assert.equal(await page.getByTestId("error-password").count(), 0, "the old error went");

  for (const label of ["Host", "Port", "Database", "User", "Password", "CA certificate file (optional)"]) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `one field labelled ${label}`);
  }
  // The other Settings panels ask for commands this fake does not answer; the form's own are all here.
  const unknown = await page.evaluate(() => window.__unknownCalls);
  assert.deepEqual(unknown.filter((c) => c.startsWith("team_") || c === "db_location"), []);
  assert.equal((await callsTo(page, "team_test")).length, 2);
  assert.deepEqual(errors.filter((e) => /team|location/i.test(String(e))), []);
});
