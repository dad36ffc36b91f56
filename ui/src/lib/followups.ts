// Small helpers of the Follow-ups page and the "ask, due in N days" fields: day arithmetic on the
// core's `YYYY-MM-DD` days (never the browser's clock, so the window and the core agree on today)
// and counts with their plural.

/** The day `n` days after `day` (`YYYY-MM-DD`), computed in UTC so no time zone shifts it. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** "1 follow-up", "3 follow-ups", "no follow-ups". */
export function followupCount(n: number): string {
  if (n === 0) return "no follow-ups";
  return `${n} ${n === 1 ? "follow-up" : "follow-ups"}`;
}

/** The heading line of the page: "1 follow-up due today · 2 overdue". */
export function dueSummary(today: number, overdue: number): string {
  const parts = [`${followupCount(today)} due today`];
  if (overdue) parts.push(`${overdue} overdue`);
  return parts.join(" · ");
}

/** How far a due day is from today, in words: "today", "tomorrow", "in 3 days", "2 days late". */
export function dueIn(due: string, today: string): string {
  const n = Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (n === 0) return "today";
  if (n === 1) return "tomorrow";
  if (n === -1) return "1 day late";
  return n > 0 ? `in ${n} days` : `${-n} days late`;
}

/** The rules of an "in how many days" field, for `readWhole`. */
export const DAYS_RULES = { min: 0, max: 366, label: "Due in (days)" };
