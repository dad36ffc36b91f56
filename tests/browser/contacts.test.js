// The contacts page in headless Chromium, against the fake shell of mock-ipc.js.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertClean, callsTo, useApp, waitForCall } from "./harness.js";

const open = useApp();

/** The text of the first `n` cells of every contact row, as the user sees it. */
function rowCells(page, n = 3) {
  return page.$$eval(
    '[data-testid="contact-row"]',
    (rows, count) => rows.map((r) => [...r.cells].slice(0, count).map((td) => td.textContent.trim())),
    n,
  );
}

/** Waits until the contact rows' column `index` reads `want`, top to bottom. */
async function waitForColumn(page, index, want) {
  try {
    await page.waitForFunction(
      ([i, expected]) =>
        JSON.stringify([...document.querySelectorAll('[data-testid="contact-row"]')].map((r) => r.cells[i].textContent.trim())) ===
        JSON.stringify(expected),
      [index, want],
      { timeout: 5000 },
    );
  } catch {
    // Say what the table showed instead of a bare timeout.
    assert.deepEqual((await rowCells(page, index + 1)).map((r) => r[index]), want);
  }
}

test("the contacts list shows the core's contacts as text, and sorting and search are asked of the core", async (t) => {
  const { page, errors } = await open(t);

  // The first load asks for the first page by name.
  const first = await waitForCall(page, "contacts_list", {});
  assert.deepEqual(first.query, {
    search: null,
    stage: null,
    source: null,
    include_archived: false,
    sort: "name",
    descending: false,
    offset: 0,
    limit: 50,
  });
  await page.getByTestId("contact-row").first().waitFor();
  assert.deepEqual(await rowCells(page, 5), [
    ["Bram de Vries", "bram@northwind.nl", "Northwind Traders", "Marketing qualified", "Organic Search"],
    ["Farid Haddad", "farid@haddadcoffee.com", "Haddad Coffee", "Sales accepted", "Email Marketing"],
    ["Ann Lee", "ann@leebakery.com", "Lee Bakery", "Customer", "Referrals"],
    ["Greta Lindqvist", "greta@lindqvist.se", "Lindqvist Design", "Customer", "Direct Traffic"],
    ["Chidi Okafor", "chidi@okafor.studio", "Okafor Studio", "Lead", "Paid Search"],
    ["Eun-ji Park", "eunji.park@example.org", "", "Subscriber", "Organic Social"],
    ["Hiro Tanaka", "", "Tanaka Ramen", "Lost", "Offline Sources"],
    ["Dana Whitfield", "dana@whitfield.co", "Whitfield & Co", "Opportunity", "Offline Sources"],
  ]);
  assert.equal((await page.getByTestId("contacts-count").textContent()).trim(), "8 contacts");
  assert.equal(await page.locator("th", { has: page.getByTestId("sort-name") }).getAttribute("aria-sort"), "ascending");

  // A column heading sorts by that column; the core does the sorting, the page shows its order.
  await page.getByTestId("sort-company").click();
  const byCompany = await waitForCall(page, "contacts_list", { query: { sort: "company" } });
  assert.equal(byCompany.query.descending, false);
  assert.equal(byCompany.query.offset, 0);
  const companies = ["", "Haddad Coffee", "Lee Bakery", "Lindqvist Design", "Northwind Traders", "Okafor Studio", "Tanaka Ramen", "Whitfield & Co"];
  await waitForColumn(page, 2, companies);
  const companyHeading = page.locator("th", { has: page.getByTestId("sort-company") });
  assert.equal(await companyHeading.getAttribute("aria-sort"), "ascending");
  assert.equal(await page.locator("th", { has: page.getByTestId("sort-name") }).getAttribute("aria-sort"), "none");

  // The same heading again turns the order round.
  await page.getByTestId("sort-company").click();
  await waitForCall(page, "contacts_list", { query: { sort: "company", descending: true } });
  await waitForColumn(page, 2, [...companies].reverse());
  assert.equal(await companyHeading.getAttribute("aria-sort"), "descending");

  // The search box sends what was typed (trimmed) with the sort in force, from the first page.
  await page.getByTestId("contacts-search").fill("  Lee ");
  const searched = await waitForCall(page, "contacts_list", { query: { search: "Lee" } });
  assert.deepEqual(
    { sort: searched.query.sort, descending: searched.query.descending, offset: searched.query.offset },
    { sort: "company", descending: true, offset: 0 },
  );
  await waitForColumn(page, 0, ["Ann Lee"]);
  await page.getByText("1 contact", { exact: true }).waitFor();

  // Clearing it asks for everyone again.
  await page.getByTestId("contacts-search").fill("");
  await page.waitForFunction(() => window.__calls.filter((c) => c.cmd === "contacts_list").at(-1).args.query.search === null);
  await waitForColumn(page, 2, [...companies].reverse());

  await assertClean(page, errors);
});

