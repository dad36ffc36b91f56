// Reading a whole number typed into a form (lead score, points, hours, quantity, visitors, a
// rating, an NPS score). Every number field reads its text here, so nothing a person types is
// silently turned into 0 or dropped: what cannot be read is refused with a message that goes
// beside the field.
//
// What is accepted: digits with an optional sign, surrounded by any spaces (` 12 `, `-5`, `+5`),
// and digits grouped by threes with spaces (`1 000`, `12 500 000`), since a space never means a
// decimal point. What is refused: letters (`abc`), decimals and anything that could be one
// (`12.5`, `12,5`, `1,000` and `1.000`, which mean a thousand in some shops and one in others),
// exponents (`1e3`), a blank field when the field is required, and a number outside the field's
// range. The core checks the range again, so nothing out of range is stored whatever calls it.

export type WholeRules = {
  /** Smallest and largest value the field takes. */
  min: number;
  max: number;
  /** The field's name as the label shows it, for the message, e.g. "Lead score". */
  label: string;
  /** When false, a blank field reads as `null` (e.g. an optional rating). Default true. */
  required?: boolean;
};

export type WholeRead = { ok: true; value: number | null } | { ok: false; message: string };

const PLAIN = /^[+-]?\d+$/;
const GROUPED = /^[+-]?\d{1,3}(?: \d{3})+$/;

/** Reads `text` as a whole number within `rules`, or says why it cannot. */
export function readWhole(text: string, rules: WholeRules): WholeRead {
  const { min, max, label } = rules;
  const range = `${label}: enter a whole number from ${min} to ${max}`;
  // Any kind of space (no-break, thin) counts as a space; runs of them as one.
  const t = text.replace(/[\s\u00a0\u2007\u202f]+/g, " ").trim();
  if (t === "") {
    return rules.required === false ? { ok: true, value: null } : { ok: false, message: `${range}; it cannot be blank.` };
  }
  if (!PLAIN.test(t) && !GROUPED.test(t)) {
    const why = /[.,]/.test(t) && /\d/.test(t) ? "without decimals or separators" : "using digits only";
    return { ok: false, message: `${range}, ${why} ("${text.trim()}" is not one).` };
  }
  const value = Number(t.replace(/ /g, ""));
  if (!Number.isSafeInteger(value) || value < min || value > max) return { ok: false, message: `${range}.` };
  // -0 reads as 0.
  return { ok: true, value: value === 0 ? 0 : value };
}

/**
 * Reads every whole-number field of a form at once. Returns the values when all are readable,
 * and otherwise the message for each field at fault (keyed by the core's field name).
 */
export function readWholes<K extends string>(
  fields: Record<K, [string, WholeRules]>,
): { ok: true; values: Record<K, number | null> } | { ok: false; errors: Partial<Record<K, string>> } {
  const values = {} as Record<K, number | null>;
  const errors: Partial<Record<K, string>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const [text, rules] = fields[key];
    const r = readWhole(text, rules);
    if (r.ok) values[key] = r.value;
    else errors[key] = r.message;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values };
}

/**
 * The errors a form shows after its own check refused some fields: the new messages, and the
 * messages already shown beside the other fields (which the refusal must not clear).
 */
export function keepOthers(shown: Record<string, string>, fresh: Record<string, string>, checked: string[]) {
  const kept = Object.fromEntries(Object.entries(shown).filter(([k]) => !checked.includes(k) && k !== "form"));
  return { ...kept, ...fresh };
}
