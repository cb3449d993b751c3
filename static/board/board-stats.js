/*
 * Today's statistics strip, under the board's title on every screen (TVs included).
 *
 * The server sends one DayStats per source (state.stats / changes.stats). The strip shows one
 * set of figures for the whole board: counts simply add, and each rate is recomputed from the
 * counts behind it (never an average of percentages), so it reads as if one source had
 * reported everything. Each source's own figures are in the strip's hover text.
 *
 * Loaded after board.js, whose window.wallboardCore it builds on.
 */
(function wallboardStats() {
  "use strict";

  const core = window.wallboardCore;
  const { el, setText, formatDuration, collator } = core.ui;

  const TEXT = {
    title: "Today",
    offered: "Offered",
    answered: "Answered",
    missed: "Missed",
    abandon: "Abandon",
    serviceLevel: (seconds) => (typeof seconds === "number" ? `SL ${seconds} s` : "SL"),
    asa: "ASA",
    asaHint: "Average speed of answer",
    aht: "AHT",
    ahtHint: "Average handle time (talk)",
    outbound: "Outbound",
    noData: "–",
    percent: (value) => `${value.toFixed(1)}%`,
    mixedThresholds: "sources use different SL thresholds",
    perSource: (source, f) => `${source}: ${f.offered} offered · ${f.answered} answered · `
      + `${f.missed} missed · SL ${f.serviceLevel}`,
  };

  // [key, label, hover hint]; the service level's label carries its threshold, set per render.
  const CELLS = [
    ["offered", TEXT.offered],
    ["answered", TEXT.answered],
    ["missed", TEXT.missed],
    ["abandon", TEXT.abandon],
    ["service_level", ""],
    ["asa", TEXT.asa, TEXT.asaHint],
    ["aht", TEXT.aht, TEXT.ahtHint],
    ["outbound", TEXT.outbound],
  ];

  const strip = document.getElementById("stats");
  const cells = createStrip();

  function createStrip() {
    const title = el("h2", "stats-title");
    title.textContent = TEXT.title;
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

  function render() {
    const all = core.stats();
    const day = combined(Object.values(all)) || {};
    setText(cells.offered.value, formatCount(day.offered));
    setText(cells.answered.value, formatCount(day.answered));
    setText(cells.missed.value, formatCount(day.missed));
    setText(cells.abandon.value, formatPercent(day.abandon_pct));
    setText(cells.service_level.label, TEXT.serviceLevel(day.service_level_seconds));
    setText(cells.service_level.value, formatPercent(day.service_level_pct));
    setText(cells.service_level.caption, day.service_level_formula || "");
    setText(cells.asa.value, formatSeconds(day.asa_seconds));
    setText(cells.aht.value, formatSeconds(day.aht_seconds));
    setText(cells.outbound.value, formatCount(day.outbound));
    strip.title = perSource(all);
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
      offered,
      answered: sum(today, (stats) => stats.answered),
      missed,
      outbound: sum(today, (stats) => stats.outbound),
      abandon_pct: percentOf(missed, offered),
      service_level_seconds: sameThreshold ? threshold : null,
      service_level_pct: sameThreshold ? percentOf(sum(today, answeredInTime), offered) : null,
      service_level_formula: sameThreshold ? today[0].service_level_formula : TEXT.mixedThresholds,
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
    return entries.map(([source, stats]) => TEXT.perSource(source, {
      offered: formatCount(stats.offered),
      answered: formatCount(stats.answered),
      missed: formatCount(stats.missed),
      serviceLevel: formatPercent(stats.service_level_pct),
    })).join("\n");
  }

  function formatCount(value) {
    return typeof value === "number" ? String(value) : TEXT.noData;
  }

  function formatPercent(value) {
    return typeof value === "number" ? TEXT.percent(value) : TEXT.noData;
  }

  function formatSeconds(value) {
    return typeof value === "number" ? formatDuration(Math.round(value)) : TEXT.noData;
  }

  core.onUpdate((changed) => {
    if (changed.has("stats")) render();
  });
  render(); // "–" everywhere until the first figures, so the strip never changes the layout
})();
