import { describe, expect, it } from "vitest";
import {
  countdown,
  defaultRange,
  duration,
  fromMinor,
  monthsBetween,
  percent,
  secondsUntil,
} from "./funnel";

describe("funnel display helpers", () => {
  it("shows the core's rates as percentages, or a dash", () => {
    expect(percent(0.025)).toBe("2.5 %");
    expect(percent(0.2)).toBe("20 %");
    expect(percent(3)).toBe("300 %");
    expect(percent(2 / 3)).toBe("67 %");
    expect(percent(null)).toBe("—");
  });

  it("shows hours in a unit that reads well", () => {
    expect(duration(0.5)).toBe("30 min");
    expect(duration(23.2)).toBe("23.2 h");
    expect(duration(72)).toBe("3 d");
    expect(duration(null)).toBe("—");
  });

  it("counts down and then over", () => {
    expect(countdown(18 * 3600 + 3 * 60)).toBe("18 h 03 min left");
    expect(countdown(-(2 * 3600 + 10 * 60))).toBe("2 h 10 min over");
    expect(countdown(3 * 86400 + 3600)).toBe("3 d 1 h left");
    expect(countdown(42)).toBe("42 s left");
    expect(secondsUntil("2025-03-02T00:00:00Z", Date.parse("2025-03-01T23:00:00Z"))).toBe(3600);
  });

  it("defaults to the last 90 days and lists the months of a range", () => {
    expect(defaultRange(new Date("2025-03-31T12:00:00Z"))).toEqual({ from: "2025-01-01", to: "2025-03-31" });
    expect(monthsBetween("2024-11-15", "2025-02-01")).toEqual(["2024-11", "2024-12", "2025-01", "2025-02"]);
    expect(monthsBetween("junk", "2025-02-01")).toEqual([]);
  });

  it("shows stored money as the plain number a field starts with", () => {
    expect(fromMinor(20000, "USD")).toBe("200.00");
    expect(fromMinor(1500, "JPY")).toBe("1500");
  });
});
