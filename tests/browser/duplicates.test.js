// Import / Export's possible duplicates in headless Chromium, against the fake shell of mock-ipc.js,
// where each search waits until the test answers it, as a long one does on a large shop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertClean, callsTo, useApp, waitForCall } from "./harness.js";

const open = useApp();

test("the duplicates panel says it is looking while the search runs, and leaving the page cancels it", async (t) => {
  const { page, errors } = await open(t);
  await page.getByTestId("contact-row").first().waitFor();
  await page.getByTestId("nav-import").click();
  const first = await waitForCall(page, "merge_suggestions", {});
  assert.equal(first.limit, 50);
  assert.equal(typeof first.jobId, "string", "the search runs as a job the window can cancel");

  // While it runs, the panel does not claim there are no duplicates.
  await page.getByTestId("merge-looking").waitFor();
  assert.equal((await page.getByTestId("merge-looking").textContent()).trim(), "Looking for likely duplicates…");
  assert.equal(await page.getByTestId("merge-none").count(), 0);

  // Leaving the page cancels that search.
  await page.getByTestId("nav-contacts").click();
  await waitForCall(page, "job_cancel", { jobId: first.jobId });
  await page.getByTestId("contact-row").first().waitFor();

  // Back again: a new search, whose answer replaces the looking line.
  await page.getByTestId("nav-import").click();
  await page.waitForFunction(() => window.__calls.filter((c) => c.cmd === "merge_suggestions").length === 2);
  const second = (await callsTo(page, "merge_suggestions"))[1].args;
  assert.notEqual(second.jobId, first.jobId);
  await page.getByTestId("merge-looking").waitFor();
  await page.evaluate(() => window.__answerDuplicates([[1, 2, "same_email"]]));
  const row = page.getByTestId("merge-row");
  await row.waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Ann Lee.*Bram de Vries.*same email address/s);
  assert.equal(await page.getByTestId("merge-looking").count(), 0);
  assert.equal((await callsTo(page, "job_cancel")).length, 1, "a search that ended is not cancelled");

  await assertClean(page, errors);
});

test("a search that finds nothing says so once it has finished", async (t) => {
  const { page, errors } = await open(t);
  await page.getByTestId("contact-row").first().waitFor();
  await page.getByTestId("nav-import").click();
  await waitForCall(page, "merge_suggestions", {});
  await page.getByTestId("merge-looking").waitFor();
  await page.evaluate(() => window.__answerDuplicates([]));
  await page.getByTestId("merge-none").waitFor();
  assert.equal((await page.getByTestId("merge-none").textContent()).trim(), "No likely duplicates.");
  assert.equal(await page.getByTestId("merge-looking").count(), 0);
  await assertClean(page, errors);
});
