// Which views reload after a write: the shell's DataChanged event names the areas a write
// changed (the core's `areas.rs`, one list per write path), typed as `Area` from the bindings.
import type { Area } from "./bindings";

export type { Area };

/** Whether a view that shows `shown` must reload after a write that changed `changed`;
 * `all` (sample data, a restore) reloads every view. */
export function touches(shown: readonly Area[], changed: readonly Area[]): boolean {
  return changed.some((a) => a === "all" || shown.includes(a));
}