test("a bad email on a new contact shows the core's message beside the email field, and nowhere else", async (t) => {
  const { page, errors } = await open(t);
  await page.getByTestId("contact-row").first().waitFor();

  await page.getByTestId("add-contact").click();
  const form = page.getByTestId("contact-form");
  await form.waitFor();
  await waitForCall(page, "channels_list", { includeArchived: false });
  await form.getByTestId("input-first_name").fill("Ida");
  await form.getByTestId("input-last_name").fill("Berg");
  await form.getByTestId("input-email").fill("ida.berg@example");
  await form.getByTestId("input-company").fill("Berg Ceramics");
  await form.getByTestId("save-contact").click();

  const sent = await waitForCall(page, "contacts_create", {});
  assert.equal(sent.input.email, "ida.berg@example");
  assert.equal(sent.input.first_name, "Ida");
  assert.equal(sent.input.stage, "lead");

  const message = form.getByTestId("error-email");
  await message.waitFor();
  assert.equal((await message.textContent()).trim(), "'ida.berg@example' is not an email address like name@example.com.");

  const where = await form.evaluate((f) => {
    const input = f.querySelector('[data-testid="input-email"]');
    const error = f.querySelector('[data-testid="error-email"]');
    return {
      sameField: input.closest(".field") === error.closest(".field") && error.closest(".field") !== null,
      describedBy: input.getAttribute("aria-describedby"),
      errorId: error.id,
      invalid: input.getAttribute("aria-invalid"),
      // Every message shown in the form, and every control marked invalid.
      messages: [...f.querySelectorAll('.field-error, .banner, [role="alert"], [data-testid^="error-"]')].map((e) => e.dataset.testid ?? e.className),
      invalidControls: [...f.querySelectorAll('[aria-invalid="true"]')].map((e) => e.dataset.testid),
    };
  });
  assert.ok(where.sameField, "the email message sits in the email field's own box");
  assert.equal(where.describedBy, where.errorId, "the email input is described by its message");
  assert.equal(where.invalid, "true");
  assert.deepEqual(where.messages, ["error-email"], "only the email field shows an error");
  assert.deepEqual(where.invalidControls, ["input-email"], "only the email input is marked invalid");
  // The form stays open with what was typed, so the user can correct it.
  assert.equal(await form.getByTestId("input-first_name").inputValue(), "Ida");

  // Corrected, it saves: the message goes and the new contact opens beside the list.
  await form.getByTestId("input-email").fill("ida.berg@example.com");
  await form.getByTestId("save-contact").click();
  await page.getByTestId("contact-detail").waitFor();
  assert.equal((await page.getByTestId("detail-name").textContent()).trim(), "Ida Berg");
  assert.equal(await page.getByTestId("error-email").count(), 0);
  assert.equal((await callsTo(page, "contacts_create")).length, 2);

  await assertClean(page, errors);
});

