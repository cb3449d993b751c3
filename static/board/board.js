/*
 * Wallboard client: keeps a WebSocket to /ws/boards/<slug>/, applies versioned snapshots and
 * deltas to a local copy of the normalised model, and patches only the DOM nodes that changed.
 * Timers tick here from epochs plus the server clock offset, so the server never pushes per second.
 *
 * Runs for weeks on unattended TVs: every DOM node is keyed by id and removed with its entity,
 * there is exactly one interval, and every failure path ends in a reconnect.
 *
 * PBX-provided strings (names, numbers, reasons) are only ever written with textContent.
 *
 * Words come in the board's language (board_config.text, see board-kit.js); a timer crossing
 * the board's amber or red limit marks its tile or card, and a crossing into red is announced
 * to listeners (the alert sound) unless it arrived with a snapshot.
 *
 * Loaded after board-kit.js (words, formats, DOM helpers); the other board-*.js files (today's
 * figures, the chart, the SMS ticker, the alert sound, supervisors' controls, and last the
 * layout) build on window.wallboardCore (see the end of this file).
 */
(function wallboard() {
  "use strict";

  const TICK_MS = 1000;
  const RECONNECT_MIN_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  const STATES = [
    "available", "ringing", "dialing", "talking", "hold", "paused", "offline", "unknown",
  ];
  // agents, calls and queues are keyed by id; the others by source name ({source: value}).
  const COLLECTIONS = [
    "agents", "calls", "queues", "sources", "stats", "recent_calls", "sms", "series",
  ];
  const AGENT_ACTIONS = ["call", "hangup", "pause", "unpause"];
  const RELOAD_MIN_INTERVAL_MS = 60000;
  const RELOAD_KEY = "wallboard.reloadedAt";
  // A paused agent's tile turns amber at this share of the pause allowed for its reason.
  const PAUSE_WARN_SHARE = 0.75;

  // This file's words in English, by their keys in wallboard/board/ui_text.py; the page shows
  // the board's translation instead whenever the server sent one (see board-kit.js).
  const DEFAULT_TEXT = {
    state_available: "Available",
    state_ringing: "Ringing",
    state_dialing: "Dialing",
    state_talking: "Talking",
    state_hold: "On hold",
    state_paused: "Paused",
    state_offline: "Offline",
    state_unknown: "Unknown",
    direction_in: "In",
    direction_out: "Out",
    extension: "ext. {extension}",
    not_registered: "Phone not registered",
    waiting: "Waiting",
    longest: "Longest",
    more_callers: "+{n} more",
    offered: "Offered",
    answered: "Answered",
    abandoned: "Abandoned",
    today: "Today",
    source_data_age: "data {age} old",
    source_no_data: "no data yet",
    age_seconds: "{n} s",
    age_minutes: "{n} min",
    age_hours: "{n} h",
    connection_connecting: "Connecting…",
    connection_live: "Live",
    connection_reconnecting: "Reconnecting",
    connection_silent: "No updates",
    reconnecting_attempt: "Reconnecting… attempt {n}",
    silent_for: "No updates for {seconds} s",
    next_try: "next try in {seconds} s",
    trying_now: "connecting now",
  };

  const {
    NO_VALUE, config, clockFormat, translator, formatCount, formatDuration, positive, el, setText,
    setClassName, setInteractive, timerNode, placeByName, splitAround, callEach,
  } = window.wallboardKit;
  const t = translator(DEFAULT_TEXT);
  const staleAfterSeconds = 3 * (Number(config.poll_seconds) || 2);
  const thresholds = config.thresholds || {};
  const waitLimits = {
    warn: positive(thresholds.wait_warn_seconds, 60),
    alert: positive(thresholds.wait_alert_seconds, 180),
  };
  // A guess the server never confirms (nor contradicts) lapses after twice the staleness time.
  const guessTtlMs = 2 * staleAfterSeconds * 1000;
  // Only a logged-in supervisor's page carries capabilities; a TV has none, so no controls.
  const capabilities = (config.can_act === true && config.capabilities) || {};

  // ----- the local model -----------------------------------------------------------------------

  const model = Object.fromEntries(COLLECTIONS.map((name) => [name, {}]));
  const STALE_DELTAS_BEFORE_RESYNC = 3;
  let version = null;
  let offsetSeconds = 0;
  // Deltas only make sense on top of a snapshot; true from connect (or a gap) until one arrives.
  let awaitingSnapshot = true;
  let staleDeltas = 0; // deltas in a row not above our version (see receiveDelta)
  let reloadTimer = null;
  // How many waiting callers a queue card lists; the layout (board-layout.js) sets it.
  let callersShown = 3;
  // A snapshot redraws what was already on screen: nothing it shows is news worth a beep.
  let announcing = true;

  // Supervisors see an action's expected effect at once, kept apart from the model so the
  // server's word always wins: any snapshot, or a delta naming the entity, drops the guess.
  const guesses = {
    agents: new Map(), // id -> { patch, until }
    queues: new Map(), // id -> { gone: Set of waiting call ids, until }
  };
  const updateListeners = [];
  const alertListeners = [];
  const tickListeners = [];

  const link = {
    socket: null,
    connected: false, // a snapshot has been applied on the current socket
    attempt: 0, // reconnect attempts since the last snapshot
    retryAt: null,
    retryTimer: null,
    silent: false, // the watchdog dropped the socket for lack of updates
    connectStartedAt: Date.now(),
    lastUpdateAt: Date.now(), // last message that kept the board in sync
  };

  // ----- DOM handles ---------------------------------------------------------------------------

  const dom = {
    body: document.body,
    agents: byId("agents"),
    queues: byId("queues"),
    sources: byId("sources"),
    clock: byId("clock"),
    connection: byId("connection"),
    connectionText: byId("connection-text"),
    banner: byId("banner"),
    bannerText: byId("banner-text"),
    bannerDetail: byId("banner-detail"),
  };
  const agentTiles = new Map();
  const queuePanels = new Map();
  const sourcePills = new Map();
  // Live collection: tiles removed from the DOM drop out of it, so the tick never leaks.
  const timers = document.getElementsByClassName("js-timer");

  function byId(id) {
    return document.getElementById(id);
  }

  // ----- connection ----------------------------------------------------------------------------

  function socketUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${path}`;
  }

  function connect() {
    clearTimeout(link.retryTimer);
    link.retryTimer = null;
    link.retryAt = null;
    link.connectStartedAt = Date.now();
    awaitingSnapshot = true;
    let socket;
    try {
      socket = new WebSocket(socketUrl(config.ws_url));
    } catch (error) {
      console.error("wallboard: cannot open socket", error);
      scheduleReconnect();
      return;
    }
    link.socket = socket;
    socket.addEventListener("message", (event) => onSocketMessage(socket, event));
    socket.addEventListener("close", () => dropSocket(socket));
    socket.addEventListener("error", () => dropSocket(socket));
    renderConnection();
  }

  // Close and error both land here; only the first call for the current socket counts.
  function dropSocket(socket) {
    if (socket !== link.socket) return;
    link.socket = null;
    link.connected = false;
    awaitingSnapshot = true;
    socket.close();
    scheduleReconnect();
  }

  function scheduleReconnect() {
    link.attempt += 1;
    const delay = backoffDelay(link.attempt);
    link.retryAt = Date.now() + delay;
    link.retryTimer = setTimeout(connect, delay);
    renderConnection();
  }

  // 1 s doubling to 30 s. Jitter keeps a floor of TVs from reconnecting in lockstep after a
  // server restart; the attempt count only resets on a snapshot, so a server that accepts and
  // immediately drops us still gets backed off.
  function backoffDelay(attempt) {
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (attempt - 1));
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  function send(message) {
    if (link.socket && link.socket.readyState === WebSocket.OPEN) {
      link.socket.send(JSON.stringify(message));
    }
  }

  // No update for 3 polls means the server, the network or our sync is stuck: start over.
  function checkWatchdog() {
    if (!link.socket) return;
    const quietMs = Date.now() - Math.max(link.lastUpdateAt, link.connectStartedAt);
    if (quietMs > staleAfterSeconds * 1000) {
      link.silent = true;
      dropSocket(link.socket);
    }
  }

  // ----- protocol ------------------------------------------------------------------------------

  function onSocketMessage(socket, event) {
    if (socket !== link.socket) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      console.warn("wallboard: ignoring a message that is not JSON", error);
      return;
    }
    try {
      handleMessage(message);
    } catch (error) {
      // A half-applied message leaves the model untrustworthy. Start over through the backoff
      // rather than a resync, so a snapshot that always fails cannot spin at network speed.
      console.error("wallboard: failed to apply a message", error);
      dropSocket(socket);
    }
  }

  function handleMessage(message) {
    if (typeof message.server_time === "number") {
      offsetSeconds = message.server_time - Date.now() / 1000;
    }
    if (message.type === "snapshot") {
      applySnapshot(message);
    } else if (message.type === "delta") {
      receiveDelta(message);
    } else if (!awaitingSnapshot) {
      link.lastUpdateAt = Date.now(); // a heartbeat or a newer message type: the link is alive
    }
  }

  function applySnapshot(message) {
    for (const name of COLLECTIONS) model[name] = (message.state && message.state[name]) || {};
    // Accepted whatever its version: after a server restart the counter may have gone back.
    version = message.version;
    awaitingSnapshot = false;
    guesses.agents.clear();
    guesses.queues.clear();
    announcing = false;
    try {
      renderEverything();
      notifyUpdate(COLLECTIONS, "snapshot");
    } finally {
      announcing = true;
    }
    checkCodeVersion(message.code_version);
    // Only a snapshot that rendered proves the connection works, so only it resets the backoff.
    link.connected = true;
    link.attempt = 0;
    link.silent = false;
    markApplied();
  }

  function receiveDelta(message) {
    if (awaitingSnapshot) return;
    if (message.version <= version) {
      // One old duplicate can trail a snapshot; a run of them means the server's count
      // started again (Redis restarted without its data): ask for the state as it is now.
      staleDeltas += 1;
      if (staleDeltas >= STALE_DELTAS_BEFORE_RESYNC) requestResync();
      return;
    }
    staleDeltas = 0;
    if (message.version !== version + 1) {
      requestResync();
      return;
    }
    const changes = message.changes || {};
    applyChanges(changes);
    version = message.version;
    markApplied();
    notifyUpdate(Object.keys(changes), "delta");
  }

  // Sent once per gap: further deltas are ignored until the snapshot answers it.
  function requestResync() {
    awaitingSnapshot = true;
    staleDeltas = 0;
    send({ type: "resync" });
  }

  function applyChanges(changes) {
    for (const name of COLLECTIONS) {
      for (const [id, entity] of Object.entries(changes[name] || {})) {
        if (entity === null) delete model[name][id];
        else model[name][id] = entity;
      }
    }
    for (const id of Object.keys(changes.agents || {})) guesses.agents.delete(id);
    for (const id of Object.keys(changes.queues || {})) guesses.queues.delete(id);
    renderAgents(agentsTouchedBy(changes));
    for (const id of Object.keys(changes.queues || {})) renderQueue(id);
    for (const name of Object.keys(changes.sources || {})) renderSource(name);
  }

  // A tile shows its agent's current call, so a changed call re-renders the agents listing it.
  function agentsTouchedBy(changes) {
    const touched = new Set(Object.keys(changes.agents || {}));
    const changedCalls = Object.keys(changes.calls || {});
    if (changedCalls.length === 0) return touched;
    for (const agent of Object.values(model.agents)) {
      if ((agent.call_ids || []).some((id) => changedCalls.includes(id))) touched.add(agent.id);
    }
    return touched;
  }

  function markApplied() {
    link.lastUpdateAt = Date.now();
    dom.body.dataset.version = String(version);
    renderConnection();
  }

  // ----- new code on long-running TVs ----------------------------------------------------------
  // A TV keeps one page open for weeks; after a deploy the snapshot carries the new code's
  // fingerprint and the page reloads itself. At most once a minute, remembered across the reload,
  // so a server still handing out the old files cannot make a TV reload in a loop.

  function checkCodeVersion(serverVersion) {
    const ours = config.code_version;
    if (!serverVersion || !ours || serverVersion === ours) {
      clearTimeout(reloadTimer);
      reloadTimer = null;
      return;
    }
    if (reloadTimer !== null) return;
    const sinceLast = Date.now() - lastReloadAt();
    // A clock set back makes sinceLast negative: then wait the full minute, not longer.
    const wait = Math.min(RELOAD_MIN_INTERVAL_MS, Math.max(0, RELOAD_MIN_INTERVAL_MS - sinceLast));
    if (wait === 0) reloadForNewCode();
    else reloadTimer = setTimeout(reloadForNewCode, wait);
  }

  function lastReloadAt() {
    try {
      return Number(sessionStorage.getItem(RELOAD_KEY)) || 0;
    } catch {
      return 0;
    }
  }

  // Without storage the page could not tell a fresh reload from an old one: it stays put.
  function reloadForNewCode() {
    try {
      sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    } catch (error) {
      console.warn("wallboard: new code on the server, but cannot reload safely", error);
      return;
    }
    location.reload();
  }

  // ----- time ----------------------------------------------------------------------------------

  function serverNow() {
    return Date.now() / 1000 + offsetSeconds;
  }

  function formatAge(seconds) {
    if (seconds < 120) return t("age_seconds", { n: formatCount(seconds) });
    if (seconds < 7200) return t("age_minutes", { n: formatCount(Math.floor(seconds / 60)) });
    return t("age_hours", { n: formatCount(Math.floor(seconds / 3600)) });
  }

  // A timer is any .js-timer node carrying the epoch it counts from; the tick rewrites its text.
  function setTimer(node, epoch, placeholder = "") {
    if (epoch === null || epoch === undefined) {
      delete node.dataset.since;
      setLevel(node, null);
      setText(node, placeholder);
      return;
    }
    node.dataset.since = String(epoch);
    updateTimer(node, serverNow());
  }

  // A timer with limits goes "warn" then "alert" as it passes them; null takes the limits off.
  function setLimits(node, limits) {
    if (limits) {
      node.dataset.warnAt = String(limits.warn);
      node.dataset.alertAt = String(limits.alert);
    } else {
      delete node.dataset.warnAt;
      delete node.dataset.alertAt;
      setLevel(node, null);
    }
  }

  function updateTimer(node, now) {
    if (node.dataset.since === undefined) return;
    const seconds = Math.max(0, Math.floor(now - Number(node.dataset.since)));
    setText(node, node.dataset.format === "age" ? formatAge(seconds) : formatDuration(seconds));
    if (node.dataset.alertAt !== undefined) setLevel(node, timerLevel(node, seconds));
  }

  function timerLevel(node, seconds) {
    if (seconds >= Number(node.dataset.alertAt)) return "alert";
    return seconds >= Number(node.dataset.warnAt) ? "warn" : "ok";
  }

  // The level shows on the timer and on what it belongs to (node.levelHost: the tile, the card,
  // the caller's row). Only a timer seen crossing into red is news: one that arrives already red
  // (a snapshot, a caller the PBX reports late) is not announced.
  function setLevel(node, level) {
    const before = node.dataset.level;
    if (before === (level ?? undefined)) return;
    for (const target of [node, node.levelHost].filter(Boolean)) {
      if (level) target.dataset.level = level;
      else delete target.dataset.level;
    }
    if (level === "alert" && (before === "ok" || before === "warn")) raiseAlert(node);
  }

  function raiseAlert(subject) {
    if (announcing) callEach(alertListeners, subject);
  }

  // Once a second: timer texts, the clock, source freshness, the banner, the watchdog.
  function tick() {
    const now = serverNow();
    for (const node of timers) updateTimer(node, now);
    setText(dom.clock, clockFormat.format(new Date(now * 1000)));
    for (const name of sourcePills.keys()) renderSourceStatus(name, now);
    expireGuesses(Date.now());
    checkWatchdog();
    renderConnection();
    callEach(tickListeners, now);
  }

  // ----- rendering: everything -----------------------------------------------------------------

  function renderEverything() {
    renderAgents(new Set([...agentTiles.keys(), ...Object.keys(model.agents)]));
    for (const id of new Set([...queuePanels.keys(), ...Object.keys(model.queues)])) renderQueue(id);
    for (const name of new Set([...sourcePills.keys(), ...Object.keys(model.sources)])) {
      renderSource(name);
    }
  }

  // ----- rendering: agents ---------------------------------------------------------------------
  // Tiles are sorted by name, not by state: a supervisor looks for a person, and a grid that
  // reshuffles whenever someone picks up a call is unreadable from across the room.

  function renderAgents(ids) {
    for (const id of ids) renderAgent(id);
  }

  function renderAgent(id) {
    const agent = agentView(id);
    const tile = agentTiles.get(id);
    if (!agent) {
      if (tile) tile.root.remove();
      agentTiles.delete(id);
      return;
    }
    const current = tile || createAgentTile(id);
    agentTiles.set(id, current);
    fillAgentTile(current, agent);
    placeByName(dom.agents, current.root, agent.name || id);
  }

  function createAgentTile(id) {
    const tile = {
      root: el("li", "agent"),
      name: el("div", "agent-name", { dir: "auto" }),
      // A phrase in the board's language ("ext. 201"), so it takes its own direction.
      extension: el("span", "agent-ext", { dir: "auto" }),
      state: el("span", "agent-state"),
      reason: el("span", "agent-reason", { dir: "auto" }),
      timer: timerNode("agent-timer"),
      call: el("span", "agent-call"),
      direction: el("span", "agent-direction", { role: "img" }),
      party: el("span", "agent-party", { dir: "ltr" }),
      flag: el("span", "agent-flag"),
    };
    tile.root.dataset.id = id;
    tile.timer.levelHost = tile.root;
    tile.flag.textContent = t("not_registered");
    const status = el("div", "agent-status");
    status.append(tile.state, tile.timer);
    tile.call.append(tile.direction, tile.party);
    const line = el("div", "agent-line");
    line.append(tile.flag, tile.call, tile.reason, tile.extension);
    tile.root.append(tile.name, status, line);
    return tile;
  }

  function fillAgentTile(tile, agent) {
    const state = STATES.includes(agent.state) ? agent.state : "unknown";
    const unregistered = agent.registered === false;
    const call = currentCalls(agent)[0] || null;
    const actionable = AGENT_ACTIONS.some((action) => supports(agent, action));
    const classes = ["agent", `state-${state}`];
    if (unregistered) classes.push("is-unregistered");
    if (actionable) classes.push("is-actionable");
    if (guesses.agents.has(agent.id)) classes.push("is-optimistic");
    setClassName(tile.root, classes.join(" "));
    setInteractive(tile.root, actionable);
    setText(tile.name, agent.name || agent.id);
    setText(tile.extension, agent.extension ? t("extension", { extension: agent.extension }) : "");
    setText(tile.state, t(`state_${state}`));
    setText(tile.reason, agent.state_reason || "");
    fillAgentCall(tile, call);
    showOnAgentLine(tile, agentLineItem(agent, call, unregistered));
    // Pause limits count time in the pause, so they apply while the timer shows it (no call).
    setLimits(tile.timer, state === "paused" && !call ? pauseLimits(agent.state_reason) : null);
    setTimer(tile.timer, timerEpoch(agent, call));
  }

  // The board's limit for this pause reason (else its default); amber from 75% of it.
  function pauseLimits(reason) {
    const byReason = thresholds.pause_alert_seconds || {};
    const alert = positive(byReason[reason], positive(thresholds.pause_alert_default_seconds, 900));
    return { warn: alert * PAUSE_WARN_SHARE, alert };
  }

  // The tile's third line has room for one thing, the most urgent first. A phone that is not
  // registered cannot take calls, so that warning outranks even the current call.
  function agentLineItem(agent, call, unregistered) {
    if (unregistered) return "flag";
    if (call) return "call";
    return agent.state_reason ? "reason" : "extension";
  }

  function showOnAgentLine(tile, item) {
    for (const name of ["flag", "call", "reason", "extension"]) tile[name].hidden = name !== item;
  }

  // The listed calls that we know about and that have not ended; the tile shows the first.
  function currentCalls(agent) {
    return (agent.call_ids || [])
      .map((id) => model.calls[id])
      .filter((call) => call && call.status !== "ended");
  }

  function fillAgentCall(tile, call) {
    if (!call) return;
    const outbound = call.direction === "outbound";
    // An arrow rather than the word: it leaves a whole phone number room beside it in every
    // language ("IN" would fit, "GƏLƏN" would not). The word is its name and hover text.
    const word = t(outbound ? "direction_out" : "direction_in");
    setText(tile.direction, outbound ? "↗" : "↙");
    if (tile.direction.title !== word) {
      tile.direction.title = word;
      tile.direction.setAttribute("aria-label", word);
    }
    setText(tile.party, (outbound ? call.callee : call.caller) || "");
  }

  // On a call the timer shows the call (talk time once answered); otherwise time in state.
  function timerEpoch(agent, call) {
    if (!call) return agent.state_since;
    const answered = call.status === "talking" || call.status === "hold";
    return (answered && call.answered_at) || call.started_at || agent.state_since;
  }

  // The layout lists fewer callers on a crowded screen, so the queue cards keep their height.
  function showCallers(count) {
    if (count === callersShown) return;
    callersShown = count;
    for (const id of queuePanels.keys()) renderQueue(id);
  }

  // ----- rendering: queues ---------------------------------------------------------------------
  // Queues are ordered by name for the same reason as agents: a fixed place for each.

  function renderQueue(id) {
    const queue = queueView(id);
    const panel = queuePanels.get(id);
    if (!queue) {
      if (panel) panel.root.remove();
      queuePanels.delete(id);
      return;
    }
    const current = panel || createQueuePanel(id);
    queuePanels.set(id, current);
    fillQueuePanel(current, queue);
    placeByName(dom.queues, current.root, queue.name || id);
  }

  function createQueuePanel(id) {
    const panel = {
      root: el("article", "queue"),
      name: el("h3", "queue-name", { dir: "auto" }),
      count: el("span", "queue-count-value"),
      longest: timerNode("queue-longest-value"),
      list: el("ol", "queue-callers"),
      more: el("p", "queue-more"),
      today: createQueueToday(),
      callers: new Map(),
    };
    panel.root.dataset.id = id;
    panel.longest.levelHost = panel.root;
    setLimits(panel.longest, waitLimits);
    const count = el("p", "queue-count");
    const countLabel = el("span", "queue-count-label");
    countLabel.textContent = t("waiting");
    count.append(panel.count, countLabel);
    const longest = el("p", "queue-longest");
    const longestLabel = el("span", "queue-longest-label");
    longestLabel.textContent = t("longest");
    longest.append(longestLabel, panel.longest);
    const stats = el("div", "queue-stats");
    stats.append(count, longest);
    panel.root.append(panel.name, stats, panel.today.root, panel.list, panel.more);
    return panel;
  }

  // Today's offered / answered / abandoned, for PBXs that count them per queue.
  function createQueueToday() {
    const today = { root: el("dl", "queue-today", { title: t("today") }), cells: {} };
    for (const key of ["offered", "answered", "abandoned"]) {
      const cell = el("div", `queue-today-cell is-${key}`);
      const label = el("dt", "queue-today-label");
      const value = el("dd", "queue-today-value", { dir: "ltr" });
      label.textContent = t(key);
      cell.append(label, value);
      today.root.append(cell);
      today.cells[key] = { root: cell, value };
    }
    return today;
  }

  // A figure the PBX does not give is left out, never shown as a zero it did not report.
  function fillQueueToday(today, queue) {
    let known = 0;
    for (const [key, cell] of Object.entries(today.cells)) {
      const value = queue[`${key}_today`];
      const shown = typeof value === "number";
      cell.root.hidden = !shown;
      if (shown) setText(cell.value, formatCount(value));
      known += Number(shown);
    }
    today.root.hidden = known === 0;
  }

  function fillQueuePanel(panel, queue) {
    const waiting = [...(queue.waiting || [])].sort((a, b) => a.joined_at - b.joined_at);
    setText(panel.name, queue.name || queue.id);
    setText(panel.count, formatCount(waiting.length));
    panel.root.classList.toggle("is-empty", waiting.length === 0);
    panel.root.classList.toggle("is-optimistic", guesses.queues.has(queue.id));
    const actionable = waiting.length > 0 && supports(queue, "kick");
    panel.root.classList.toggle("is-actionable", actionable);
    setInteractive(panel.root, actionable);
    setTimer(panel.longest, waiting.length ? waiting[0].joined_at : null, NO_VALUE);
    fillQueueToday(panel.today, queue);
    const shown = callersShown;
    renderCallers(panel, waiting.slice(0, shown));
    const hidden = waiting.length - shown;
    setText(panel.more, hidden > 0 ? t("more_callers", { n: formatCount(hidden) }) : "");
    // With no list at all (dense floors) "+3 more" would only repeat the big count.
    panel.more.hidden = hidden <= 0 || shown === 0;
  }

  // Longest wait first; rows are keyed by call id and only moved when out of place.
  function renderCallers(panel, waiting) {
    const keep = new Set(waiting.map((entry) => entry.call_id));
    for (const [callId, row] of panel.callers) {
      if (!keep.has(callId)) {
        row.root.remove();
        panel.callers.delete(callId);
      }
    }
    waiting.forEach((entry, index) => {
      const row = panel.callers.get(entry.call_id) || createCallerRow(entry.call_id);
      panel.callers.set(entry.call_id, row);
      setText(row.phone, entry.phone || "");
      setTimer(row.timer, entry.joined_at);
      const at = panel.list.children[index];
      if (at !== row.root) panel.list.insertBefore(row.root, at || null);
    });
  }

  function createCallerRow(callId) {
    const row = {
      root: el("li", "queue-caller"),
      phone: el("span", "queue-caller-phone", { dir: "ltr" }),
      timer: timerNode("queue-caller-wait"),
    };
    row.timer.levelHost = row.root;
    setLimits(row.timer, waitLimits);
    row.root.dataset.callId = callId;
    row.root.append(row.phone, row.timer);
    return row;
  }

  // ----- rendering: source health --------------------------------------------------------------

  function renderSource(name) {
    const source = model.sources[name];
    const pill = sourcePills.get(name);
    if (!source) {
      if (pill) pill.root.remove();
      sourcePills.delete(name);
      return;
    }
    const current = pill || createSourcePill(name);
    sourcePills.set(name, current);
    placeByName(dom.sources, current.root, name);
    renderSourceStatus(name, serverNow());
  }

  // Reads "voicenter: data 42 s old · HTTP 502" when stale, just "voicenter" when fresh.
  function createSourcePill(name) {
    const pill = {
      root: el("li", "source"),
      name: el("span", "source-name"),
      stale: el("span", "source-stale"),
      prefix: el("span", "source-prefix"),
      age: timerNode("source-age"),
      suffix: el("span", "source-suffix"),
      separator: el("span", "source-separator"),
      error: el("span", "source-error", { dir: "auto" }),
    };
    pill.root.dataset.id = name;
    // Each part keeps its own direction, so a Hebrew board reads "voicenter: נתונים מלפני 42 שנ׳".
    pill.name.dir = "auto";
    pill.name.textContent = name;
    pill.age.dir = "auto"; // "42 s" or "42 שנ׳": an age is a phrase, not a bare timer
    pill.age.dataset.format = "age";
    pill.separator.textContent = " · ";
    pill.stale.append(pill.prefix, pill.age, pill.suffix, pill.separator, pill.error);
    pill.root.append(pill.name, pill.stale);
    return pill;
  }

  // Re-evaluated every tick: a source goes stale by time passing, not only by a message.
  function renderSourceStatus(name, now) {
    const source = model.sources[name];
    const pill = sourcePills.get(name);
    const lastOk = typeof source.last_ok_at === "number" ? source.last_ok_at : null;
    const stale = !source.ok || lastOk === null || now - lastOk > staleAfterSeconds;
    setClassName(pill.root, stale ? "source is-stale" : "source is-fresh");
    pill.root.title = sourceTitle(name, source);
    pill.stale.hidden = !stale;
    if (!stale) return;
    // The age is a ticking node inside the sentence, so the sentence is split around it.
    const [before, after] = lastOk === null
      ? [t("source_no_data"), ""]
      : splitAround(t("source_data_age"), "{age}");
    setText(pill.prefix, `: ${before}`);
    setTimer(pill.age, lastOk);
    setText(pill.suffix, after);
    pill.separator.hidden = !source.last_error;
    setText(pill.error, source.last_error || "");
  }

  function sourceTitle(name, source) {
    const parts = [name];
    if (typeof source.latency_ms === "number") parts.push(`${Math.round(source.latency_ms)} ms`);
    if (source.last_error) parts.push(source.last_error);
    return parts.join(" · ");
  }

  // ----- rendering: connection state -----------------------------------------------------------

  function connectionStatus() {
    if (link.connected) return "live";
    if (link.silent) return "silent";
    return link.attempt > 0 ? "reconnecting" : "connecting";
  }

  function renderConnection() {
    const status = connectionStatus();
    if (dom.connection.dataset.status !== status) dom.connection.dataset.status = status;
    setText(dom.connectionText, t(`connection_${status}`));
    dom.body.classList.toggle("is-offline", !link.connected);
    renderBanner(status);
  }

  function renderBanner(status) {
    const show = status === "silent" || status === "reconnecting";
    dom.banner.hidden = !show;
    if (!show) return;
    const quietSeconds = Math.floor((Date.now() - link.lastUpdateAt) / 1000);
    const reconnecting = t("reconnecting_attempt", { n: formatCount(link.attempt) });
    setText(dom.bannerText, link.silent
      ? `${t("silent_for", { seconds: formatCount(quietSeconds) })} · ${reconnecting}`
      : reconnecting);
    const waitMs = link.retryAt === null ? null : Math.max(0, link.retryAt - Date.now());
    setText(dom.bannerDetail, waitMs === null
      ? t("trying_now")
      : t("next_try", { seconds: formatCount(Math.ceil(waitMs / 1000)) }));
  }

  // ----- supervisors' guesses, and the core the other board files build on ---------------------

  function sourceOf(entity) {
    return entity.source || String(entity.id).split(":", 1)[0];
  }

  function supports(entity, action) {
    const actions = capabilities[sourceOf(entity)];
    return Array.isArray(actions) && actions.includes(action);
  }

  // What the board shows for an agent: the server's agent with any guess laid over it.
  function agentView(id) {
    const agent = model.agents[id];
    const guess = guesses.agents.get(id);
    return agent && guess ? { ...agent, ...guess.patch } : agent;
  }

  function queueView(id) {
    const queue = model.queues[id];
    const guess = guesses.queues.get(id);
    if (!queue || !guess) return queue;
    return { ...queue, waiting: (queue.waiting || []).filter((w) => !guess.gone.has(w.call_id)) };
  }

  function guessAgent(id, patch) {
    guesses.agents.set(id, { patch, until: Date.now() + guessTtlMs });
    renderAgents([id]);
    notifyUpdate(["agents"]);
  }

  function guessCallerGone(queueId, callId) {
    const gone = new Set(guesses.queues.get(queueId)?.gone);
    gone.add(callId);
    guesses.queues.set(queueId, { gone, until: Date.now() + guessTtlMs });
    renderQueue(queueId);
    notifyUpdate(["queues"]);
  }

  function expireGuesses(nowMs) {
    const expired = { agents: [], queues: [] };
    for (const [name, byId] of Object.entries(guesses)) {
      for (const [id, guess] of byId) {
        if (guess.until > nowMs) continue;
        byId.delete(id);
        expired[name].push(id);
      }
    }
    if (expired.agents.length) renderAgents(expired.agents);
    for (const id of expired.queues) renderQueue(id);
    const names = Object.keys(expired).filter((name) => expired[name].length);
    if (names.length) notifyUpdate(names);
  }

  // `cause` is "snapshot", "delta" or "guess": a snapshot redraws, it brings no news.
  function notifyUpdate(names, cause = "guess") {
    callEach(updateListeners, new Set(names), cause);
  }

  // What the other board files build on: the model as shown (guesses included), news of every
  // change, alert and tick, and the timers the tick keeps (their DOM helpers are in the kit).
  window.wallboardCore = Object.freeze({
    states: STATES,
    agent: agentView,
    agents: () => Object.keys(model.agents).map(agentView),
    queue: queueView,
    currentCalls,
    stats: () => model.stats,
    recentCalls: () => model.recent_calls,
    sms: () => model.sms,
    series: () => model.series,
    supports,
    guessAgent,
    guessCallerGone,
    onUpdate: (listener) => updateListeners.push(listener),
    onAlert: (listener) => alertListeners.push(listener),
    raiseAlert,
    onTick: (listener) => tickListeners.push(listener),
    showCallers,
    stateText: (state) => t(`state_${STATES.includes(state) ? state : "unknown"}`),
    ui: { setTimer, setLimits, waitLimits, serverNow },
  });

  // ----- start ---------------------------------------------------------------------------------

  window.wallboard = Object.freeze({
    get version() { return version; },
    get connected() { return link.connected; },
    get offset() { return offsetSeconds; },
    get state() { return structuredClone(model); },
  });

  connect();
  tick();
  setInterval(tick, TICK_MS);
})();
