// The sentence shown for purchases in another currency than the shop's, worded as the core's
// `currencies::sentence` (the CLI prints that one), with the amount formatted for the reader.
import type { CurrencyFigures } from "./bindings";
import { money } from "./format";

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 customers buy only in EUR, not counted in USD figures (6 purchases, €1,714.89)." */
export function otherCurrencySentence(c: CurrencyFigures, shop: string, locale?: string): string {
  const purchases = count(c.purchases, "purchase", "purchases");
  const total = money(c.total_minor, c.currency, locale);
  const also = c.customers - c.only_customers;
  if (c.only_customers === 0) {
    return `${purchases} in ${c.currency} (${total}), by ${count(also, "customer", "customers")} who also buy in another currency, are not counted in ${shop} figures.`;
  }
  const who = c.only_customers === 1 ? "1 customer buys" : `${c.only_customers} customers buy`;
  let out = `${who} only in ${c.currency}, not counted in ${shop} figures (${purchases}, ${total})`;
  if (also > 0) out += `; ${also === 1 ? "1 more customer also buys" : `${also} more customers also buy`} in ${c.currency}`;
  return `${out}.`;
}