test("user text is shown as text, never run as HTML", async (t) => {
  const XSS = '<img src=x onerror="window.__xss=1">';
  const { page, errors } = await open(t, {
    mock: {
      contacts: [
        {
          first_name: XSS,
          email: "mallory@example.com",
          company: '<b onmouseover="window.__xss=2">Evil</b> & Co',
          notes: '<script>window.__xss=3</script><img src=x onerror="window.__xss=4">',
          tags: ['<svg onload="window.__xss=5">'],
          stage: "lead",
          reasons: ['<img src=x onerror="window.__xss=6">'],
        },
        { first_name: "Ann", last_name: "Lee", email: "ann@leebakery.com", company: "Lee Bakery" },
      ],
    },
    // Without the CSP backstop: this test is about how the page renders, not what the CSP blocks.
    context: { bypassCSP: true },
  });
  const row = page.getByTestId("contact-row").filter({ hasText: "mallory@example.com" });
  await row.waitFor();
  assert.deepEqual((await row.locator("td").allTextContents()).slice(0, 3), [XSS, "mallory@example.com", '<b onmouseover="window.__xss=2">Evil</b> & Co']);

  // The side panel shows the name, notes, tags and stage reasons too.
  await row.click();
  const detail = page.getByTestId("contact-detail");
  await detail.waitFor();
  await page.getByTestId("contact-timeline").waitFor();
  assert.equal((await page.getByTestId("detail-name").textContent()).trim(), XSS);
  assert.equal((await detail.locator(".notes").textContent()).trim(), '<script>window.__xss=3</script><img src=x onerror="window.__xss=4">');
  assert.ok((await detail.textContent()).includes('<svg onload="window.__xss=5">'));
  assert.ok((await page.getByTestId("stage-history").textContent()).includes('<img src=x onerror="window.__xss=6">'));

  const found = await page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    svgs: document.querySelectorAll("main svg[onload]").length,
    bold: document.querySelectorAll("main b").length,
    scripts: document.querySelectorAll("main script").length,
  }));
  assert.deepEqual(found, { images: 0, svgs: 0, bold: 0, scripts: 0 });

  // A broken image requested now fails after any the page had asked for; then nothing has run.
  await page.evaluate(
    () =>
      new Promise((done) => {
        const probe = new Image();
        probe.onerror = probe.onload = done;
        probe.src = `/no-such-image-${Date.now()}.png`;
      }),
  );
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // The probe's own 404 is the one failed load expected.
  await assertClean(page, errors.filter((e) => !e.includes("/no-such-image-")));
});

test("in a small window with a contact open, the next-page button is clickable and asks for offset 50", async (t) => {
  const { page, errors } = await open(t, { mock: { extraContacts: 70 }, context: { viewport: { width: 1024, height: 640 } } });
  const rows = page.getByTestId("contact-row");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 50);
  assert.equal((await page.getByTestId("page-info").textContent()).trim(), "1–50 of 78");

  await rows.nth(2).click();
  const side = page.locator("aside.side");
  await page.getByTestId("contact-detail").waitFor();
  await page.getByTestId("stage-history").locator("li").first().waitFor();

  // Nothing sticks out sideways: the frame does not scroll horizontally, so the pager is not off to the side.
  const frame = await page.locator("main").evaluate((m) => ({ scrollWidth: m.scrollWidth, clientWidth: m.clientWidth }));
  assert.ok(frame.scrollWidth <= frame.clientWidth, `the page fits its width (${frame.scrollWidth} > ${frame.clientWidth})`);

  const next = page.getByTestId("next-page");
  await next.scrollIntoViewIfNeeded();
  assert.equal(await page.locator("main").evaluate((m) => m.scrollLeft), 0, "reaching the pager needs no sideways scroll");
  assert.ok(await next.isVisible(), "the Next button is shown");
  assert.ok(await next.isEnabled(), "the Next button is enabled");
  const [button, panel] = [await next.boundingBox(), await side.boundingBox()];
  assert.ok(button && panel);
  assert.ok(button.x + button.width <= panel.x, `the Next button (right edge ${button.x + button.width}) stays left of the side panel (${panel.x})`);
  assert.ok(button.x >= 0 && button.x + button.width <= 1024, "the Next button is inside the window");

  // Playwright's click fails when something else would receive it.
  await next.click({ timeout: 5000 });
  const nextPage = await waitForCall(page, "contacts_list", { query: { offset: 50 } });
  assert.equal(nextPage.query.limit, 50);
  assert.equal(nextPage.query.sort, "name");
  await page.getByText("51–78 of 78").waitFor();
  assert.equal(await rows.count(), 28);
  assert.ok(await next.isDisabled(), "no page after the last");
  // The open contact stays open while paging.
  assert.ok(await page.getByTestId("contact-detail").isVisible());

  await assertClean(page, errors);
});

