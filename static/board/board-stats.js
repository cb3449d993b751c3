/*
 * The board's figures on every screen (TVs included): today's statistics strip under the title,
 * and the row of agents by state above the tiles.
 *
 * The server sends one DayStats per source (state.stats / changes.stats). The strip shows one
 * set of figures for the whole board: counts simply add, and each rate is recomputed from the
 * counts behind it (never an average of percentages), so it reads as if one source had
 * reported everything. Each source's own figures are in the strip's hover text. A service level
 * under the board's target shows red, and is news (a beep, see board-alerts.js) when it drops
 * there on an update.
 *
 * Loaded after board.js, whose window.wallboardCore it builds on.
 */
(function wallboardStats() {
  "use strict";

  const core = window.wallboardCore;
  const {
    NO_VALUE, config, collator, translator, formatCount, formatPercent, formatWholePercent,
    formatDuration, positive, el, setText,
  } = window.wallboardKit;

  const t = translator({
    today: "Today",
    today_from: "Today from 00:00 {time_zone}",
    offered: "Offered",
    answered: "Answered",
    missed: "Missed",
    abandon: "Abandon",
    sl: "SL",
    sl_seconds: "SL {seconds} s",
    sl_formula: "answered within {seconds} s ÷ offered (inbound, abandoned included)",
    sl_below_target: "Below the {target} target",
    asa: "ASA",
    asa_hint: "Average speed of answer",
    aht: "AHT",
    aht_hint: "Average handle time (talk)",
    outbound: "Outbound",
    mixed_thresholds: "sources use different SL thresholds",
    per_source: "{source}: {offered} offered · {answered} answered · {missed} missed · SL {sl}",
    agents: "Agents",
  });
  const targetPct = positive(config.thresholds?.service_level_target_pct, 80);

  // [key, label, hover hint]; the service level's label carries its threshold, set per render.
  const CELLS = [
    ["offered", t("offered")],
    ["answered", t("answered")],
    ["missed", t("missed")],
    ["abandon", t("abandon")],
    ["service_level", ""],
    ["asa", t("asa"), t("asa_hint")],
    ["aht", t("aht"), t("aht_hint")],
    ["outbound", t("outbound")],
  ];

  const strip = document.getElementById("stats");
  const title = el("h2", "stats-title");
  const cells = createStrip();
  const stateRow = createStateRow(document.getElementById("agent-states"));
  let belowTarget = false;

  function createStrip() {
    title.textContent = t("today");
    strip.append(title);
    const created = {};
    for (const [key, label, hint] of CELLS) {
      const cell = {
        root: el("div", "stat"),
        label: el("span", "stat-label"),
        value: el("span", "stat-value", { dir: "ltr" }),
      };
      cell.root.dataset.stat = key;
      cell.label.textContent = label;
      if (hint) cell.root.title = hint;
      cell.root.append(cell.label, cell.value);
      strip.append(cell.root);
      created[key] = cell;
    }
    // The formula stays on screen: whoever asks "service level of what?" can read it there.
    created.service_level.caption = el("span", "stat-caption");
    created.service_level.root.append(created.service_level.caption);
    return created;
  }

  function render(cause) {
    const all = core.stats();
    const day = combined(Object.values(all)) || {};
    const threshold = day.service_level_seconds;
    setText(title, dayTitle(day.time_zone));
    setText(cells.offered.value, formatCount(day.offered));
    setText(cells.answered.value, formatCount(day.answered));
    setText(cells.missed.value, formatCount(day.missed));
    setText(cells.abandon.value, formatPercent(day.abandon_pct));
    setText(cells.service_level.label, typeof threshold === "number"
      ? t("sl_seconds", { seconds: formatCount(threshold) })
      : t("sl"));
    setText(cells.service_level.value, formatPercent(day.service_level_pct));
    // Worded here rather than taken from the server, so it reads in the board's language.
    setText(cells.service_level.caption, slCaption(threshold));
    cells.service_level.caption.title = cells.service_level.caption.textContent;
    setText(cells.asa.value, formatSeconds(day.asa_seconds));
    setText(cells.aht.value, formatSeconds(day.aht_seconds));
    setText(cells.outbound.value, formatCount(day.outbound));
    strip.title = perSource(all);
    showTarget(day.service_level_pct, cause);
  }

  // The server's day starts at midnight in one zone (WALLBOARD_TIME_ZONE): a board keeping
  // another zone's clock says whose "today" its figures are.
  function dayTitle(timeZone) {
    if (!timeZone || timeZone === config.time_zone) return t("today");
    return t("today_from", { time_zone: timeZone });
  }

  // null: the sources' thresholds differ, so no one formula (nor figure) is true of them all.
  function slCaption(threshold) {
    if (typeof threshold === "number") return t("sl_formula", { seconds: formatCount(threshold) });
    return threshold === null ? t("mixed_thresholds") : "";
  }

  // Red with a mark and a spoken hint under the target; only a drop seen on an update is news.
  function showTarget(serviceLevel, cause) {
    const below = typeof serviceLevel === "number" && serviceLevel < targetPct;
    const cell = cells.service_level.root;
    if (below) cell.dataset.level = "alert";
    else delete cell.dataset.level;
    cell.title = below ? t("sl_below_target", { target: formatWholePercent(targetPct) }) : "";
    if (below && !belowTarget && cause === "delta") core.raiseAlert(cell);
    belowTarget = below;
  }

  // ----- agents by state -----------------------------------------------------------------------
  // One count per state in the state's colour, in the tiles' fixed order; a state nobody is in
  // is left out so the row stays short. It doubles as the colour key of the densest tiles.

  function createStateRow(list) {
    const total = stateItem("total", t("agents"));
    list.append(total.root);
    const items = new Map(
      core.states.map((state) => [state, stateItem(state, core.stateText(state))]),
    );
    for (const item of items.values()) list.append(item.root);
    return { total, items };
  }

  function stateItem(state, label) {
    const item = {
      root: el("li", `agent-count state-${state}`),
      label: el("span", "agent-count-label"),
      value: el("span", "agent-count-value", { dir: "ltr" }),
    };
    item.root.dataset.state = state;
    item.label.textContent = label;
    item.root.append(item.label, item.value);
    return item;
  }

  function renderStates() {
    const counts = new Map(core.states.map((state) => [state, 0]));
    const agents = core.agents();
    for (const agent of agents) {
      const state = counts.has(agent.state) ? agent.state : "unknown";
      counts.set(state, counts.get(state) + 1);
    }
    setText(stateRow.total.value, formatCount(agents.length));
    for (const [state, item] of stateRow.items) {
      const count = counts.get(state);
      item.root.hidden = count === 0;
      setText(item.value, formatCount(count));
    }
  }

  // Only the latest day adds up: just after midnight a source whose statistics have not been
  // refreshed yet still reports yesterday.
  function combined(all) {
    const latest = all.reduce((day, stats) => (stats.day > day ? stats.day : day), "");
    const today = all.filter((stats) => stats.day === latest);
    if (today.length <= 1) return today[0] || null;
    const offered = sum(today, (stats) => stats.offered);
    const missed = sum(today, (stats) => stats.missed);
    const threshold = today[0].service_level_seconds;
    const sameThreshold = today.every((stats) => stats.service_level_seconds === threshold);
    return {
      day: latest,
      time_zone: today[0].time_zone, // one server, one WALLBOARD_TIME_ZONE for every source
      offered,
      answered: sum(today, (stats) => stats.answered),
      missed,
      outbound: sum(today, (stats) => stats.outbound),
      abandon_pct: percentOf(missed, offered),
      service_level_seconds: sameThreshold ? threshold : null,
      service_level_pct: sameThreshold ? percentOf(sum(today, answeredInTime), offered) : null,
      asa_seconds: meanPerAnswered(today, "asa_seconds"),
      aht_seconds: meanPerAnswered(today, "aht_seconds"),
    };
  }

  // Back from the rounded percentage to the count: exact below 1,000 offered calls a day, and
  // within 0.05 points of the true rate above that.
  function answeredInTime(stats) {
    if (typeof stats.service_level_pct !== "number") return 0;
    return Math.round((stats.service_level_pct * (stats.offered || 0)) / 100);
  }

  // ASA and AHT are means over answered calls, so they combine weighted by answered calls.
  function meanPerAnswered(all, key) {
    const known = all.filter((stats) => typeof stats[key] === "number" && stats.answered > 0);
    const answered = sum(known, (stats) => stats.answered);
    if (answered === 0) return null;
    return sum(known, (stats) => stats[key] * stats.answered) / answered;
  }

  function sum(items, value) {
    return items.reduce((total, item) => total + (Number(value(item)) || 0), 0);
  }

  function percentOf(part, whole) {
    return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
  }

  function perSource(all) {
    const entries = Object.entries(all);
    if (entries.length < 2) return "";
    entries.sort(([a], [b]) => collator.compare(a, b));
    return entries.map(([source, stats]) => t("per_source", {
      source,
      offered: formatCount(stats.offered),
      answered: formatCount(stats.answered),
      missed: formatCount(stats.missed),
      sl: formatPercent(stats.service_level_pct),
    })).join("\n");
  }

  function formatSeconds(value) {
    return typeof value === "number" ? formatDuration(Math.round(value)) : NO_VALUE;
  }

  core.onUpdate((changed, cause) => {
    if (changed.has("stats")) render(cause);
    if (changed.has("agents")) renderStates();
  });
  render("snapshot"); // "–" everywhere until the first figures: the strip never changes size
  renderStates();
})();
