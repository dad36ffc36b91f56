// The one place the UI talks to the shell: typed commands from the generated bindings, with
// failures turned into AppError so a form can put the message beside the field at fault.
import { touches, type Area } from "./areas";
import { commands, events, type AppError as AppErrorData, type ErrorCode } from "./bindings";

export { commands, events };
export type { Area };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | null;
  constructor(data: AppErrorData) {
    super(data.message);
    this.code = data.code;
    this.field = data.field;
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppErrorData };

/** Awaits a command and returns its data, or throws AppError with the core's code and field. */
export async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const outcome = await pending;
  if (outcome.status === "error") throw new AppError(outcome.error);
  return outcome.data;
}

/** The field the core names when a record changed since its form opened (core `stale.rs`): the
 * form shows the message with "keep mine" and "take theirs" instead of beside one input. */
export const STALE = "changed_since_opened";

/** Field → message, for the form that made the failed call; anything else goes to `form`. */
export function fieldErrors(e: unknown): Record<string, string> {
  if (e instanceof AppError) return { [e.field ?? "form"]: e.message };
  return { form: e instanceof Error ? e.message : String(e) };
}

/** Calls `handle` with each payload of a shell event until the returned unsubscribe is called
 * (even if that comes before the subscription is in place). */
function subscribe<T>(
  event: { listen: (cb: (e: { payload: T }) => void) => Promise<() => void> },
  handle: (payload: T) => void,
): () => void {
  let stop: (() => void) | undefined;
  let stopped = false;
  event
    .listen((e) => handle(e.payload))
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    });
  return () => {
    stopped = true;
    stop?.();
  };
}

/** Re-runs `reload` whenever the shell reports a change in one of `areas` (or in `all`: sample
 * data, a restore). Returns the unsubscribe. */
export function onDataChanged(areas: readonly Area[], reload: () => void): () => void {
  return subscribe(events.dataChanged, (p) => {
    if (touches(areas, p.areas)) reload();
  });
}

/** Calls `told` with "" when the team database answers and with the reason when it cannot be
 * reached: once at once (asked of the shell), then on each change. Returns the unsubscribe. */
export function onReachability(told: (offline: string) => void): () => void {
  let stopped = false;
  const say = (r: { online: boolean; reason: string }) => {
    if (!stopped) told(r.online ? "" : r.reason || "unreachable");
  };
  call(commands.dbReachable()).then(say, () => {});
  const stop = subscribe(events.reachability, say);
  return () => {
    stopped = true;
    stop();
  };
}
