import { describe, expect, it } from "vitest";
import { CONSENT_CHANNELS, CONSENT_CHANNEL_LABELS, channelsText } from "./consent";

describe("consent channels", () => {
  it("lists the core's set in its order, each with a label", () => {
    expect(CONSENT_CHANNELS).toEqual(["website", "social", "email", "ads", "print", "case_study", "sales_deck", "other"]);
    for (const c of CONSENT_CHANNELS) expect(CONSENT_CHANNEL_LABELS[c]).toMatch(/^[A-Z]/);
  });

  it("reads channels as words", () => {
    expect(channelsText(["website", "case_study"])).toBe("Website, Case study");
    expect(channelsText([])).toBe("");
  });
});
