import { describe, expect, it } from "vitest";
import { otherCurrencySentence } from "./currencies";

const eur = (only_customers: number, customers: number, purchases: number, total_minor: number) => ({
  currency: "EUR",
  only_customers,
  customers,
  purchases,
  total_minor,
});

describe("other currencies", () => {
  it("says who is left out of the shop-currency figures, as the core says it", () => {
    expect(otherCurrencySentence(eur(3, 3, 6, 171489), "USD", "en-US")).toBe(
      "3 customers buy only in EUR, not counted in USD figures (6 purchases, €1,714.89).",
    );
    expect(otherCurrencySentence(eur(1, 2, 2, 4500), "USD", "en-US")).toBe(
      "1 customer buys only in EUR, not counted in USD figures (2 purchases, €45.00); 1 more customer also buys in EUR.",
    );
    expect(otherCurrencySentence(eur(0, 2, 2, 500), "USD", "en-US")).toBe(
      "2 purchases in EUR (€5.00), by 2 customers who also buy in another currency, are not counted in USD figures.",
    );
  });
});
