import { describe, expect, it } from "vitest";
import { touches } from "./areas";

describe("which views reload after a write", () => {
  it("reloads a view that shows one of the changed areas", () => {
    expect(touches(["purchases", "contacts"], ["referrals", "purchases"])).toBe(true);
    expect(touches(["nps"], ["purchases", "referrals", "stages", "contacts"])).toBe(false);
  });

  it("reloads every view when everything changed", () => {
    expect(touches(["nps"], ["all"])).toBe(true);
    expect(touches([], ["all"])).toBe(true);
  });
});
