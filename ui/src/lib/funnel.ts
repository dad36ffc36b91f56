// Display helpers for the funnel: formatting what the core computed, the default range of days,
// and the plain number a money field starts with (typed money is read by the core: lib/money.ts). No figure is computed here.

import { decimal, minorDigits } from "./format";

/** A fraction from the core (0.025) as a percentage ("2.5 %"); "—" when the core gave none. */
export function percent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  const p = rate * 100;
  return `${decimal(p, p < 10 ? 1 : 0)} %`;
}

/** Hours from the core as "45 min", "5.5 h" or "3.2 d"; "—" when there were none to measure. */
export function duration(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return "—";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${round1(hours)} h`;
  return `${round1(hours / 24)} d`;
}

function round1(n: number): string {
  return decimal(n, 1);
}

/** Seconds left on an SLA as "5 h 03 min left" or, past it, "2 h 10 min over". */
export function countdown(seconds: number): string {
  const over = seconds < 0;
  const s = Math.abs(Math.trunc(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  let text: string;
  if (d > 0) text = `${d} d ${h} h`;
  else if (h > 0) text = `${h} h ${String(m).padStart(2, "0")} min`;
  else if (m > 0) text = `${m} min`;
  else text = `${s % 60} s`;
  return over ? `${text} over` : `${text} left`;
}

/** Seconds from `nowMs` until the instant `iso` (negative once it has passed). */
export function secondsUntil(iso: string, nowMs: number): number {
  return Math.floor((Date.parse(iso) - nowMs) / 1000);
}

/** A UTC day `YYYY-MM-DD` for a Date. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The default report range: the 90 days up to and including today (UTC). */
export function defaultRange(now: Date = new Date()): { from: string; to: string } {
  const from = new Date(now.getTime() - 89 * 86400_000);
  return { from: isoDay(from), to: isoDay(now) };
}

/** The calendar months `YYYY-MM` the days `from`–`to` touch, oldest first (empty if unreadable). */
export function monthsBetween(from: string, to: string): string[] {
  const f = /^(\d{4})-(\d{2})/.exec(from);
  const t = /^(\d{4})-(\d{2})/.exec(to);
  if (!f || !t) return [];
  let y = Number(f[1]);
  let m = Number(f[2]);
  const end = Number(t[1]) * 12 + Number(t[2]);
  const out: string[] = [];
  while (y * 12 + m <= end && out.length < 240) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** Minor units as the plain number a money field shows ("200.00"). */
export function fromMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}