test("First and Last reach the ends of a long list from the keyboard, and the pager says which page it is on", async (t) => {
  const { page, errors } = await open(t, { mock: { extraContacts: 150 } });
  const rows = page.getByTestId("contact-row");
  await rows.first().waitFor();
  const text = async (id) => (await page.getByTestId(id).textContent()).trim();
  assert.equal(await text("page-info"), "1–50 of 158");
  assert.equal(await text("page-number"), "page 1 of 4");
  assert.ok(await page.getByTestId("first-page").isDisabled(), "no page before the first");
  assert.ok(await page.getByTestId("previous-page").isDisabled());

  // Tab goes from Next to Last; Enter there asks the core for the last page's offset.
  await page.getByTestId("next-page").focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "last-page");
  await page.keyboard.press("Enter");
  const last = await waitForCall(page, "contacts_list", { query: { offset: 150 } });
  assert.equal(last.query.limit, 50);
  await page.getByText("151–158 of 158").waitFor();
  assert.equal(await text("page-number"), "page 4 of 4");
  assert.equal(await rows.count(), 8);
  assert.ok(await page.getByTestId("last-page").isDisabled(), "no page after the last");
  assert.ok(await page.getByTestId("next-page").isDisabled());

  // Previous steps back one page; First goes back to the start, by keyboard too.
  await page.getByTestId("previous-page").click();
  await waitForCall(page, "contacts_list", { query: { offset: 100 } });
  await page.getByText("101–150 of 158").waitFor();
  assert.equal(await text("page-number"), "page 3 of 4");
  await page.getByTestId("first-page").focus();
  const before = (await callsTo(page, "contacts_list")).length;
  await page.keyboard.press("Enter");
  await page.getByText("1–50 of 158").waitFor();
  assert.equal(await text("page-number"), "page 1 of 4");
  // The pager's words follow the page at once; the core is asked a moment later.
  let calls = await callsTo(page, "contacts_list");
  for (let i = 0; i < 100 && calls.length === before; i++) {
    await page.waitForTimeout(20);
    calls = await callsTo(page, "contacts_list");
  }
  assert.equal(calls.at(-1).args.query.offset, 0);

  await assertClean(page, errors);
});

test("a save over a colleague's change shows what changed; keep mine saves over it, take theirs fills the form with it", async (t) => {
  const { page, errors } = await open(t);
  const row = page.getByTestId("contact-row").filter({ hasText: "Bram de Vries" });
  await row.locator("td").first().click();
  await page.getByTestId("edit-contact").click();
  const id = (await waitForCall(page, "contacts_get", {})).id;

  // A colleague changes his phone while the form is open; this form changes his notes.
  await page.evaluate((contactId) => window.__colleagueEdits(contactId, { phone: "555-0100" }), id);
  await page.getByTestId("input-notes").fill("call in the morning");
  await page.getByTestId("save-contact").click();
  const changed = page.getByTestId("changed-since");
  await changed.waitFor();
  assert.match(await changed.textContent(), /Someone else changed this contact since you opened it: phone\./);
  const first = await waitForCall(page, "contacts_update", { input: { notes: "call in the morning" } });
  assert.equal(first.opened.phone, "", "the form sent the contact as it opened it");

  // Take theirs: the form now holds the colleague's phone, and keeps nothing of this form's notes.
  await page.getByTestId("take-theirs").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="input-phone"]').value === "555-0100");
  assert.equal(await page.getByTestId("input-notes").inputValue(), "");
  await page.getByTestId("input-notes").fill("call in the morning");

  // A colleague changes it once more; this time keep mine: saved over theirs, from what is there now.
  await page.evaluate((contactId) => window.__colleagueEdits(contactId, { company: "Northwind Ltd" }), id);
  await page.getByTestId("save-contact").click();
  await changed.waitFor();
  assert.match(await changed.textContent(), /company/);
  await page.getByTestId("keep-mine").click();
  await page.getByTestId("contact-form").waitFor({ state: "detached" });
  const saved = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "contacts_update").at(-1).args);
  assert.equal(saved.opened.company, "Northwind Ltd", "keep mine saves over their version as it is now");
  assert.equal(saved.input.company, "Northwind Traders", "with this form's own values");
  assert.equal(saved.input.notes, "call in the morning");
  await assertClean(page, errors);
});
