// Display text for values the core returns. Formatting only: no figure is computed here.
import type { Stage } from "./bindings";

export const STAGE_LABELS: Record<Stage, string> = {
  subscriber: "Subscriber",
  lead: "Lead",
  mql: "Marketing qualified",
  sql: "Sales accepted",
  opportunity: "Opportunity",
  customer: "Customer",
  disqualified: "Disqualified",
  lost: "Lost",
};

export const STAGES = Object.keys(STAGE_LABELS) as Stage[];

export function stageLabel(stage: Stage): string {
  return STAGE_LABELS[stage];
}

/** "Ann Lee", or the email, or a placeholder: the same rule as the core's display_name. */
export function personName(first: string, last: string, email: string | null): string {
  const name = `${first} ${last}`.trim();
  return name || email || "(no name)";
}

/** Integer minor units to a localised amount, e.g. 123456 USD -> "$1,234.56". */
export function money(minor: number, currency: string, locale?: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** digits);
}

/** A stored UTC instant or day as a short local date ("5 Mar 2024"). */
export function shortDate(iso: string | null, locale?: string): string {
  if (!iso) return "";
  const d = iso.length === 10 ? new Date(`${iso}T00:00:00`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locale, { day: "numeric", month: "short", year: "numeric" });
}

/** "Organic Search" from "organic_search" for channels the UI has not loaded names for. */
export function humanKey(key: string): string {
  return key
    .split("_")
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
}

/** Splits "vip, wholesale ,," into ["vip", "wholesale"]. */
export function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}
