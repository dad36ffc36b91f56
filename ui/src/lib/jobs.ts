// Long jobs (imports, exports, backups) report progress through a channel and can be cancelled
// by the id the window gave them.
import { Channel } from "@tauri-apps/api/core";

let next = 0;

/** A job id unique in this window. */
export function jobId(kind: string): string {
  next += 1;
  return `${kind}-${Date.now()}-${next}`;
}

/** A channel whose messages go to `onmessage`. */
export function progressChannel<T>(onmessage: (p: T) => void): Channel<T> {
  const channel = new Channel<T>();
  channel.onmessage = onmessage;
  return channel;
}
