// A small fake of the Flywheel shell, installed in the page before the app's own scripts run
// (`page.addInitScript`). It stands where Tauri's IPC stands: the generated bindings call
// `invoke` from @tauri-apps/api/core, which calls `window.__TAURI_INTERNALS__.invoke`, and events
// go through `transformCallback` and the `plugin:event|listen` / `plugin:event|unlisten` commands.
//
// Like the real shell, a command resolves with its data or rejects with the core's error object
// `{code, message, field}` (a plain object, never an Error: the bindings' `typedError` turns only
// a plain rejection into `{status: "error"}`), and a write emits `data-changed` with its areas.
//
// Options come from `window.__FLYWHEEL_MOCK__`, set by an init script added before this one:
//   empty            start with no contacts (the welcome screen); `sample_load` fills the fixtures
//   contacts         contacts to start with instead of the fixtures (fields not given get defaults)
//   extraContacts    this many generated contacts after the fixtures (to get more than one page)
//   freezePrototype  freeze Object.prototype after setup, as the app's tauri.conf.json asks Tauri to
//
// What tests read back: `window.__calls` (every invoke: `{cmd, args}`, args as JSON), and
// `window.__unknownCalls` (commands this fake does not answer; a test should expect none).
(() => {
  "use strict";
  const options = window.__FLYWHEEL_MOCK__ || {};
  const calls = [];
  const unknownCalls = [];
  window.__calls = calls;
  window.__unknownCalls = unknownCalls;

  // ---- fixture data -------------------------------------------------------------------------
  const CHANNELS = [
    ["organic_search", "Organic Search"],
    ["paid_search", "Paid Search"],
    ["email_marketing", "Email Marketing"],
    ["organic_social", "Organic Social"],
    ["paid_social", "Paid Social"],
    ["referrals", "Referrals"],
    ["direct_traffic", "Direct Traffic"],
    ["offline_sources", "Offline Sources"],
    ["other_campaigns", "Other Campaigns"],
  ].map(([key, name]) => ({ key, name, builtin: true, archived: false }));

  const FUNNEL = ["subscriber", "lead", "mql", "sql", "opportunity", "customer"];
  const STAGE_RANK = { subscriber: 0, lead: 1, mql: 2, sql: 3, opportunity: 4, customer: 5, disqualified: 6, lost: 7 };

  // [first, last, email, company, stage, source, segment, tags, lead score]
  const FIXTURES = [
    ["Ann", "Lee", "ann@leebakery.com", "Lee Bakery", "customer", "referrals", "local", ["vip"], 82],
    ["Bram", "de Vries", "bram@northwind.nl", "Northwind Traders", "mql", "organic_search", "wholesale", [], 76],
    ["Chidi", "Okafor", "chidi@okafor.studio", "Okafor Studio", "lead", "paid_search", "startup", ["design"], 40],
    ["Dana", "Whitfield", "dana@whitfield.co", "Whitfield & Co", "opportunity", "offline_sources", "agency", [], 64],
    ["Eun-ji", "Park", "eunji.park@example.org", "", "subscriber", "organic_social", "", ["newsletter"], 10],
    ["Farid", "Haddad", "farid@haddadcoffee.com", "Haddad Coffee", "sql", "email_marketing", "local", [], 71],
    ["Greta", "Lindqvist", "greta@lindqvist.se", "Lindqvist Design", "customer", "direct_traffic", "startup", ["repeat"], 90],
    ["Hiro", "Tanaka", null, "Tanaka Ramen", "lost", "offline_sources", "local", [], 25],
  ];

  const day = (n) => new Date(Date.UTC(2026, 0, 5 + n, 9, 30)).toISOString().replace(/\.\d{3}Z$/, "Z");

  let nextId = 1;
  let nextEventId = 1;
  const contacts = [];
  const history = new Map(); // contact id -> stage events, oldest first

  function makeContact(c) {
    const id = nextId++;
    const created = day(id % 40);
    const contact = {
      id,
      first_name: c.first_name ?? "",
      last_name: c.last_name ?? "",
      email: c.email ?? null,
      phone: c.phone ?? "",
      company: c.company ?? "",
      segment: c.segment ?? "",
      tags: c.tags ?? [],
      source: c.source || "other_campaigns",
      lead_score: c.lead_score ?? 0,
      notes: c.notes ?? "",
      stage: c.stage ?? "lead",
      stage_entered_at: created,
      archived: c.archived ?? false,
      created_at: created,
      updated_at: created,
      owner: null,
    };
    // The history walks the funnel up to the stage it is in (exits go from "lead").
    const path = FUNNEL.includes(contact.stage)
      ? FUNNEL.slice(1, FUNNEL.indexOf(contact.stage) + 1)
      : ["lead", contact.stage];
    if (contact.stage === "subscriber") path.splice(0, path.length, "subscriber");
    const events = path.map((stage, i) => ({
      id: nextEventId++,
      contact_id: id,
      stage,
      at: day((id % 40) + i * 3),
      actor: i === 0 ? "marketing" : stage === "sql" || stage === "opportunity" ? "sales" : "system",
      reason: c.reasons?.[i] ?? (i === 0 ? "created" : ""),
    }));
    contact.stage_entered_at = events[events.length - 1].at;
    history.set(id, events);
    contacts.push(contact);
    return contact;
  }

  function loadFixtures() {
    const given = options.contacts;
    if (given) given.forEach(makeContact);
    else
      FIXTURES.forEach(([first_name, last_name, email, company, stage, source, segment, tags, lead_score]) =>
        makeContact({ first_name, last_name, email, company, stage, source, segment, tags, lead_score }),
      );
    for (let i = 1; i <= (options.extraContacts ?? 0); i++) {
      const n = String(i).padStart(3, "0");
      makeContact({
        first_name: "Guest",
        last_name: `Buyer ${n}`,
        // Long addresses and names, as real lists have: they must not push the layout sideways.
        email: `guest${n}.orders-and-invoices@corner-shop-${n}.example.com`,
        company: i % 3 ? "" : `Corner Shop ${n} Wholesale & Retail Supplies Ltd`,
        stage: FUNNEL[i % FUNNEL.length],
        source: CHANNELS[i % CHANNELS.length].key,
        lead_score: (i * 7) % 100,
      });
    }
  }
  if (!options.empty) loadFixtures();

  // ---- rules the core owns, copied just far enough for the tests ------------------------------
  // A plain object, exactly what the shell's IPC rejects with.
  const fail = (code, message, field = null) => {
    throw { code, message, field };
  };

  function checkEmail(raw) {
    if (raw === null || raw === undefined || raw.trim() === "") return null;
    const e = raw.trim().toLowerCase();
    const at = e.indexOf("@");
    const local = at < 0 ? "" : e.slice(0, at);
    const domain = at < 0 ? "" : e.slice(at + 1);
    const ok =
      at > 0 &&
      domain.includes(".") &&
      !domain.startsWith(".") &&
      !domain.endsWith(".") &&
      !domain.includes("..") &&
      /^[\p{L}\p{N}.-]+$/u.test(domain) &&
      !/[\s@<>]/.test(local);
    if (!ok) fail("invalid", `'${raw.trim()}' is not an email address like name@example.com.`, "email");
    return e;
  }

  const findContact = (id) =>
    contacts.find((c) => c.id === id) ?? fail("not_found", `There is no contact ${id}.`);

  const nocase = (a, b) => a.localeCompare(b, "en", { sensitivity: "base" });
  const SORTS = {
    name: (a, b) => nocase(a.last_name, b.last_name) || nocase(a.first_name, b.first_name),
    email: (a, b) => (a.email ?? "").localeCompare(b.email ?? ""),
    company: (a, b) => nocase(a.company, b.company),
    stage: (a, b) => STAGE_RANK[a.stage] - STAGE_RANK[b.stage],
    source: (a, b) => a.source.localeCompare(b.source),
    lead_score: (a, b) => a.lead_score - b.lead_score,
    created: (a, b) => a.created_at.localeCompare(b.created_at),
  };

  function contactsList({ query: q }) {
    const needle = (q.search ?? "").trim().toLowerCase();
    let rows = contacts.filter(
      (c) =>
        (q.include_archived || !c.archived) &&
        (!q.stage || c.stage === q.stage) &&
        (!q.source || c.source === q.source) &&
        (!needle ||
          `${c.first_name} ${c.last_name}`.toLowerCase().includes(needle) ||
          (c.email ?? "").includes(needle) ||
          c.company.toLowerCase().includes(needle)),
    );
    const by = SORTS[q.sort ?? "name"];
    const dir = q.descending ? -1 : 1;
    // The email sort keeps contacts without one last in both directions, as the core's SQL does.
    rows = [...rows].sort((a, b) => {
      if (q.sort === "email" && (a.email === null) !== (b.email === null)) return a.email === null ? 1 : -1;
      return dir * (by(a, b) || a.id - b.id);
    });
    const limit = Math.min(Math.max(q.limit || 50, 1), 500);
    return { items: rows.slice(q.offset, q.offset + limit), total: rows.length, offset: q.offset, limit };
  }

  function contactsCreate({ input }) {
    const email = checkEmail(input.email);
    if (!input.first_name.trim() && !input.last_name.trim() && !email)
      fail("invalid", "Give a name or an email.", "first_name");
    if (email && contacts.some((c) => c.email === email))
      fail("conflict", `${email} belongs to another contact.`, "email");
    const c = makeContact({ ...input, email, stage: input.stage ?? "lead" });
    emit("data-changed", { areas: ["contacts", "stages"] });
    return c;
  }

  // The editable fields, as the core's stale check (core `stale.rs`) compares them.
  const EDITABLE = ["first_name", "last_name", "email", "phone", "company", "segment", "tags", "source", "lead_score", "notes", "owner"];

  /** A save refused when the contact changed since the form opened, as the core refuses it. */
  function contactsUpdate({ id, input, opened }) {
    const c = findContact(id);
    if (opened) {
      const changed = EDITABLE.filter((k) => JSON.stringify(opened[k] ?? null) !== JSON.stringify(c[k] ?? null));
      if (changed.length)
        fail("conflict", `Someone else changed this contact since you opened it: ${changed.join(", ")}.`, "changed_since_opened");
    }
    for (const k of EDITABLE) if (k in input) c[k] = input[k];
    emit("data-changed", { areas: ["contacts"] });
    return c;
  }

  /** A colleague's edit on another desktop (a test calls it), announced as the listener would. */
  window.__colleagueEdits = (id, changes) => {
    Object.assign(findContact(id), changes);
    emit("data-changed", { areas: ["contacts"] });
  };

  function contactFunnel({ contactId }) {
    const c = findContact(contactId);
    const rank = FUNNEL.indexOf(c.stage);
    const moves = [];
    if (rank >= 0) {
      FUNNEL.forEach((stage, i) => {
        if (i === rank) return;
        const kind = i === rank + 1 ? "forward" : i > rank ? "skip" : "back";
        moves.push({ stage, kind, needs_reason: kind !== "forward" });
      });
      moves.push({ stage: "disqualified", kind: "exit", needs_reason: true }, { stage: "lost", kind: "exit", needs_reason: true });
    } else {
      moves.push({ stage: "lead", kind: "reopen", needs_reason: true });
    }
    return {
      contact_id: c.id,
      stage: c.stage,
      stage_entered_at: c.stage_entered_at,
      score: { contact_id: c.id, entered: c.lead_score, rules: [], score: c.lead_score, threshold: 75 },
      moves,
      sla_due_at: null,
      sla_seconds_left: null,
    };
  }

  function contactFlywheel({ contactId }) {
    const c = findContact(contactId);
    const timeline = [...history.get(c.id)].reverse().map((ev) => ({
      at: ev.at,
      kind: "stage",
      ref_id: ev.id,
      text: ev.reason,
      stage: ev.stage,
      amount_minor: null,
      refunded_minor: null,
      currency: null,
      score: null,
      other_id: null,
      other_name: null,
    }));
    return {
      contact_id: c.id,
      customer: null,
      advocate: { contact_id: c.id, as_of: "2026-03-01", customer: c.stage === "customer", advocate: false, reasons: [] },
      latest_nps: null,
      referred_by: null,
      referrals_made: 0,
      timeline,
    };
  }

  function sampleLoad({ size }) {
    if (contacts.length) fail("conflict", "Sample data goes only into an empty database.");
    if (size !== "small" && size !== "large") fail("invalid", `Unknown sample size ${size}.`, "size");
    loadFixtures();
    emit("data-changed", { areas: ["all"] });
    const events = [...history.values()].reduce((n, h) => n + h.length, 0);
    return { contacts: contacts.length, purchases: 0, testimonials: 0, nps_answers: 0, referrals: 0, stage_events: events, followups: 0 };
  }

  // Duplicate suggestions run as a job in the shell: each search waits until the test answers it
  // (`window.__answerDuplicates([[keepId, mergeId, reason], ...])`) or the window cancels its job,
  // which then fails with the core's `cancelled` error, as the shell's does.
  const duplicateSearches = new Map(); // job id -> { resolve, reject }
  function mergeSuggestions({ jobId }) {
    return new Promise((resolve, reject) => duplicateSearches.set(jobId, { resolve, reject }));
  }
  window.__answerDuplicates = (pairs) => {
    const found = pairs.map(([keep, merge, reason]) => ({ keep: findContact(keep), merge: findContact(merge), reason }));
    for (const search of duplicateSearches.values()) search.resolve(found);
    duplicateSearches.clear();
  };
  function jobCancel({ jobId }) {
    const search = duplicateSearches.get(jobId);
    if (!search) return false;
    duplicateSearches.delete(jobId);
    search.reject({ code: "cancelled", message: "Cancelled; nothing was written.", field: null });
    return true;
  }

  const COMMANDS = {
    db_summary: () => ({ path: "/home/owner/.local/share/dev.flywheel.desktop/flywheel.db", schema_version: 12, contacts: contacts.length }),
    db_reachable: () => ({ online: true, reason: "" }),
    sample_load: sampleLoad,
    db_location: () => ({ team: false, label: "This computer: flywheel.db", file: "/home/owner/.local/share/dev.flywheel.desktop/flywheel.db", login: null }),
    team_form: () => ({ login: null, password_saved: false }),
    // The core's answer to a login, far enough for the form: a wrong password goes beside the password.
    team_test: ({ password }) =>
      password === "wrong"
        ? fail("invalid", 'Could not reach the team database: password authentication failed for user "ann"', "password")
        : { server_version: "15.8", schema_version: 16, note: "Ready to use." },
    channels_list: ({ includeArchived }) => CHANNELS.filter((ch) => includeArchived || !ch.archived),
    // A solo file: no people, no one logged in, no one recorded on a handoff.
    people_list: () => [],
    people_me: () => null,
    handoff_by_person: () => [],
    contacts_list: contactsList,
    contacts_get: ({ id }) => findContact(id),
    contacts_create: contactsCreate,
    contacts_update: contactsUpdate,
    stage_history: ({ contactId }) => (findContact(contactId), history.get(contactId)),
    contact_funnel: contactFunnel,
    contact_flywheel: contactFlywheel,
    // No codes given in these tests: the contact panel offers one from the first name.
    referral_code_card: ({ advocateId }) => {
      const c = findContact(advocateId);
      const stem = (c.first_name || "friend").replace(/[^A-Za-z]/g, "").toUpperCase() || "FRIEND";
      return { advocate_id: advocateId, code: null, message: null, suggestion: `${stem}10` };
    },
    imports_list: () => [],
    merges_list: () => [],
    merge_suggestions: mergeSuggestions,
    job_cancel: jobCancel,
  };

  // ---- the IPC surface -------------------------------------------------------------------------
  const callbacks = new Map();
  let nextCallback = 1;
  function transformCallback(callback, once = false) {
    const id = nextCallback++;
    callbacks.set(id, (data) => {
      if (once) callbacks.delete(id);
      return callback && callback(data);
    });
    return id;
  }
  const unregisterCallback = (id) => callbacks.delete(id);
  function runCallback(id, data) {
    const cb = callbacks.get(id);
    if (cb) cb(data);
  }

  const listeners = new Map(); // event name -> [{ eventId, handler }]
  let nextEventListener = 1;
  function emit(event, payload) {
    // Delivered after the command's answer, as the shell's event arrives after the reply.
    setTimeout(() => {
      for (const { eventId, handler } of [...(listeners.get(event) ?? [])]) runCallback(handler, { event, id: eventId, payload });
    }, 0);
  }
  const EVENT_COMMANDS = {
    "plugin:event|listen": ({ event, handler }) => {
      const eventId = nextEventListener++;
      if (!listeners.has(event)) listeners.set(event, []);
      listeners.get(event).push({ eventId, handler });
      return eventId;
    },
    "plugin:event|unlisten": ({ event, eventId }) => {
      const list = listeners.get(event) ?? [];
      const i = list.findIndex((l) => l.eventId === eventId);
      if (i >= 0) list.splice(i, 1);
      return null;
    },
    "plugin:event|emit": ({ event, payload }) => (emit(event, payload), null),
  };

  async function invoke(cmd, args = {}, _options) {
    calls.push({ cmd, args: JSON.parse(JSON.stringify(args ?? {})) });
    await null; // an answer never arrives in the same tick, as over real IPC
    const handler = EVENT_COMMANDS[cmd] ?? COMMANDS[cmd];
    if (!handler) {
      unknownCalls.push(cmd);
      fail("not_found", `The test backend has no command ${cmd}.`);
    }
    // Answers are copies, as they would be after crossing the IPC as JSON.
    const out = await handler(args ?? {});
    return out === undefined ? null : JSON.parse(JSON.stringify(out));
  }

  window.__TAURI_INTERNALS__ = {
    invoke,
    transformCallback,
    unregisterCallback,
    runCallback,
    callbacks,
    convertFileSrc: (path, protocol = "asset") => `${protocol}://localhost/${encodeURIComponent(path)}`,
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener: (event, eventId) => {
      const list = listeners.get(event) ?? [];
      const i = list.findIndex((l) => l.eventId === eventId);
      if (i >= 0) callbacks.delete(list.splice(i, 1)[0].handler);
    },
  };
  window.__emit = emit;

  // What the page's CSP refuses, so a test can expect nothing was refused.
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`),
  );

  if (options.freezePrototype) Object.freeze(Object.prototype);
})();
