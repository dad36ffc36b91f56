// Data a view shows, kept fresh: loaded when the view opens, loaded again whenever a write
// changes one of its areas, with the error of the last load to show in its place.
import { AppError, onDataChanged, type Area } from "./api";

export interface Live<T> {
  /** The last answer, or null before the first arrives. */
  readonly data: T | null;
  /** Why the last load failed; empty once a load succeeds. */
  readonly error: string;
  /** Loads again now (after a write whose answer the view awaits, say). */
  reload(): Promise<void>;
}

/** Loads with `fetch` at once and again on every change to one of `areas` (or to `all`). An
 * answer that arrives after a newer load started is dropped, so a slow old load never shows over
 * a newer one. State read by `fetch` before its first await (a prop such as a contact id) also
 * reloads it when it changes. Call while a component initialises: it sets up an effect. */
export function live<T>(areas: readonly Area[], fetch: () => Promise<T>): Live<T> {
  let data = $state<T | null>(null);
  let error = $state("");
  let latest = 0;

  async function reload() {
    const mine = ++latest;
    try {
      const value = await fetch();
      if (mine !== latest) return;
      data = value;
      error = "";
    } catch (e) {
      if (mine !== latest) return;
      // A team database that cannot be reached: keep showing what was loaded (the window's
      // banner says it is away, and the view reloads when it is back).
      if (e instanceof AppError && e.code === "offline" && data !== null) return;
      error = e instanceof Error ? e.message : String(e);
    }
  }

  $effect(() => {
    reload();
    return onDataChanged(areas, reload);
  });

  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    reload,
  };
}
