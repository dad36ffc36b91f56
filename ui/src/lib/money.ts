// Typed money goes to the core's one money reader (the same one the import and the CLI use), so
// `12,50`, `1.234,50` or `€12,50` mean in a form what they mean everywhere, and what is ambiguous
// (`1,234` when the shop's decimal mark is auto) is refused beside the field — never scaled here.
import { call, commands } from "./api";

/**
 * Minor units of `currency` for what was typed, read by the core with the shop's decimal mark.
 * Throws the core's AppError on `field` when it cannot be read, for `fieldErrors` to place.
 */
export function readMoney(field: string, text: string, currency: string): Promise<number> {
  return call(commands.moneyRead(field, text, currency || "USD"));
}
