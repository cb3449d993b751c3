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
 * Loaded first; board-stats.js (today's figures) and board-actions.js (supervisors' controls)
 * follow and build on window.wallboardCore (see the end of this file).
 */
(function wallboard() {
  "use strict";

  const TICK_MS = 1000;
  const RECONNECT_MIN_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  const STATES = [
    "available", "ringing", "dialing", "talking", "hold", "paused", "offline", "unknown",
  ];
  // stats and recent_calls are keyed by source: {source: DayStats} and {source: [call, ...]}.
  const COLLECTIONS = ["agents", "calls", "queues", "sources", "stats", "recent_calls"];
  const AGENT_ACTIONS = ["call", "hangup", "pause", "unpause"];
  const RELOAD_MIN_INTERVAL_MS = 60000;
  const RELOAD_KEY = "wallboard.reloadedAt";
  // Bigger floors get smaller tiles and shorter caller lists so 60 agents fit one 1080p screen.
  const DENSITIES = [
    { upTo: 20, className: "density-roomy", callersShown: 4 },
    { upTo: 30, className: "density-compact", callersShown: 2 },
    { upTo: Infinity, className: "density-dense", callersShown: 0 },
  ];

  // All user-visible wording in one place, so a Hebrew board only swaps this table.
  const TEXT = {
    states: {
      available: "Available", ringing: "Ringing", dialing: "Dialing", talking: "Talking",
      hold: "On hold", paused: "Paused", offline: "Offline", unknown: "Unknown",
    },
    direction: { inbound: "In", outbound: "Out" },
    extension: "ext.",
    notRegistered: "Phone not registered",
    waiting: "waiting",
    longest: "Longest",
    noWait: "–",
    moreCallers: (n) => `+${n} more`,
    sourceData: ": data ",
    sourceOld: " old",
    sourceNoData: ": no data yet",
    connection: {
      connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting", silent: "No updates",
    },
    reconnecting: (attempt) => `Reconnecting… attempt ${attempt}`,
    silentFor: (seconds) => `No updates for ${seconds} s`,
    nextTry: (seconds) => `next try in ${seconds} s`,
    tryingNow: "connecting now",
  };

  const config = readConfig();
  const staleAfterSeconds = 3 * (Number(config.poll_seconds) || 2);
  const waitWarnSeconds = Number(config.wait_warn_seconds) || 60;
  const waitAlertSeconds = Number(config.wait_alert_seconds) || 180;
  // A guess the server never confirms (nor contradicts) lapses after twice the staleness time.
  const guessTtlMs = 2 * staleAfterSeconds * 1000;
  // Only a logged-in supervisor's page carries capabilities; a TV has none, so no controls.
  const capabilities = (config.can_act === true && config.capabilities) || {};
  const collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true, sensitivity: "base",
  });
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  // ----- the local model -----------------------------------------------------------------------

  const model = Object.fromEntries(COLLECTIONS.map((name) => [name, {}]));
  let version = null;
  let offsetSeconds = 0;
  // Deltas only make sense on top of a snapshot; true from connect (or a gap) until one arrives.
  let awaitingSnapshot = true;
  let density = null;
  let reloadTimer = null;

  // Supervisors see an action's expected effect at once, kept apart from the model so the
  // server's word always wins: any snapshot, or a delta naming the entity, drops the guess.
  const guesses = {
    agents: new Map(), // id -> { patch, until }
    queues: new Map(), // id -> { gone: Set of waiting call ids, until }
  };
  const updateListeners = [];

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

  function readConfig() {
    const node = document.getElementById("board-config");
    return node ? JSON.parse(node.textContent) : {};
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
    renderEverything();
    notifyUpdate(COLLECTIONS);
    checkCodeVersion(message.code_version);
    // Only a snapshot that rendered proves the connection works, so only it resets the backoff.
    link.connected = true;
    link.attempt = 0;
    link.silent = false;
    markApplied();
  }

  function receiveDelta(message) {
    if (awaitingSnapshot || message.version <= version) {
      // Still in sync when it is an old duplicate; a delta after a gap proves nothing.
      if (!awaitingSnapshot) link.lastUpdateAt = Date.now();
      return;
    }
    if (message.version !== version + 1) {
      requestResync();
      return;
    }
    const changes = message.changes || {};
    applyChanges(changes);
    version = message.version;
    markApplied();
    notifyUpdate(Object.keys(changes));
  }

  // Sent once per gap: further deltas are ignored until the snapshot answers it.
  function requestResync() {
    awaitingSnapshot = true;
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

  function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = String(seconds % 60).padStart(2, "0");
    return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function formatAge(seconds) {
    if (seconds < 120) return `${seconds} s`;
    if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
    return `${Math.floor(seconds / 3600)} h`;
  }

  function waitLevel(seconds) {
    if (seconds >= waitAlertSeconds) return "alert";
    return seconds >= waitWarnSeconds ? "warn" : "ok";
  }

  // A timer is any .js-timer node carrying the epoch it counts from; the tick rewrites its text.
  function setTimer(node, epoch, placeholder = "") {
    if (epoch === null || epoch === undefined) {
      delete node.dataset.since;
      delete node.dataset.level;
      setText(node, placeholder);
      return;
    }
    node.dataset.since = String(epoch);
    updateTimer(node, serverNow());
  }

  function updateTimer(node, now) {
    if (node.dataset.since === undefined) return;
    const seconds = Math.max(0, Math.floor(now - Number(node.dataset.since)));
    setText(node, node.dataset.format === "age" ? formatAge(seconds) : formatDuration(seconds));
    if (node.classList.contains("js-wait")) node.dataset.level = waitLevel(seconds);
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
  }

  // ----- DOM helpers ---------------------------------------------------------------------------

  function el(tag, className, attributes = {}) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  // Writing identical text still costs a mutation and a repaint; skip it.
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function setClassName(node, className) {
    if (node.className !== className) node.className = className;
  }

  // Supervisors open a panel from a tile or card: keyboard reachable, announced as a button.
  function setInteractive(node, interactive) {
    if (node.hasAttribute("tabindex") === interactive) return;
    if (interactive) {
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-haspopup", "dialog");
    } else {
      for (const name of ["tabindex", "role", "aria-haspopup"]) node.removeAttribute(name);
    }
  }

  function timerNode(className) {
    return el("span", `${className} js-timer`, { role: "timer", dir: "ltr" });
  }

  // Keeps name order (then id, for equal names) by inserting at the first larger sibling.
  function insertSorted(container, node) {
    for (const other of container.children) {
      if (other !== node && compareNodes(node, other) < 0) {
        container.insertBefore(node, other);
        return;
      }
    }
    container.appendChild(node);
  }

  function compareNodes(a, b) {
    const byName = collator.compare(a.dataset.sort, b.dataset.sort);
    if (byName !== 0) return byName;
    return a.dataset.id < b.dataset.id ? -1 : Number(a.dataset.id > b.dataset.id);
  }

  function placeByName(container, node, sortName) {
    if (node.isConnected && node.dataset.sort === sortName) return;
    node.dataset.sort = sortName;
    insertSorted(container, node);
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
    updateDensity();
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
      extension: el("span", "agent-ext", { dir: "ltr" }),
      state: el("span", "agent-state"),
      reason: el("span", "agent-reason", { dir: "auto" }),
      timer: timerNode("agent-timer"),
      call: el("span", "agent-call"),
      direction: el("span", "agent-direction"),
      party: el("span", "agent-party", { dir: "ltr" }),
      flag: el("span", "agent-flag"),
    };
    tile.root.dataset.id = id;
    tile.flag.textContent = TEXT.notRegistered;
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
    setText(tile.extension, agent.extension ? `${TEXT.extension} ${agent.extension}` : "");
    setText(tile.state, TEXT.states[state]);
    setText(tile.reason, agent.state_reason || "");
    fillAgentCall(tile, call);
    showOnAgentLine(tile, agentLineItem(agent, call, unregistered));
    setTimer(tile.timer, timerEpoch(agent, call));
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
    setText(tile.direction, outbound ? TEXT.direction.outbound : TEXT.direction.inbound);
    setText(tile.party, (outbound ? call.callee : call.caller) || "");
  }

  // On a call the timer shows the call (talk time once answered); otherwise time in state.
  function timerEpoch(agent, call) {
    if (!call) return agent.state_since;
    const answered = call.status === "talking" || call.status === "hold";
    return (answered && call.answered_at) || call.started_at || agent.state_since;
  }

  function updateDensity() {
    const next = DENSITIES.find((step) => agentTiles.size <= step.upTo);
    if (next === density) return;
    density = next;
    for (const step of DENSITIES) dom.body.classList.toggle(step.className, step === density);
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
      longest: timerNode("queue-longest-value js-wait"),
      list: el("ol", "queue-callers"),
      more: el("p", "queue-more"),
      callers: new Map(),
    };
    panel.root.dataset.id = id;
    const count = el("p", "queue-count");
    const countLabel = el("span", "queue-count-label");
    countLabel.textContent = TEXT.waiting;
    count.append(panel.count, countLabel);
    const longest = el("p", "queue-longest");
    const longestLabel = el("span", "queue-longest-label");
    longestLabel.textContent = TEXT.longest;
    longest.append(longestLabel, panel.longest);
    const stats = el("div", "queue-stats");
    stats.append(count, longest);
    panel.root.append(panel.name, stats, panel.list, panel.more);
    return panel;
  }

  function fillQueuePanel(panel, queue) {
    const waiting = [...(queue.waiting || [])].sort((a, b) => a.joined_at - b.joined_at);
    setText(panel.name, queue.name || queue.id);
    setText(panel.count, String(waiting.length));
    panel.root.classList.toggle("is-empty", waiting.length === 0);
    panel.root.classList.toggle("is-optimistic", guesses.queues.has(queue.id));
    const actionable = waiting.length > 0 && supports(queue, "kick");
    panel.root.classList.toggle("is-actionable", actionable);
    setInteractive(panel.root, actionable);
    setTimer(panel.longest, waiting.length ? waiting[0].joined_at : null, TEXT.noWait);
    const shown = density.callersShown;
    renderCallers(panel, waiting.slice(0, shown));
    const hidden = waiting.length - shown;
    setText(panel.more, hidden > 0 ? TEXT.moreCallers(hidden) : "");
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
      timer: timerNode("queue-caller-wait js-wait"),
    };
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
      error: el("span", "source-error"),
    };
    pill.root.dataset.id = name;
    pill.name.textContent = name;
    pill.age.dataset.format = "age";
    pill.stale.append(pill.prefix, pill.age, pill.suffix, pill.error);
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
    setText(pill.prefix, lastOk === null ? TEXT.sourceNoData : TEXT.sourceData);
    setTimer(pill.age, lastOk);
    setText(pill.suffix, lastOk === null ? "" : TEXT.sourceOld);
    setText(pill.error, source.last_error ? ` · ${source.last_error}` : "");
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
    setText(dom.connectionText, TEXT.connection[status]);
    dom.body.classList.toggle("is-offline", !link.connected);
    renderBanner(status);
  }

  function renderBanner(status) {
    const show = status === "silent" || status === "reconnecting";
    dom.banner.hidden = !show;
    if (!show) return;
    const quietSeconds = Math.floor((Date.now() - link.lastUpdateAt) / 1000);
    setText(dom.bannerText, link.silent
      ? `${TEXT.silentFor(quietSeconds)} · ${TEXT.reconnecting(link.attempt)}`
      : TEXT.reconnecting(link.attempt));
    const waitMs = link.retryAt === null ? null : Math.max(0, link.retryAt - Date.now());
    setText(dom.bannerDetail, waitMs === null
      ? TEXT.tryingNow
      : TEXT.nextTry(Math.ceil(waitMs / 1000)));
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

  // A broken listener must not cost the board its connection: report it and carry on.
  function notifyUpdate(names) {
    const changed = new Set(names);
    for (const listener of updateListeners) {
      try {
        listener(changed);
      } catch (error) {
        console.error("wallboard: an update listener failed", error);
      }
    }
  }

  // What board-stats.js and board-actions.js build on: the model as shown (guesses included),
  // news of every change, and the helpers that keep their DOM like the rest of the board's.
  window.wallboardCore = Object.freeze({
    config,
    agent: agentView,
    queue: queueView,
    currentCalls,
    stats: () => model.stats,
    recentCalls: () => model.recent_calls,
    supports,
    guessAgent,
    guessCallerGone,
    onUpdate: (listener) => updateListeners.push(listener),
    stateText: (state) => TEXT.states[state] || TEXT.states.unknown,
    ui: { el, setText, timerNode, setTimer, formatDuration, serverNow, clockFormat, collator },
  });

  // ----- start ---------------------------------------------------------------------------------

  window.wallboard = Object.freeze({
    get version() { return version; },
    get connected() { return link.connected; },
    get offset() { return offsetSeconds; },
    get state() { return structuredClone(model); },
  });

  updateDensity();
  connect();
  tick();
  setInterval(tick, TICK_MS);
})();
