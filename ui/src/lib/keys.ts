// The keyboard patterns every list and side panel shares (one place, so each page behaves alike).
//
// `opens`: a table row (or card) that opens something takes the focus with Tab and opens with Enter
// or Space as well as with a click. Clicks on a control inside the row (a checkbox, a link) are the
// control's own, not the row's.
//
// `panel`: a side panel or dialog. When it appears the focus goes to its first field (or to the
// panel itself when it has none); Escape closes it; when it goes the focus returns to what opened
// it. A panel that replaces another (a contact's details giving way to its form, the form giving
// way to the details after a save) takes over the first one's opener, so the focus stays with the
// user's place through the whole exchange.

import type { Action } from "svelte/action";

const CONTROLS = "a, button, input, select, textarea, label, [role=combobox], [role=option]";

export const opens: Action<HTMLElement, () => void> = (node, open) => {
  let handler = open;
  if (!node.hasAttribute("tabindex")) node.tabIndex = 0;
  node.classList.add("opens");
  const onclick = (e: MouseEvent) => {
    const target = e.target as HTMLElement | null;
    if (target && target !== node && target.closest(CONTROLS)) return;
    handler();
  };
  const onkeydown = (e: KeyboardEvent) => {
    if (e.target !== node || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      handler();
    }
  };
  node.addEventListener("click", onclick);
  node.addEventListener("keydown", onkeydown);
  return {
    update(next) {
      handler = next;
    },
    destroy() {
      node.removeEventListener("click", onclick);
      node.removeEventListener("keydown", onkeydown);
    },
  };
};

const FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

// The opener of each open panel, and the one a panel that just went left behind for its successor.
const openers = new WeakMap<HTMLElement, HTMLElement | null>();
const replaced = new WeakSet<HTMLElement>();
let handoff: { opener: HTMLElement | null; timer: ReturnType<typeof setTimeout> } | null = null;

function focusable(el: Element | null): el is HTMLElement {
  return el instanceof HTMLElement && el.isConnected && el !== document.body;
}

export const panel: Action<HTMLElement, (() => void) | undefined> = (node, close) => {
  let onclose = close;
  node.setAttribute("data-panel", "");
  if (!node.hasAttribute("tabindex")) node.tabIndex = -1;

  // Who opened it: what had the focus, unless that was inside a panel being replaced.
  const active = document.activeElement;
  const within = active instanceof HTMLElement ? active.closest<HTMLElement>("[data-panel]") : null;
  let opener: HTMLElement | null;
  if (handoff) {
    opener = handoff.opener;
    clearTimeout(handoff.timer);
    handoff = null;
  } else if (within && within !== node && openers.has(within)) {
    opener = openers.get(within) ?? null;
    replaced.add(within);
  } else {
    opener = focusable(active) ? active : null;
  }
  openers.set(node, opener);

  // Into its first field once it has drawn (a panel that loads its record fills in a moment later).
  let tries = 0;
  const settle = () => {
    if (!node.isConnected) return;
    const field = node.querySelector<HTMLElement>(FIELDS);
    if (node.contains(document.activeElement) && document.activeElement !== node) return;
    if (field) field.focus();
    else {
      node.focus({ preventScroll: true });
      if (++tries < 10) setTimeout(settle, 50);
    }
  };
  requestAnimationFrame(settle);

  // Escape closes it, from inside it or from the page behind it (the row that opened it), unless a
  // field elsewhere has the focus. Listened for on the window, so a control inside that uses Escape
  // itself (a picker closing its list) has had its turn first: Svelte handles `onkeydown` at the root.
  const onwindow = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented || !onclose) return;
    const target = e.target as HTMLElement | null;
    if (target && !node.contains(target) && target.closest("[data-panel], input, select, textarea")) return;
    e.preventDefault();
    onclose();
  };
  window.addEventListener("keydown", onwindow);

  return {
    update(next) {
      onclose = next;
    },
    destroy() {
      window.removeEventListener("keydown", onwindow);
      const hadFocus = node.contains(document.activeElement) || document.activeElement === document.body || !document.activeElement;
      const back = openers.get(node) ?? null;
      openers.delete(node);
      if (!hadFocus || replaced.has(node)) return;
      // Give a panel that replaces this one the chance to take the opener over; else focus it.
      const timer = setTimeout(() => {
        handoff = null;
        if (focusable(back)) back.focus();
      }, 0);
      handoff = { opener: back, timer };
    },
  };
};
