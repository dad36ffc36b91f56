import { describe, expect, it } from "vitest";
import { addDays, dueIn, dueSummary, followupCount } from "./followups";

describe("follow-up days and counts", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-02-28", 7)).toBe("2024-03-06");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2024-03-10", 0)).toBe("2024-03-10");
  });

  it("says counts with the right plural", () => {
    expect(followupCount(0)).toBe("no follow-ups");
    expect(followupCount(1)).toBe("1 follow-up");
    expect(followupCount(2)).toBe("2 follow-ups");
    expect(dueSummary(1, 0)).toBe("1 follow-up due today");
    expect(dueSummary(3, 2)).toBe("3 follow-ups due today · 2 overdue");
  });

  it("says how far a day is", () => {
    expect(dueIn("2024-03-10", "2024-03-10")).toBe("today");
    expect(dueIn("2024-03-11", "2024-03-10")).toBe("tomorrow");
    expect(dueIn("2024-03-13", "2024-03-10")).toBe("in 3 days");
    expect(dueIn("2024-03-09", "2024-03-10")).toBe("1 day late");
    expect(dueIn("2024-03-01", "2024-03-10")).toBe("9 days late");
  });
});
