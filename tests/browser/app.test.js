// The app frame in headless Chromium, against the fake shell of mock-ipc.js: first start and theme.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertClean, callsTo, useApp, waitForCall } from "./harness.js";

const open = useApp();

test("first start on an empty database offers the sample data, and taking it asks the core to seed", async (t) => {
  const { page, errors } = await open(t, { mock: { empty: true } });
  const welcome = page.getByTestId("welcome");
  await welcome.waitFor();
  assert.ok((await callsTo(page, "db_summary")).length >= 1, "the app asked for the database summary");
  assert.equal(await page.getByTestId("contacts-table").count(), 0, "the contacts list waits behind the welcome");
  assert.equal(await page.getByTestId("start-empty").isEnabled(), true);
  assert.deepEqual(await callsTo(page, "sample_load"), []);

  await page.getByTestId("load-sample").click();
  assert.deepEqual(await waitForCall(page, "sample_load", {}), { size: "small" });

  // Seeded, the welcome goes and the contacts the core made are listed.
  await welcome.waitFor({ state: "detached" });
  await page.getByTestId("contact-row").first().waitFor();
  assert.equal(await page.getByTestId("contact-row").count(), 8);
  assert.equal((await callsTo(page, "sample_load")).length, 1, "seeded once");

  await assertClean(page, errors);
});

/** [r, g, b, a] from a computed CSS colour ("rgb(…)", "rgba(…)" or "color(srgb …)"). */
function parseColor(css) {
  const srgb = css.match(/^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/);
  if (srgb) return [srgb[1] * 255, srgb[2] * 255, srgb[3] * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
  const rgb = css.match(/^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:[,/] ?([\d.]+))?\)$/);
  assert.ok(rgb, `a colour this test can read: ${css}`);
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
}

/** WCAG relative luminance and contrast ratio. */
function luminance([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The page's colours in one colour scheme: the canvas, and text against what is behind it. */
async function colours(t, scheme) {
  const { page, errors } = await open(t, { context: { colorScheme: scheme } });
  await page.getByTestId("contact-row").first().waitFor();
  const seen = await page.evaluate(() => {
    // What is painted behind an element: the first ancestor with an opaque background, with
    // translucent ones laid over it; the root's background is the canvas.
    const parse = (css) => {
      const n = css.match(/[\d.]+/g).map(Number);
      return css.startsWith("color(") ? [n[0] * 255, n[1] * 255, n[2] * 255, n[3] ?? 1] : [n[0], n[1], n[2], n[3] ?? 1];
    };
    const behind = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let [r, g, b] = [255, 255, 255]; // Chromium's canvas when nothing is painted
      for (const [lr, lg, lb, a] of layers.reverse()) [r, g, b] = [lr * a + r * (1 - a), lg * a + g * (1 - a), lb * a + b * (1 - a)];
      return `rgb(${r}, ${g}, ${b})`;
    };
    const probe = (name, el) => ({ name, fg: getComputedStyle(el).color, bg: behind(el) });
    const q = (sel) => {
      const el = document.querySelector(sel);
      if (!el) throw new Error(`no ${sel}`);
      return el;
    };
    return {
      dark: matchMedia("(prefers-color-scheme: dark)").matches,
      root: getComputedStyle(document.documentElement).backgroundColor,
      body: behind(document.body),
      nav: getComputedStyle(q('nav[aria-label="Main"]')).backgroundColor,
      text: [
        probe("body text", document.body),
        probe("heading", q("main h1")),
        probe("active nav item", q('[data-testid="nav-contacts"]')),
        probe("nav item", q('[data-testid="nav-dashboard"]')),
        probe("table cell", q('[data-testid="contact-row"] td')),
        probe("column heading", q('[data-testid="sort-name"]')),
        probe("stage pill", q('[data-testid="contact-row"] .pill')),
        probe("contact count (muted)", q('[data-testid="contacts-count"]')),
        probe("search box", q('[data-testid="contacts-search"]')),
        probe("primary button", q('[data-testid="add-contact"]')),
      ],
    };
  });
  await assertClean(page, errors);
  return seen;
}

test("the theme follows the OS, and text stays readable in both", async (t) => {
  const light = await colours(t, "light");
  const dark = await colours(t, "dark");
  assert.equal(light.dark, false);
  assert.equal(dark.dark, true);

  // The canvas (painted from the root element, behind body and the frame) changes with the OS.
  assert.notEqual(light.body, dark.body, "the page background differs between light and dark");
  assert.notEqual(light.root, dark.root);
  assert.notEqual(light.nav, dark.nav, "the side bar follows the theme too");
  assert.ok(luminance(parseColor(dark.body)) < luminance(parseColor(light.body)), "dark is darker than light");

  for (const [scheme, seen] of [["light", light], ["dark", dark]]) {
    for (const { name, fg, bg } of seen.text) {
      assert.notEqual(fg, bg, `${scheme}: ${name} has its own colour`);
      const ratio = contrast(parseColor(fg), parseColor(bg));
      // WCAG AA for body text.
      assert.ok(ratio >= 4.5, `${scheme}: ${name} is readable (${fg} on ${bg}: ${ratio.toFixed(2)}:1)`);
    }
  }
});
