import { describe, expect, it } from "vitest";
import { keepOthers, readWhole, readWholes } from "./whole";

const score = { min: 0, max: 100, label: "Lead score" };

describe("readWhole", () => {
  it("reads plain whole numbers, with spaces around and a sign", () => {
    expect(readWhole("12", score)).toEqual({ ok: true, value: 12 });
    expect(readWhole(" 12 ", score)).toEqual({ ok: true, value: 12 });
    expect(readWhole("+7", score)).toEqual({ ok: true, value: 7 });
    expect(readWhole("-5", { min: -100, max: 100, label: "Points" })).toEqual({ ok: true, value: -5 });
    expect(readWhole("-0", score)).toEqual({ ok: true, value: 0 });
    expect(readWhole("007", score)).toEqual({ ok: true, value: 7 });
  });

  it("reads digits grouped by threes with spaces, never with commas or dots", () => {
    const visitors = { min: 0, max: 1e12, label: "Visitors" };
    expect(readWhole("1 000", visitors)).toEqual({ ok: true, value: 1000 });
    expect(readWhole("12\u00a0500\u202f000", visitors)).toEqual({ ok: true, value: 12500000 });
    for (const bad of ["1,000", "1.000", "1 00", "10 0000", "1  000 0"]) {
      const r = readWhole(bad, visitors);
      expect(r.ok, bad).toBe(false);
    }
  });

  it("refuses what is not a whole number, saying so", () => {
    for (const bad of ["abc", "12.5", "12,5", "1e3", "0x10", "12abc", "--1", "½", "Infinity", "NaN", "1_000"]) {
      const r = readWhole(bad, score);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toContain("Lead score: enter a whole number from 0 to 100");
    }
    const dec = readWhole("12.5", score);
    expect(!dec.ok && dec.message).toContain("without decimals");
    const letters = readWhole("abc", score);
    expect(!letters.ok && letters.message).toContain('"abc" is not one');
  });

  it("refuses a blank required field and reads a blank optional one as null", () => {
    const r = readWhole("  ", score);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("cannot be blank");
    expect(readWhole("", { min: 1, max: 5, label: "Rating", required: false })).toEqual({ ok: true, value: null });
  });

  it("refuses numbers out of the field's range", () => {
    expect(readWhole("101", score).ok).toBe(false);
    expect(readWhole("-1", score).ok).toBe(false);
    expect(readWhole("100", score)).toEqual({ ok: true, value: 100 });
    expect(readWhole("0", score)).toEqual({ ok: true, value: 0 });
    expect(readWhole("99999999999999999999", { min: 0, max: Number.MAX_SAFE_INTEGER, label: "N" }).ok).toBe(false);
  });
});

describe("readWholes and keepOthers", () => {
  it("reads all fields or names each one at fault", () => {
    const hours = { min: 1, max: 720, label: "SLA" };
    expect(readWholes({ a: ["5", score], b: ["24", hours] })).toEqual({ ok: true, values: { a: 5, b: 24 } });
    const r = readWholes({ a: ["x", score], b: ["24", hours] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(["a"]);
  });

  it("keeps the messages shown beside other fields", () => {
    const shown = { email: "Not an email.", lead_score: "old", form: "banner" };
    expect(keepOthers(shown, { lead_score: "new" }, ["lead_score"])).toEqual({ email: "Not an email.", lead_score: "new" });
    expect(keepOthers(shown, {}, ["lead_score"])).toEqual({ email: "Not an email." });
  });
});
