// Display text for values the core returns. Formatting only: no figure is computed here.
import type { ImportField, Stage } from "./bindings";
import type { ReadyReason, ReferralFlag, ReferralStatus, RewardStatus, TestimonialStatus, TimelineEntry } from "./bindings";

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

/** Digits after the decimal mark: the same table as the core's `validate::minor_digits`. */
export function minorDigits(currency: string): number {
  if (/^(BIF|CLP|DJF|GNF|ISK|JPY|KMF|KRW|PYG|RWF|UGX|VND|VUV|XAF|XOF|XPF)$/.test(currency)) return 0;
  if (/^(BHD|IQD|JOD|KWD|LYD|OMR|TND)$/.test(currency)) return 3;
  return 2;
}

/** Symbols a reader knows; any other currency shows its code ("CHF 12.50"). */
const SYMBOLS: Record<string, string> = {
  USD: "$", EUR: "€", GBP: "£", JPY: "¥", INR: "₹", KRW: "₩", ILS: "₪", NGN: "₦", VND: "₫", PHP: "₱",
  UAH: "₴", CAD: "CA$", AUD: "A$", NZD: "NZ$", HKD: "HK$", MXN: "MX$", BRL: "R$", CNY: "CN¥", TWD: "NT$",
};

/** How a locale writes an amount: its separators and whether the symbol follows the number. */
export interface NumberStyle {
  group: string;
  decimal: string;
  symbolAfter: boolean;
}

/** en-US: "$1,234.56". Used when the engine knows no separators for the locale. */
export const EN_STYLE: NumberStyle = { group: ",", decimal: ".", symbolAfter: false };

const styles = new Map<string, NumberStyle>();

/**
 * The separators of `locale` (the OS/browser locale when none is given) as the engine's locale
 * data gives them; en-US style when it gives no grouping (WebKit under a bare X server shows
 * "$ 209185.90"), so an amount always has its thousands separated.
 */
export function numberStyle(locale?: string): NumberStyle {
  const key = locale ?? "";
  const known = styles.get(key);
  if (known) return known;
  let style = EN_STYLE;
  try {
    const parts = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).formatToParts(1234567.5);
    const group = parts.find((p) => p.type === "group")?.value;
    const decimal = parts.find((p) => p.type === "decimal")?.value;
    if (group && decimal && group !== decimal) {
      const at = (t: string) => parts.findIndex((p) => p.type === t);
      style = { group, decimal, symbolAfter: at("currency") > at("integer") };
    }
  } catch {
    style = EN_STYLE;
  }
  styles.set(key, style);
  return style;
}

