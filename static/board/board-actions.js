/*
 * Supervisors' controls: the recent-calls panel, an action panel for an agent (call a number,
 * pause / unpause, hang up), a queue (remove a waiting caller) or the IVR (ring a number into a
 * path), and toasts with the outcome.
 *
 * Only a logged-in supervisor's page has board_config.can_act; on a TV this file returns at
 * once, so a TV never has a single action control. A control only appears when the source
 * supports its action (board_config.capabilities). Actions are POSTs to the action endpoint;
 * after a success the board shows the expected effect at once (board.js keeps such guesses
 * apart from the model, and the server's next word on the entity replaces them).
 *
 * Vendor and PBX strings (messages, numbers, names) are only ever written with textContent.
 * Loaded after board.js, whose window.wallboardCore it builds on.
 */
(function wallboardActions() {
  "use strict";

  const core = window.wallboardCore;
  const { config } = window.wallboardKit;
  if (config.can_act !== true) return;

  const { clockFormat, translator, formatCount, formatDuration, el, setText, timerNode } =
    window.wallboardKit;
  const { setTimer, setLimits, waitLimits, serverNow } = core.ui;
  const TOAST_MS = 6000;
  const TOASTS_KEPT = 4;
  const VENDOR_TEXT_MAX = 300;
  // The server validates again; this only spares the supervisor a round trip for a typo.
  const NUMBER_SHAPE = /^\+?[\d\s()-]+$/;
  const NUMBER_DIGITS = { min: 3, max: 20 };

  const t = translator({
    close: "Close",
    extension: "ext. {extension}",
    call_number: "Call a number",
    call: "Call",
    bad_number: "Enter 3–20 digits (spaces, dashes, brackets and a leading + are fine).",
    pause: "Pause",
    unpause: "Unpause",
    current_calls: "Current calls",
    no_calls: "No current calls",
    hang_up: "Hang up",
    confirm_hang_up: "Hang up the call with {party}?",
    cancel: "Cancel",
    panel_waiting: "Waiting: {n}",
    nobody_waiting: "Nobody is waiting",
    remove: "Remove…",
    remove_caller: "Remove {phone}",
    confirm_kick: "Remove {phone} from {queue}?",
    confirm_remove: "Remove",
    send_to: "Send to",
    nowhere: "Nowhere (just remove)",
    direction_in: "In",
    direction_out: "Out",
    subject_call: "Call {number} from {agent}",
    subject_pause: "Pause {agent}",
    subject_unpause: "Unpause {agent}",
    subject_hangup: "Hang up the call with {party}",
    subject_kick: "Remove {phone} from {queue}",
    subject_bridge: "Call {number} into {path}",
    done: "Done.",
    no_answer: "No answer from the server: check the board before trying again.",
    http_status: "The server answered {status} {text}",
    results_label: "Action results",
    disposition_answered: "Answered",
    disposition_missed: "Missed",
    disposition_busy: "Busy",
    disposition_failed: "Failed",
    play_label: "Play the recording of the call with {party} (opens a new tab)",
    bridge: "Call into IVR",
    bridge_hint: "Ring a number and connect it to an IVR path",
    bridge_source: "Line",
    bridge_number: "Number to call",
    bridge_path: "IVR path",
  });
  // Recent calls' outcomes, by the disposition the server names.
  const DISPOSITIONS = ["answered", "missed", "busy", "failed"];

  // Requests in flight, by what they act on: their buttons stay disabled until the answer.
  const pending = new Set();
  const dialog = createDialog();
  const toasts = createToasts();
  const recent = {
    root: document.getElementById("recent"),
    list: document.getElementById("recent-calls"),
    rows: new Map(),
  };
  let panel = null; // the open panel, see openPanel()

  // ----- talking to the server -----------------------------------------------------------------

  // Resolves to what to tell the supervisor; never rejects.
  async function postAction(name, fields) {
    let response;
    try {
      response = await fetch(`${config.actions_url}${name}/`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token || "" },
        credentials: "same-origin",
        body: JSON.stringify({ ...fields, board: config.board_slug }),
      });
    } catch {
      return { ok: false, message: t("no_answer"), vendorResponse: "" };
    }
    // A proxy's error page or Django's CSRF page is HTML, not the endpoint's JSON.
    const body = await response.json().catch(() => null);
    const fallback = response.ok
      ? t("done")
      : t("http_status", { status: response.status, text: response.statusText }).trim();
    return {
      ok: response.ok && body?.ok === true,
      message: String(body?.message || body?.error || fallback),
      vendorResponse: typeof body?.vendor_response === "string" ? body.vendor_response : "",
    };
  }

  // One way for every action: no double submission, the outcome in a toast, the expected
  // effect shown at once, and the panel closed once it has done its job.
  async function run(action) {
    if (pending.has(action.key)) return;
    pending.add(action.key);
    refreshPanel();
    const outcome = await postAction(action.name, action.fields);
    pending.delete(action.key);
    if (outcome.ok) action.onSuccess?.();
    showToast(action.subject, outcome);
    if (outcome.ok && panel?.key === action.panelKey) {
      closePanel();
      return;
    }
    refreshPanel();
    if (action.trigger?.isConnected && !action.trigger.disabled) action.trigger.focus();
  }

  // Kick answers per call, e.g. {"status": {"805c…": "Call not found", "f665…": "OK"}}.
  function perCallStatus(vendorResponse) {
    let parsed;
    try {
      parsed = JSON.parse(vendorResponse);
    } catch {
      return [];
    }
    const status = parsed?.status;
    if (!status || typeof status !== "object" || Array.isArray(status)) return [];
    return Object.entries(status).map(([callId, text]) => [callId, String(text)]);
  }

  // ----- toasts --------------------------------------------------------------------------------

  function createToasts() {
    const region = el("section", "toasts", {
      "aria-live": "polite",
      "aria-label": t("results_label"),
    });
    document.body.append(region);
    return region;
  }

  function showToast(subject, outcome) {
    const toast = el("div", `toast ${outcome.ok ? "is-ok" : "is-error"}`);
    if (!outcome.ok) toast.setAttribute("role", "alert");
    const title = el("p", "toast-title", { dir: "auto" });
    title.textContent = subject;
    const message = el("p", "toast-message", { dir: "auto" });
    message.textContent = outcome.message;
    toast.append(title, message);
    const detail = toastDetail(outcome);
    if (detail) toast.append(detail);
    toasts.append(toast);
    while (toasts.children.length > TOASTS_KEPT) toasts.firstElementChild.remove();
    setTimeout(() => toast.remove(), TOAST_MS);
  }

  // The per-call statuses when the vendor gave them; otherwise, for a failure, the vendor's
  // own words, which the message may have summarised.
  function toastDetail(outcome) {
    const statuses = perCallStatus(outcome.vendorResponse);
    if (statuses.length) {
      const list = el("ul", "toast-statuses");
      for (const [callId, status] of statuses) {
        const item = el("li", `toast-status${/^ok$/i.test(status) ? " is-ok" : ""}`);
        const id = el("span", "toast-status-id", { dir: "ltr" });
        id.textContent = callId;
        const text = el("span", "toast-status-text");
        text.textContent = status;
        item.append(id, text);
        list.append(item);
      }
      return list;
    }
    const vendor = outcome.vendorResponse.trim();
    if (outcome.ok || !vendor || vendor === outcome.message) return null;
    const detail = el("p", "toast-vendor", { dir: "ltr" });
    detail.textContent = vendor.length > VENDOR_TEXT_MAX
      ? `${vendor.slice(0, VENDOR_TEXT_MAX)}…`
      : vendor;
    return detail;
  }

  // ----- the action panel ----------------------------------------------------------------------
  // A modal <dialog>: Esc closes it, focus stays inside while open and returns to the tile or
  // card it was opened from. It sits beside that tile, so the supervisor sees what they act on.

  function createDialog() {
    const node = el("dialog", "action-panel", { "aria-labelledby": "action-panel-title" });
    // The dialog's own box is only its backdrop edge: a click that lands on it is outside.
    node.addEventListener("click", (event) => {
      if (event.target === node) closePanel();
    });
    // Esc closes the dialog itself. The event comes a task later, when another panel may
    // already be open in it.
    node.addEventListener("close", () => {
      if (!node.open) closePanel();
    });
    document.body.append(node);
    return node;
  }

  function openPanel(kind, id, opener, callerId = null) {
    closePanel();
    panel = PANELS[kind](id);
    panel.opener = opener;
    dialog.replaceChildren(panel.root);
    panel.refresh();
    dialog.showModal();
    placeBeside(opener);
    if (callerId) panel.askKick?.(callerId);
    else panel.focusFirst();
  }

  function closePanel() {
    if (!panel) return;
    const opener = panel.opener;
    // Esc closes the dialog a task before its close event brings us here: by then the
    // supervisor may have moved on to another tile, and must not be pulled back.
    const focus = document.activeElement;
    const movedOn = focus && focus !== document.body && !dialog.contains(focus);
    panel = null;
    if (dialog.open) dialog.close();
    dialog.replaceChildren();
    if (opener?.isConnected && !movedOn) opener.focus();
  }

  // After the server's news: the panel follows it, and goes when its agent or queue does.
  function refreshPanel() {
    if (!panel) return;
    if (!panel.entity()) {
      closePanel();
      return;
    }
    panel.refresh();
  }

  // Level with the tile, on the side with room (the reading direction's side first). It hangs
  // from the edge nearer the middle of the screen, so whatever opens inside it later (an error,
  // a confirmation) grows into free space, and past that it scrolls rather than off screen.
  function placeBeside(anchor) {
    const gap = 12;
    const width = dialog.offsetWidth;
    const target = anchor.getBoundingClientRect();
    const right = target.right + gap;
    const left = target.left - gap - width;
    const x = document.documentElement.dir === "rtl"
      ? (left >= 0 ? left : right)
      : (right + width <= innerWidth ? right : left);
    dialog.style.left = `${clamp(x, gap, innerWidth - width - gap)}px`;
    const lowerHalf = target.top + target.height / 2 > innerHeight / 2;
    const edge = clamp(lowerHalf ? innerHeight - target.bottom : target.top, gap, innerHeight / 2);
    dialog.style.top = lowerHalf ? "auto" : `${edge}px`;
    dialog.style.bottom = lowerHalf ? `${edge}px` : "auto";
    dialog.style.maxBlockSize = `${innerHeight - edge - gap}px`;
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(value, high));
  }

  // ----- panel building blocks -----------------------------------------------------------------

  function button(label, className, onClick) {
    const node = el("button", `panel-button ${className}`.trim(), { type: "button" });
    node.textContent = label;
    node.addEventListener("click", onClick);
    return node;
  }

  function panelHead() {
    const head = {
      root: el("header", "panel-head"),
      title: el("h2", "panel-title", { id: "action-panel-title", dir: "auto" }),
      detail: el("p", "panel-detail"),
    };
    const close = button("×", "panel-close", closePanel);
    close.setAttribute("aria-label", t("close"));
    const titles = el("div", "panel-titles");
    titles.append(head.title, head.detail);
    head.root.append(titles, close);
    return head;
  }

  function section(title) {
    const root = el("section", "panel-section");
    if (title) {
      const heading = el("h3", "panel-section-title");
      heading.textContent = title;
      root.append(heading);
    }
    return root;
  }

  // "Really?" with a confirm and a cancel button, for what cannot be undone.
  function confirmStep(question, confirmLabel, onConfirm, onCancel, extra = null) {
    const step = {
      root: el("div", "panel-confirm", { role: "group" }),
      question: el("p", "panel-question", { dir: "auto" }),
      yes: button(confirmLabel, "is-danger", () => onConfirm(step)),
      no: button(t("cancel"), "", onCancel),
    };
    step.question.textContent = question;
    step.root.setAttribute("aria-label", question);
    const buttons = el("div", "panel-buttons");
    buttons.append(step.yes, step.no);
    step.root.append(step.question, ...(extra ? [extra] : []), buttons);
    // Focus starts on the harmless choice: a second Enter must not hang up a call.
    step.focus = () => step.no.focus();
    return step;
  }

  // Swaps a row's action button for a confirmation; the returned function swaps it back.
  function askOnRow(row, trigger, question, confirmLabel, onConfirm, extra = null) {
    const step = confirmStep(question, confirmLabel, onConfirm, () => dismiss(true), extra);
    function dismiss(refocus) {
      step.root.remove();
      if (row.confirm === step) row.confirm = null;
      trigger.hidden = false;
      if (refocus) trigger.focus();
    }
    row.confirm = step;
    trigger.hidden = true;
    row.root.append(step.root);
    step.focus();
    return dismiss;
  }

  // Rows keyed by id, in the given order; `make` builds a row ({root, ...}), `fill` updates it.
  function syncRows(list, rows, items, make, fill) {
    const keep = new Set(items.map((item) => item.key));
    for (const [key, row] of rows) {
      if (!keep.has(key)) {
        row.root.remove();
        rows.delete(key);
      }
    }
    items.forEach((item, index) => {
      const row = rows.get(item.key) || make(item);
      rows.set(item.key, row);
      fill(row, item);
      const at = list.children[index];
      if (at !== row.root) list.insertBefore(row.root, at || null);
    });
  }

  // ----- agent panel ---------------------------------------------------------------------------

  function agentPanel(agentId) {
    const entity = () => core.agent(agentId);
    const agent = entity();
    const head = panelHead();
    const state = el("span", "panel-state");
    const extension = el("span", "panel-ext", { dir: "auto" });
    head.detail.append(state, extension);
    const parts = [
      core.supports(agent, "call") && callPart(agentId),
      (core.supports(agent, "pause") || core.supports(agent, "unpause")) && pausePart(agentId),
      core.supports(agent, "hangup") && callsPart(agentId),
    ].filter(Boolean);
    const root = el("div", "panel");
    root.append(head.root, ...parts.map((part) => part.root));
    return {
      key: `agent:${agentId}`,
      root,
      entity,
      refresh() {
        const current = entity();
        setText(head.title, current.name || current.id);
        setText(state, core.stateText(current.state));
        state.style.setProperty("--state", `var(--c-${current.state}, var(--c-unknown))`);
        const ext = current.extension;
        setText(extension, ext ? t("extension", { extension: ext }) : "");
        for (const part of parts) part.refresh(current);
      },
      focusFirst() {
        const first = root.querySelector(".panel-section :is(input, button):not([hidden])");
        (first || root.querySelector(".panel-close")).focus();
      },
    };
  }

  function callPart(agentId) {
    const root = section(t("call_number"));
    const form = el("form", "panel-form", { novalidate: "" });
    const input = el("input", "panel-input", {
      type: "tel", id: "action-number", name: "number", autocomplete: "off",
      inputmode: "tel", dir: "ltr", "aria-label": t("call_number"),
      "aria-describedby": "action-number-error",
    });
    const submit = el("button", "panel-button is-primary", { type: "submit" });
    submit.textContent = t("call");
    const error = el("p", "panel-error", { id: "action-number-error", role: "alert" });
    form.append(input, submit);
    root.append(form, error);
    onValidNumber(form, input, error, (number) => {
      const agent = core.agent(agentId);
      run({
        name: "call",
        key: `call:${agentId}`,
        panelKey: `agent:${agentId}`,
        fields: { agent_id: agentId, number },
        subject: t("subject_call", { number, agent: agent.name || agentId }),
        trigger: input,
      });
    });
    return {
      root,
      refresh() {
        const busy = pending.has(`call:${agentId}`);
        submit.disabled = busy;
        input.readOnly = busy;
      },
    };
  }

  // The number is checked here first (the server checks again); only a valid one is sent.
  function onValidNumber(form, input, error, send) {
    input.addEventListener("input", () => showNumberProblem(input, error, ""));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const number = input.value.trim();
      const problem = numberProblem(number);
      showNumberProblem(input, error, problem);
      if (problem) {
        input.focus();
        return;
      }
      send(number);
    });
  }

  function numberProblem(number) {
    const digits = number.replace(/\D/g, "").length;
    const fine = NUMBER_SHAPE.test(number)
      && digits >= NUMBER_DIGITS.min && digits <= NUMBER_DIGITS.max;
    return fine ? "" : t("bad_number");
  }

  function showNumberProblem(input, error, problem) {
    setText(error, problem);
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // One button that says what it will do: Pause for an agent who is not paused, else Unpause.
  function pausePart(agentId) {
    const root = section("");
    const toggle = button(t("pause"), "", () => {
      const agent = core.agent(agentId);
      const name = agent.state === "paused" ? "unpause" : "pause";
      run({
        name,
        key: `state:${agentId}`,
        panelKey: `agent:${agentId}`,
        fields: { agent_id: agentId },
        subject: t(`subject_${name}`, { agent: agent.name || agentId }),
        trigger: toggle,
        onSuccess: () => core.guessAgent(agentId, {
          state: name === "pause" ? "paused" : "available",
          state_reason: "",
          state_since: serverNow(),
        }),
      });
    });
    root.append(toggle);
    return {
      root,
      refresh(agent) {
        const paused = agent.state === "paused";
        setText(toggle, t(paused ? "unpause" : "pause"));
        toggle.hidden = !core.supports(agent, paused ? "unpause" : "pause");
        toggle.disabled = pending.has(`state:${agentId}`);
      },
    };
  }

  function callsPart(agentId) {
    const root = section(t("current_calls"));
    const list = el("ul", "panel-list");
    const empty = el("p", "panel-empty");
    empty.textContent = t("no_calls");
    root.append(list, empty);
    const rows = new Map();
    return {
      root,
      refresh(agent) {
        const calls = core.currentCalls(agent).map((call) => ({ key: call.id, call }));
        syncRows(list, rows, calls, (item) => callRow(item.call.id), fillCallRow);
        empty.hidden = calls.length > 0;
      },
    };
  }

  function callRow(callId) {
    const row = {
      root: el("li", "panel-row"),
      direction: el("span", "panel-direction"),
      party: el("span", "panel-party", { dir: "ltr" }),
      timer: timerNode("panel-timer"),
      confirm: null,
    };
    row.hangUp = button(t("hang_up"), "is-danger", () => askHangUp(row, callId));
    row.root.dataset.callId = callId;
    row.root.append(row.direction, row.party, row.timer, row.hangUp);
    return row;
  }

  function fillCallRow(row, { call }) {
    const outbound = call.direction === "outbound";
    setText(row.direction, t(outbound ? "direction_out" : "direction_in"));
    setText(row.party, (outbound ? call.callee : call.caller) || "");
    setTimer(row.timer, call.answered_at || call.started_at);
    row.hangUp.hidden = !core.supports(call, "hangup") || row.confirm !== null;
    if (row.confirm) row.confirm.yes.disabled = pending.has(`hangup:${call.id}`);
  }

  function askHangUp(row, callId) {
    const party = row.party.textContent;
    askOnRow(row, row.hangUp, t("confirm_hang_up", { party }), t("hang_up"), (step) => run({
      name: "hangup",
      key: `hangup:${callId}`,
      panelKey: panel.key,
      fields: { call_id: callId },
      subject: t("subject_hangup", { party }),
      trigger: step.yes,
    }));
  }

  // ----- queue panel ---------------------------------------------------------------------------

  function queuePanel(queueId) {
    const entity = () => core.queue(queueId);
    const head = panelHead();
    const body = section("");
    const list = el("ul", "panel-list");
    const empty = el("p", "panel-empty");
    empty.textContent = t("nobody_waiting");
    body.append(list, empty);
    const root = el("div", "panel");
    root.append(head.root, body);
    const rows = new Map();
    const view = {
      key: `queue:${queueId}`,
      root,
      entity,
      refresh() {
        const queue = entity();
        const waiting = [...(queue.waiting || [])].sort((a, b) => a.joined_at - b.joined_at);
        setText(head.title, queue.name || queue.id);
        setText(head.detail, t("panel_waiting", { n: formatCount(waiting.length) }));
        const items = waiting.map((caller) => ({ key: caller.call_id, caller, queue }));
        syncRows(list, rows, items, (item) => callerRow(view, item), fillCallerRow);
        empty.hidden = waiting.length > 0;
      },
      focusFirst() {
        (root.querySelector(".panel-list button") || root.querySelector(".panel-close")).focus();
      },
      // Opened from a caller's row on the card: straight to "Remove …?" for that caller.
      askKick(callId) {
        const row = rows.get(callId);
        if (row) askKick(view, row, callId);
        else view.focusFirst();
      },
    };
    return view;
  }

  function callerRow(view, { caller }) {
    const row = {
      root: el("li", "panel-row"),
      phone: el("span", "panel-party", { dir: "ltr" }),
      timer: timerNode("panel-timer"),
      confirm: null,
    };
    setLimits(row.timer, waitLimits);
    row.remove = button(t("remove"), "is-danger", () => askKick(view, row, caller.call_id));
    row.root.dataset.callId = caller.call_id;
    row.root.append(row.phone, row.timer, row.remove);
    return row;
  }

  function fillCallerRow(row, { caller, queue }) {
    setText(row.phone, caller.phone || "");
    row.remove.setAttribute("aria-label", t("remove_caller", { phone: caller.phone || "" }));
    setTimer(row.timer, caller.joined_at);
    row.remove.hidden = !core.supports(queue, "kick") || row.confirm !== null;
    if (row.confirm) row.confirm.yes.disabled = pending.has(`kick:${caller.call_id}`);
  }

  // One confirmation at a time in a queue panel: asking about another caller drops the first.
  function askKick(view, row, callId) {
    view.dismissAsk?.(false);
    const queue = view.entity();
    const phone = row.phone.textContent;
    const destination = destinationPicker();
    view.dismissAsk = askOnRow(
      row,
      row.remove,
      t("confirm_kick", { phone, queue: queue.name || queue.id }),
      t("confirm_remove"),
      (step) => run({
        name: "kick",
        key: `kick:${callId}`,
        panelKey: view.key,
        fields: {
          call_id: callId,
          queue_id: queue.id,
          ...(destination?.select.value ? { more_data: destination.select.value } : {}),
        },
        subject: t("subject_kick", { phone, queue: queue.name || queue.id }),
        trigger: step.yes,
        onSuccess: () => core.guessCallerGone(queue.id, callId),
      }),
      destination?.root,
    );
  }

  // Where a removed caller goes, when the board offers destinations at all.
  function destinationPicker() {
    const destinations = Array.isArray(config.kick_destinations) ? config.kick_destinations : [];
    if (destinations.length === 0) return null;
    return picker(t("send_to"), [{ label: t("nowhere"), value: "" }, ...destinations]);
  }

  // ----- calling a number into the IVR (Yemot) ------------------------------------------------
  // Not tied to an agent or a queue: the PBX rings the number and connects it to the chosen
  // path. Offered when a source can do it and the server configured paths to offer.

  function bridgeSources() {
    const paths = Array.isArray(config.bridge_paths) ? config.bridge_paths : [];
    if (paths.length === 0) return [];
    return Object.keys(config.capabilities || {})
      .filter((source) => core.supports({ source }, "bridge"))
      .sort();
  }

  function bridgePanel() {
    const sources = bridgeSources();
    const head = panelHead();
    setText(head.title, t("bridge"));
    setText(head.detail, t("bridge_hint"));
    const root = el("div", "panel");
    const body = section("");
    const form = el("form", "panel-form is-stacked", { novalidate: "" });
    const lines = sources.map((name) => ({ label: name, value: name }));
    const source = picker(t("bridge_source"), lines);
    source.root.hidden = sources.length < 2; // one line: nothing to choose
    const path = picker(t("bridge_path"), config.bridge_paths);
    const input = el("input", "panel-input", {
      type: "tel", id: "bridge-number", name: "number", autocomplete: "off", inputmode: "tel",
      dir: "ltr", "aria-label": t("bridge_number"), placeholder: t("bridge_number"),
      "aria-describedby": "bridge-number-error",
    });
    const submit = el("button", "panel-button is-primary", { type: "submit" });
    submit.textContent = t("call");
    const error = el("p", "panel-error", { id: "bridge-number-error", role: "alert" });
    const line = el("div", "panel-form");
    line.append(input, submit);
    form.append(source.root, path.root, line);
    body.append(form, error);
    root.append(head.root, body);
    onValidNumber(form, input, error, (number) => {
      const chosen = path.select.selectedOptions[0];
      run({
        name: "bridge",
        key: "bridge",
        panelKey: "bridge",
        fields: { source: source.select.value, number, path: path.select.value },
        subject: t("subject_bridge", { number, path: chosen ? chosen.textContent : "" }),
        trigger: input,
      });
    });
    return {
      key: "bridge",
      root,
      entity: () => bridgeSources().length > 0,
      refresh() {
        const busy = pending.has("bridge");
        submit.disabled = busy;
        input.readOnly = busy;
      },
      focusFirst: () => input.focus(),
    };
  }

  // A labelled <select> of {label, value} choices, the labels as text.
  function picker(labelText, choices) {
    const root = el("label", "panel-field");
    const label = el("span", "panel-field-label");
    label.textContent = labelText;
    const select = el("select", "panel-select");
    for (const { label: text, value } of choices) {
      const option = el("option", "", { value: String(value) });
      option.textContent = String(text);
      select.append(option);
    }
    root.append(label, select);
    return { root, select };
  }

  function addBridgeButton() {
    if (bridgeSources().length === 0) return;
    const open = el("button", "header-button bridge-open", {
      type: "button", "aria-haspopup": "dialog",
    });
    open.textContent = t("bridge");
    open.addEventListener("click", () => openPanel("bridge", null, open));
    document.getElementById("tools").append(open);
  }

  // ----- recent calls --------------------------------------------------------------------------
  // Every source's latest finished calls in one list, newest first, with the recording a click
  // away. Only here, on supervisors' screens: a TV has no use for a play button.

  function renderRecent() {
    const calls = Object.values(core.recentCalls())
      .flat()
      .filter(Boolean)
      .sort((a, b) => (b.started_at || 0) - (a.started_at || 0))
      .map((call) => ({ key: call.id, call }));
    syncRows(recent.list, recent.rows, calls, recentRow, fillRecentRow);
  }

  function recentRow() {
    const row = {
      root: el("li", "recent-call"),
      direction: el("span", "recent-direction"),
      party: el("span", "recent-party", { dir: "ltr" }),
      time: el("time", "recent-time"),
      disposition: el("span", "recent-disposition"),
      detail: el("span", "recent-detail", { dir: "auto" }),
      play: el("a", "recent-play", { target: "_blank", rel: "noopener" }),
    };
    row.play.textContent = "▶";
    const line = el("span", "recent-line");
    line.append(row.disposition, row.detail);
    row.root.append(row.direction, row.party, row.time, line, row.play);
    return row;
  }

  function fillRecentRow(row, { call }) {
    const outbound = call.direction === "outbound";
    const party = (outbound ? call.callee : call.caller) || "";
    row.root.dataset.id = call.id;
    row.root.className = `recent-call disposition-${call.disposition}`;
    setText(row.direction, t(outbound ? "direction_out" : "direction_in"));
    setText(row.party, party);
    const started = typeof call.started_at === "number" ? new Date(call.started_at * 1000) : null;
    setText(row.time, started ? clockFormat.format(started) : "");
    if (started) row.time.dateTime = started.toISOString();
    const known = DISPOSITIONS.includes(call.disposition);
    setText(row.disposition, known ? t(`disposition_${call.disposition}`) : call.disposition || "");
    setText(row.detail, recentDetail(call));
    const recording = sameOriginUrl(call.recording_path);
    row.play.hidden = recording === null;
    if (recording === null) row.play.removeAttribute("href");
    else row.play.href = recording;
    row.play.setAttribute("aria-label", t("play_label", { party }));
  }

  function recentDetail(call) {
    const parts = [];
    if (call.agent_extension) parts.push(t("extension", { extension: call.agent_extension }));
    if (call.talk_seconds > 0) parts.push(formatDuration(Math.round(call.talk_seconds)));
    return parts.join(" · ");
  }

  // Recordings are served by the board itself; anything else (another host, javascript:) is
  // not followed.
  function sameOriginUrl(path) {
    if (typeof path !== "string" || path === "") return null;
    try {
      const url = new URL(path, location.href);
      return url.origin === location.origin ? url.href : null;
    } catch {
      return null;
    }
  }

  // ----- wiring --------------------------------------------------------------------------------

  // Tiles and cards come and go with the data, so their container listens for them.
  function openFrom(container, selector, open) {
    container.addEventListener("click", (event) => {
      const node = event.target.closest(selector);
      if (node && container.contains(node)) open(node, event.target);
    });
    container.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      if (!event.target.matches(selector)) return;
      // Space would scroll the grid, and Enter would go on to submit the form it focuses.
      event.preventDefault();
      open(event.target, event.target);
    });
  }

  const PANELS = { agent: agentPanel, queue: queuePanel, bridge: bridgePanel };

  openFrom(document.getElementById("agents"), ".agent.is-actionable", (tile) => {
    openPanel("agent", tile.dataset.id, tile);
  });
  openFrom(document.getElementById("queues"), ".queue.is-actionable", (card, target) => {
    openPanel("queue", card.dataset.id, card, target.closest(".queue-caller")?.dataset.callId);
  });

  addBridgeButton();
  document.body.classList.add("can-act");
  recent.root.hidden = false;
  core.onUpdate((changed) => {
    if (changed.has("recent_calls")) renderRecent();
    refreshPanel();
  });
  renderRecent();
})();
