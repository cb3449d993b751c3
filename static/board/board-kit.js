/*
 * What every board file shares and none of them owns: the page's configuration, its words and
 * number formats in the board's language, and the few DOM helpers that keep the board's nodes
 * patched rather than rebuilt. Loaded before board.js; exposes window.wallboardKit.
 *
 * Words: each file keeps its English defaults by key and asks translator(defaults) for a lookup
 * that prefers board_config.text[key] (wallboard/board/ui_text.py, translated by Django for the
 * board's language). Placeholders are {name}, filled here, so translators may move them.
 */
(function wallboardKit() {
  "use strict";

  const NO_VALUE = "–";
  const config = readConfig();
  const language = config.language || document.documentElement.lang || "en";
  const collator = new Intl.Collator(language, { numeric: true, sensitivity: "base" });
  const formats = {
    count: new Intl.NumberFormat(language, { maximumFractionDigits: 0 }),
    percent: new Intl.NumberFormat(language, {
      style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1,
    }),
    // Targets and scales are whole numbers: "80%", not "80.0%".
    wholePercent: new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }),
    // The board's own zone, not the screen's: a TV set up elsewhere still shows the floor's time.
    clock: dateFormat({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  };

  function readConfig() {
    const node = document.getElementById("board-config");
    return node ? JSON.parse(node.textContent) : {};
  }

  // A lookup for one file's words: the server's translation when it sent one, else `defaults`.
  function translator(defaults) {
    const served = config.text && typeof config.text === "object" ? config.text : {};
    return (key, values = {}) => {
      const template = typeof served[key] === "string" ? served[key] : defaults[key];
      return fillTemplate(template ?? key, values);
    };
  }

  function fillTemplate(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (
      Object.hasOwn(values, name) ? String(values[name]) : whole
    ));
  }

  // A misspelt zone must not cost the board its clock: it falls back to the screen's own.
  function dateFormat(options) {
    try {
      return new Intl.DateTimeFormat(language, { ...options, timeZone: config.time_zone });
    } catch (error) {
      console.warn("wallboard: unknown time zone, showing the screen's own", error);
      return new Intl.DateTimeFormat(language, options);
    }
  }

  function formatCount(value) {
    return typeof value === "number" ? formats.count.format(value) : NO_VALUE;
  }

  function formatPercent(value) {
    return typeof value === "number" ? formats.percent.format(value / 100) : NO_VALUE;
  }

  function formatWholePercent(value) {
    return typeof value === "number" ? formats.wholePercent.format(value / 100) : NO_VALUE;
  }

  function positive(value, fallback) {
    const number = Number(value);
    return Number.isFinite(number) && number > 0 ? number : fallback;
  }

  function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = String(seconds % 60).padStart(2, "0");
    return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

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

  // Keeps name order (then id, for equal names): a binary search for the first larger sibling,
  // because 300 tiles inserted one by one at first sight made a linear scan quadratic (60 ms).
  function insertSorted(container, node) {
    const siblings = container.children;
    const own = Array.prototype.indexOf.call(siblings, node); // -1 when not yet inside
    const sibling = (i) => siblings[own >= 0 && i >= own ? i + 1 : i]; // the others, in order
    let low = 0;
    let high = siblings.length - (own >= 0 ? 1 : 0);
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareNodes(node, sibling(middle)) < 0) high = middle;
      else low = middle + 1;
    }
    const before = sibling(low) || null;
    if (own >= 0 && node.nextElementSibling === before) return; // already in place: keep focus
    container.insertBefore(node, before);
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

  function splitAround(text, placeholder) {
    const at = text.indexOf(placeholder);
    return at < 0 ? [`${text} `, ""] : [text.slice(0, at), text.slice(at + placeholder.length)];
  }

  // A broken listener must not cost the board its connection or its clock: report, carry on.
  function callEach(listeners, ...args) {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        console.error("wallboard: a listener failed", error);
      }
    }
  }

  window.wallboardKit = Object.freeze({
    NO_VALUE,
    config,
    language,
    collator,
    clockFormat: formats.clock,
    translator,
    formatCount,
    formatPercent,
    formatWholePercent,
    formatDuration,
    positive,
    el,
    setText,
    setClassName,
    setInteractive,
    timerNode,
    placeByName,
    splitAround,
    callEach,
  });
})();
