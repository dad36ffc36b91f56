import { describe, expect, it, vi } from "vitest";
import { baseName, fileSize, humanKey, money, personName, progressPercent, shortDate, splitTags, stageLabel, STAGES } from "./format";
import { averageRepeatOrder, decimal, kMeaning, minorDigits, numberStyle, plural, returnMeaning } from "./format";
import { days, generationLabel, moneyOrDash, npsText, periodStart, readyReason, stars, timelineText } from "./format";
import type { TimelineEntry } from "./bindings";

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

  it("separates thousands and uses each currency's own symbol and decimals", () => {
    expect(money(20918590, "USD", "en-US")).toBe("$209,185.90");
    expect(money(171489, "EUR", "en-US")).toBe("€1,714.89");
    expect(money(171489, "EUR", "de-DE")).toBe("1.714,89\u00a0€");
    expect(money(120000, "JPY", "en-US")).toBe("¥120,000");
    expect(money(1234567, "BHD", "en-US")).toBe("BHD\u00a01,234.567");
    expect(money(18727540020, "USD", "en-US")).toBe("$187,275,400.20");
    expect(money(-1250, "GBP", "en-GB")).toBe("-£12.50");
    expect(money(5, "USD", "en-US")).toBe("$0.05");
    expect(money(3000.4, "USD", "en-US")).toBe("$30.00");
    expect([minorDigits("JPY"), minorDigits("BHD"), minorDigits("USD")]).toEqual([0, 3, 2]);
  });

  it("groups thousands en-US style when the engine knows no separators for the locale", () => {
    // WebKit under a bare X server formats "$ 209185.90": no group separator in its parts.
    const spy = vi.spyOn(Intl, "NumberFormat").mockImplementation(function () {
      return {
          formatToParts: () => [
            { type: "currency", value: "€" },
            { type: "literal", value: " " },
            { type: "integer", value: "1234567" },
            { type: "decimal", value: "." },
            { type: "fraction", value: "50" },
          ],
        } as unknown as Intl.NumberFormat;
    });
    try {
      expect(numberStyle("en-XA")).toEqual({ group: ",", decimal: ".", symbolAfter: false });
      expect(money(20918590, "USD", "en-XA")).toBe("$209,185.90");
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("says one and many right", () => {
    expect(plural(1, "customer")).toBe("1 customer");
    expect(plural(0, "customer")).toBe("0 customers");
    expect(plural(2, "record")).toBe("2 records");
    expect(plural(1, "story", "stories")).toBe("1 story");
    expect(plural(3, "story", "stories")).toBe("3 stories");
    expect(plural(12345, "order")).toMatch(/^12.345 orders$/);
  });

  it("says what K and a return on spend mean beside the number", () => {
    expect(kMeaning(0.28)).toBe("each customer brought 0.28 new customers through referrals");
    expect(kMeaning(null)).toBe("no customers to count yet");
    expect(returnMeaning(119.28, "USD", "en-US")).toBe("every $1.00 spent brought back $119.28 in revenue");
    expect(returnMeaning(2, "JPY", "en-US")).toBe("every ¥1 spent brought back ¥2 in revenue");
    expect(returnMeaning(null, "USD")).toBe("no spend recorded");
    expect(decimal(11928.4, 0, "en-US")).toBe("11,928");
    expect(decimal(2.5, 1, "en-US")).toBe("2.5");
    expect(decimal(20, 1, "en-US")).toBe("20");
  });

  it("shows no average repeat order for a one-time buyer instead of $0.00", () => {
    expect(averageRepeatOrder(0, 0, "USD", "en-US")).toBe("—");
    expect(averageRepeatOrder(2, 4550, "USD", "en-US")).toBe("$45.50");
    expect(averageRepeatOrder(1, null, "USD", "en-US")).toBe("—");
  });

  it("shows days without shifting them across time zones", () => {
    expect(shortDate("2024-03-05", "en-GB")).toBe("5 Mar 2024");
    expect(shortDate(null)).toBe("");
    expect(shortDate("not a date")).toBe("not a date");
  });

  it("shows a stage placed at the start of a purchase's day on that day in every time zone", () => {
    // West of UTC the start of a UTC day is still the evening before; other instants show the
    // local day. Node follows a change of TZ at once (the UI's types do not know `process`).
    const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
    const zone = env.TZ;
    try {
      env.TZ = "America/New_York";
      expect(shortDate("2025-11-10T00:00:00Z", "en-GB")).toBe("10 Nov 2025");
      expect(shortDate("2025-11-10", "en-GB")).toBe("10 Nov 2025");
      expect(shortDate("2025-11-10T03:00:00Z", "en-GB")).toBe("9 Nov 2025");
      env.TZ = "Asia/Tokyo";
      expect(shortDate("2025-11-10T00:00:00Z", "en-GB")).toBe("10 Nov 2025");
      expect(shortDate("2025-11-10T23:30:00Z", "en-GB")).toBe("11 Nov 2025");
    } finally {
      if (zone === undefined) delete env.TZ;
      else env.TZ = zone;
    }
  });

  it("turns keys and tag text into display values", () => {
    expect(humanKey("organic_search")).toBe("Organic Search");
    expect(splitTags("vip, wholesale ,,")).toEqual(["vip", "wholesale"]);
  });

  it("shows sizes, progress and file names", () => {
    expect(fileSize(830)).toBe("830 B");
    expect(fileSize(12_400)).toBe("12.4 KB");
    expect(fileSize(81_468_097)).toBe("81.5 MB");
    expect(progressPercent(1, 4)).toBe(25);
    expect(progressPercent(5, 0)).toBe(0);
    expect(progressPercent(9, 4)).toBe(100);
    expect(baseName("/home/ann/orders.csv")).toBe("orders.csv");
    expect(baseName("C:\\Users\\ann\\orders.csv")).toBe("orders.csv");
  });
});

describe("flipped funnel text", () => {
  it("counts days and scores", () => {
    expect(days(1)).toBe("1 day");
    expect(days(12)).toBe("12 days");
    expect(days(15.5)).toBe("15.5 days");
    expect(days(null)).toBe("—");
    expect(npsText(25)).toBe("+25");
    expect(npsText(-100)).toBe("−100");
    expect(npsText(0.2)).toBe("0");
    expect(npsText(null)).toBe("—");
    expect(stars(4)).toBe("★★★★☆");
    expect(stars(null)).toBe("");
    expect(moneyOrDash(2500.4, "USD", "en-US")).toBe("$25.00");
    expect(moneyOrDash(null, "USD")).toBe("—");
  });

  it("says why a customer is worth asking", () => {
    expect(readyReason({ kind: "repeat_buyer", points: 2, value: 3, day: null })).toBe("Bought on 3 different days");
    expect(readyReason({ kind: "recent_promoter", points: 3, value: 9, day: "2024-03-01" }, "en-GB")).toBe(
      "Promoter: answered 9 on 1 Mar 2024",
    );
    expect(readyReason({ kind: "recent_purchase", points: 1, value: 12, day: null })).toBe("Bought 12 days ago");
    expect(readyReason({ kind: "recent_purchase", points: 1, value: 0, day: null })).toBe("Bought today");
    expect(readyReason({ kind: "not_asked", points: 1, value: 0, day: null })).toBe("Not asked yet");
    expect(readyReason({ kind: "likely_to_stay", points: 1, value: 84, day: null })).toBe("Likely to stay: 84 % chance still active");
    expect(readyReason({ kind: "high_value", points: 2, value: 41250, day: null })).toBe("Among the top quarter by predicted 12-month value");
  });

  it("writes a timeline line per kind", () => {
    const base: TimelineEntry = {
      at: "2024-03-05",
      kind: "purchase",
      ref_id: 1,
      text: "Website",
      stage: null,
      amount_minor: 6000,
      refunded_minor: 1000,
      currency: "USD",
      score: null,
      other_id: null,
      other_name: null,
      by: null,
    };
    expect(timelineText(base, "en-US")).toBe("Bought Website for $60.00, $10.00 refunded");
    expect(timelineText({ ...base, refunded_minor: 0 }, "en-US")).toBe("Bought Website for $60.00");
    expect(timelineText({ ...base, kind: "stage", stage: "customer", text: "first purchase" })).toBe(
      "Customer (first purchase)",
    );
    expect(timelineText({ ...base, kind: "nps", score: 9, text: "Great" })).toBe("Answered NPS 9: “Great”");
    expect(timelineText({ ...base, kind: "referred_by", other_name: "Ann Lee" })).toBe("Referred by Ann Lee");
    expect(timelineText({ ...base, kind: "testimonial_approved", text: "Fast" })).toBe("Testimonial approved “Fast”");
  });
});

describe("periods", () => {
  it("counts back from the last day, inclusive", () => {
    expect(periodStart("30d", "2024-03-30")).toBe("2024-03-01");
    expect(periodStart("12m", "2024-12-30")).toBe("2024-01-01");
    expect(periodStart("all", "2024-03-30")).toBeNull();
    expect(periodStart("90d", "soon")).toBeNull();
  });
});

describe("chains", () => {
  it("names generations", () => {
    expect([0, 1, 2, 3, 4, 11, 12, 21, 22].map(generationLabel)).toEqual([
      "All", "Direct", "2nd", "3rd", "4th", "11th", "12th", "21st", "22nd",
    ]);
  });
});
