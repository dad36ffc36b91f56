import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asText } from "./charts";

/** Every source file of the window, tests aside. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

const root = join(__dirname, "..");

describe("user text is never HTML", () => {
  it("tooltip text is encoded", () => {
    const name = `<img src=x onerror="alert(1)"> & "Ann" 'O'`;
    expect(asText(name)).toBe("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Ann&quot; &#39;O&#39;");
  });

  it("no source renders markup from a string", () => {
    const found = sources(root).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return /\{@html|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(text) ? [file] : [];
    });
    expect(found).toEqual([]);
  });

  it("every chart with a tooltip formatter shows its text through asText", () => {
    const unencoded = sources(root).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      if (!/tooltip:[\s\S]{0,200}?formatter/.test(text)) return [];
      // A string template ("{b}: {c}") cannot encode what it puts in: only functions are allowed.
      const template = /tooltip:[\s\S]{0,200}?formatter:\s*["'`]/.test(text);
      return template || !/asText\(/.test(text) ? [file] : [];
    });
    expect(unencoded).toEqual([]);
  });
});