/** Digits in groups of three: "1234567" -> "1,234,567". */
function grouped(digits: string, sep: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * Minor units to an amount with the currency's own symbol and decimals and the thousands
 * separated: 20918590 USD -> "$209,185.90", 1200 JPY -> "¥1,200", 1234567 BHD -> "BHD 1,234.567";
 * in a locale that writes "1.714,89 €" it follows that. Never the engine's grouping alone.
 */
export function money(minor: number, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  const style = numberStyle(locale);
  const whole = Math.round(Math.abs(minor));
  const text = String(whole).padStart(digits + 1, "0");
  const int = grouped(text.slice(0, text.length - digits), style.group);
  const number = digits ? `${int}${style.decimal}${text.slice(-digits)}` : int;
  const sign = minor < 0 && whole !== 0 ? "-" : "";
  const symbol = SYMBOLS[currency];
  if (style.symbolAfter) return `${sign}${number}\u00a0${symbol ?? currency}`;
  return symbol ? `${sign}${symbol}${number}` : `${sign}${currency}\u00a0${number}`;
}

/** A number with at most `fractionDigits` decimals (none shown when zero) and its thousands
 * separated by the locale's rule above: 11928.4 -> "11,928", 2.5 -> "2.5". */
export function decimal(value: number, fractionDigits = 0, locale?: string): string {
  const style = numberStyle(locale);
  const scaled = Math.round(Math.abs(value) * 10 ** fractionDigits);
  const text = String(scaled).padStart(fractionDigits + 1, "0");
  const int = grouped(text.slice(0, text.length - fractionDigits), style.group);
  const frac = fractionDigits ? text.slice(-fractionDigits).replace(/0+$/, "") : "";
  return `${value < 0 && scaled !== 0 ? "-" : ""}${int}${frac ? `${style.decimal}${frac}` : ""}`;
}

/** What a viral coefficient K means, said beside it. */
export function kMeaning(k: number | null): string {
  if (k === null || !Number.isFinite(k)) return "no customers to count yet";
  return `each customer brought ${k.toFixed(2)} new customers through referrals`;
}

/** What a return on spend (revenue ÷ spend) means, said beside it: "every $1.00 spent brought back $119.28". */
export function returnMeaning(rate: number | null, currency: string, locale?: string): string {
  if (rate === null || !Number.isFinite(rate)) return "no spend recorded";
  const unit = 10 ** minorDigits(currency);
  return `every ${money(unit, currency, locale)} spent brought back ${money(Math.round(rate * unit), currency, locale)} in revenue`;
}

/** "1 customer", "3 customers"; an irregular plural is given ("1 story", "2 stories"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  const count = Number.isInteger(n) ? grouped(String(Math.abs(n)), numberStyle().group) : String(Math.abs(n));
  return `${n < 0 ? "-" : ""}${count} ${n === 1 ? one : many}`;
}

/**
 * A stored UTC instant or day as a short local date ("5 Mar 2024"). An instant at exactly
 * 00:00:00 UTC stands for a whole day (a customer stage starts at the start of the purchase's
 * day), so it shows that day in every time zone, not the evening before west of UTC.
 */
export function shortDate(iso: string | null, locale?: string): string {
  if (!iso) return "";
  const day = iso.length === 10 ? iso : /^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(iso) ? iso.slice(0, 10) : null;
  const d = day ? new Date(`${day}T00:00:00Z`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: day ? "UTC" : undefined,
  });
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

/** A file size as a person reads it: "830 B", "12.4 KB", "81.5 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** How full a progress bar is, 0–100, from work done of a total (0 when the total is unknown). */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

/** The file name at the end of a path, whichever separator the OS uses. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** What each import field means, for the column-mapping choices. */
export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  email: "Email",
  first_name: "First name",
  last_name: "Last name",
  full_name: "Full name",
  phone: "Phone",
  company: "Company",
  segment: "Segment",
  tags: "Tags",
  notes: "Notes",
  source: "Source channel",
  stage: "Stage",
  lead_score: "Lead score",
  order_id: "Order id",
  date: "Date",
  amount: "Amount",
  amount_minor: "Amount in cents",
  tax: "Tax (added to amount)",
  refunded: "Refunded amount",
  currency: "Currency",
  product: "Product",
  quantity: "Quantity",
  status: "Payment status",
  cancelled_at: "Cancelled at",
  referral_code: "Referral or discount code",
};

// The flipped funnel: labels and sentences for what the core returns about customers, advocates,
// testimonials and referrals.

export const TESTIMONIAL_LABELS: Record<TestimonialStatus, string> = {
  requested: "Requested",
  received: "Received",
  approved: "Approved",
  published: "Published",
  declined: "Declined",
  withdrawn: "Withdrawn",
};

export const TESTIMONIAL_STATUSES = Object.keys(TESTIMONIAL_LABELS) as TestimonialStatus[];

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  referred: "Referred",
  lead: "Lead",
  qualified: "Qualified",
  customer: "Customer",
  lost: "Lost",
};

export const REWARD_LABELS: Record<RewardStatus, string> = {
  none: "No reward",
  owed: "Owed",
  paid: "Paid",
  void: "Void",
};

export const FLAG_LABELS: Record<ReferralFlag, string> = {
  self_referral: "Self-referral?",
  already_customer: "Already a customer",
  below_minimum: "First order below the minimum",
};

/** "1 day", "12 days"; "—" for none. */
export function days(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "—";
  const text = Number.isInteger(n) ? String(n) : n.toLocaleString("en", { maximumFractionDigits: 1 });
  return `${text} ${n === 1 ? "day" : "days"}`;
}

/** An NPS score from the core (−100 to 100) as "+25", "−100" or "0"; "—" without answers. */
export function npsText(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return "—";
  const r = Math.round(score);
  return r > 0 ? `+${r}` : r < 0 ? `−${-r}` : "0";
}

