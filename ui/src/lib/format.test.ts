import { describe, expect, it } from "vitest";
import { humanKey, money, personName, shortDate, splitTags, stageLabel, STAGES } from "./format";

describe("format", () => {
  it("labels every stage", () => {
    expect(STAGES).toHaveLength(8);
    expect(stageLabel("mql")).toBe("Marketing qualified");
    for (const s of STAGES) expect(stageLabel(s)).not.toBe("");
  });

  it("names a person like the core does", () => {
    expect(personName("Ann", "Lee", "ann@x.co")).toBe("Ann Lee");
    expect(personName(" ", "", "ann@x.co")).toBe("ann@x.co");
    expect(personName("", "", null)).toBe("(no name)");
  });

  it("formats minor units by the currency's digits", () => {
    expect(money(123456, "USD", "en-US")).toBe("$1,234.56");
    expect(money(1500, "JPY", "en-US")).toBe("¥1,500");
    expect(money(0, "EUR", "en-US")).toBe("€0.00");
  });

  it("shows days without shifting them across time zones", () => {
    expect(shortDate("2024-03-05", "en-GB")).toBe("5 Mar 2024");
    expect(shortDate(null)).toBe("");
    expect(shortDate("not a date")).toBe("not a date");
  });

  it("turns keys and tag text into display values", () => {
    expect(humanKey("organic_search")).toBe("Organic Search");
    expect(splitTags("vip, wholesale ,,")).toEqual(["vip", "wholesale"]);
  });
});
