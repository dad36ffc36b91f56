// What the browser tests share: a static server for the built front end (ui/dist), headless
// Chromium through playwright-core, and a page with the fake shell of mock-ipc.js installed.
// The server sends the CSP of src-tauri/tauri.conf.json and the page freezes Object.prototype when
// the config asks Tauri to, so the page runs under the rules the real window sets.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export const DIST = fileURLToPath(new URL("../../ui/dist/", import.meta.url));
const MOCK_IPC = fileURLToPath(new URL("./mock-ipc.js", import.meta.url));
const CONF = JSON.parse(readFileSync(new URL("../../src-tauri/tauri.conf.json", import.meta.url), "utf8"));
const SECURITY = CONF.app?.security ?? {};
export const CSP = Object.entries(SECURITY.csp ?? {})
  .map(([directive, sources]) => `${directive} ${sources}`)
  .join("; ");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** Serves `root` on a free local port; `/` is index.html. Resolves to `{ url, close }`. */
export function serve(root = DIST) {
  if (!existsSync(path.join(root, "index.html"))) {
    throw new Error(`${root}index.html is missing: run \`npm run build:ui\` before the browser tests.`);
  }
  const server = http.createServer(async (req, res) => {
    const headers = CSP ? { "content-security-policy": CSP } : {};
    try {
      let pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
      if (pathname.endsWith("/")) pathname += "index.html";
      const file = path.join(root, path.normalize(pathname));
      if (!file.startsWith(root)) throw Object.assign(new Error("outside the root"), { code: "ENOENT" });
      const body = await readFile(file);
      const type = TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
      res.writeHead(200, { ...headers, "content-type": type, "cache-control": "no-store" });
      res.end(body);
    } catch (e) {
      const missing = e.code === "ENOENT" || e.code === "EISDIR" || e.code === "ENOTDIR";
      res.writeHead(missing ? 404 : 500, { ...headers, "content-type": "text/plain; charset=utf-8" });
      res.end(missing ? "not found" : String(e));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => server.close(() => done(undefined))),
      });
    });
  });
}

/** Headless Debian Chromium, with the flags this closed-network machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Opens the app in a fresh context with the fake shell installed.
 * @param {import("playwright-core").Browser} browser
 * @param {string} url
 * @param {{ mock?: object, context?: import("playwright-core").BrowserContextOptions }} [opts]
 *   `mock`: options for mock-ipc.js (see there); `context`: Playwright context options.
 */
export async function openApp(browser, url, { mock = {}, context: contextOptions = {} } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 780 }, ...contextOptions });
  // A missing element fails the test in seconds, not after Playwright's 30 s default.
  context.setDefaultTimeout(10_000);
  const settings = { freezePrototype: SECURITY.freezePrototype === true, ...mock };
  await context.addInitScript({ content: `window.__FLYWHEEL_MOCK__ = ${JSON.stringify(settings)};` });
  await context.addInitScript({ path: MOCK_IPC });
  const page = await context.newPage();
  /** Uncaught errors and console errors from the page: a clean run has none. */
  const errors = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    // A failed load is reported below with its address; this message has none.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    // Chromium asks for /favicon.ico on its own; the app's window never does.
    if (r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico") errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

/** Every call to `cmd` the page made so far, oldest first: `[{ cmd, args }]`. */
export async function callsTo(page, cmd) {
  return page.evaluate((name) => window.__calls.filter((c) => c.cmd === name), cmd);
}

/**
 * Waits until the page has called `cmd` with arguments containing `match` (a partial object, e.g.
 * `{ query: { sort: "email" } }`) and returns that call's arguments.
 */
export async function waitForCall(page, cmd, match = {}, { timeout = 10_000 } = {}) {
  const found = (args) =>
    page.waitForFunction(
      ([name, want]) => {
        const contains = (got, part) =>
          part !== null && typeof part === "object"
            ? got !== null && typeof got === "object" && Object.keys(part).every((k) => contains(got[k], part[k]))
            : Object.is(got, part);
        return window.__calls.findLast((c) => c.cmd === name && contains(c.args, want))?.args;
      },
      args,
      { timeout },
    );
  try {
    return await (await found([cmd, match])).jsonValue();
  } catch (e) {
    if (e?.name !== "TimeoutError") throw e;
    // Say what was asked instead, rather than only that the wait ran out.
    const made = await callsTo(page, cmd).catch(() => "(page gone)");
    assert.fail(`no ${cmd} call with ${JSON.stringify(match)} within ${timeout} ms; its calls: ${JSON.stringify(made)}`);
  }
}

/** The page asked for no command the fake shell lacks, threw nothing, and broke no CSP rule. */
export async function assertClean(page, errors) {
  const { unknown, csp } = await page.evaluate(() => ({ unknown: window.__unknownCalls, csp: window.__cspViolations }));
  assert.deepEqual(unknown, [], "the page called commands the fake shell does not answer");
  assert.deepEqual(csp, [], "the page broke its Content-Security-Policy");
  assert.deepEqual(errors, [], "the page reported errors");
}

/**
 * One server and one browser for the test file that calls this; returns `open(t, opts)`, which
 * opens the app in a fresh context that closes when test `t` ends.
 */
export function useApp() {
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {{ url: string, close: () => Promise<unknown> }} */
  let server;
  before(async () => {
    server = await serve();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return async function open(t, opts) {
    const app = await openApp(browser, server.url, opts);
    t.after(() => app.context.close());
    return app;
  };
}