/** A 1–5 rating as stars ("★★★★☆"); blank without one. */
export function stars(rating: number | null): string {
  if (rating === null) return "";
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

/** Why a customer is worth asking, as a short sentence. */
export function readyReason(r: ReadyReason, locale?: string): string {
  switch (r.kind) {
    case "repeat_buyer":
      return `Bought on ${r.value} different days`;
    case "recent_promoter":
      return `Promoter: answered ${r.value} on ${shortDate(r.day, locale)}`;
    case "recent_purchase":
      return r.value === 0 ? "Bought today" : `Bought ${days(r.value)} ago`;
    case "not_asked":
      return "Not asked yet";
    case "likely_to_stay":
      return `Likely to stay: ${r.value} % chance still active`;
    case "high_value":
      return "Among the top quarter by predicted 12-month value";
  }
}

/** One line of a contact's timeline. */
export function timelineText(e: TimelineEntry, locale?: string): string {
  const amount = e.amount_minor !== null && e.currency ? money(e.amount_minor, e.currency, locale) : "";
  const quoted = (t: string) => (t ? ` “${t}”` : "");
  switch (e.kind) {
    case "stage":
      return `${e.stage ? stageLabel(e.stage) : "Stage"}${e.text ? ` (${e.text})` : ""}`;
    case "purchase": {
      const refunded =
        e.refunded_minor && e.currency ? `, ${money(e.refunded_minor, e.currency, locale)} refunded` : "";
      return `Bought ${e.text || "something"} for ${amount}${refunded}`;
    }
    case "testimonial_requested":
      return `Asked for a testimonial${e.text ? ` about ${e.text}` : ""}`;
    case "testimonial_received":
      return `Testimonial received${quoted(e.text)}`;
    case "testimonial_approved":
      return `Testimonial approved${quoted(e.text)}`;
    case "testimonial_published":
      return `Testimonial published${quoted(e.text)}`;
    case "consent_withdrawn":
      return `Withdrew consent for a testimonial${quoted(e.text)}`;
    case "nps":
      return `Answered NPS ${e.score ?? ""}${e.text ? `: “${e.text}”` : ""}`;
    case "referred":
      return `Referred ${e.other_name ?? "someone"}`;
    case "referred_by":
      return `Referred by ${e.other_name ?? "someone"}`;
    case "followup_due":
      return `To do: ${e.text}`;
    case "followup_done":
      return `Done: ${e.text}`;
  }
}

export type PeriodPreset = "30d" | "90d" | "12m" | "all";

export const PERIOD_LABELS: Record<PeriodPreset, string> = {
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "12m": "Last 12 months",
  all: "All time",
};

/** The first day (UTC, `YYYY-MM-DD`) of a period ending on `to`; `null` for all time. */
export function periodStart(preset: PeriodPreset, to: string): string | null {
  const back = { "30d": 29, "90d": 89, "12m": 364, all: null }[preset];
  if (back === null) return null;
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(end.getTime())) return null;
  return new Date(end.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** Like `money`, but "—" when the core had nothing to compute (no orders, no customers). */
export function moneyOrDash(minor: number | null, currency: string, locale?: string): string {
  return minor === null || !Number.isFinite(minor) ? "—" : money(minor, currency, locale);
}

/** Why the average repeat order of a customer who bought on one day only shows "—". */
export const NO_REPEAT_YET = "No repeat order yet: bought on one day only";

/**
 * A customer's average repeat order (the monetary value of buy-till-you-die models: the mean day
 * total over the days after the first). "—" for a one-time buyer, whose 0 is no amount they spent.
 */
export function averageRepeatOrder(frequency: number, monetary: number | null, currency: string, locale?: string): string {
  return frequency < 1 ? "—" : moneyOrDash(monetary, currency, locale);
}

/** A chain's generation: "Direct" for the advocate's own referrals, then "2nd", "3rd", "4th" …; "All" for 0. */
export function generationLabel(depth: number): string {
  if (depth === 0) return "All";
  if (depth === 1) return "Direct";
  const tens = depth % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[depth % 10] ?? "th";
  return `${depth}${suffix}`;
}
