/*
 * The SMS ticker: a slim strip along the bottom with the latest incoming messages, newest first,
 * on boards whose settings turn it on (board_config.sms_ticker). It stays out of the way (and
 * takes no room) until there is a message to show.
 *
 * state.sms is {source: [{phone, message, received_at}, ...]}, newest first per source; other
 * fields may come and are ignored. It does not scroll: a moving line is hard to read from across
 * the room, so it shows as many of the newest messages as fit, each cut short with an ellipsis.
 * Message texts come from the public: textContent only. Loaded after board.js.
 */
(function wallboardTicker() {
  "use strict";

  const core = window.wallboardCore;
  const { config, clockFormat, translator, el, setText } = window.wallboardKit;
  if (config.sms_ticker !== true) return;

  const SHOWN = 8; // more than ever fit on one line; the strip clips the rest

  const t = translator({ sms_title: "SMS" });
  const ticker = {
    root: document.getElementById("ticker"),
    list: el("ol", "ticker-list"),
    rows: new Map(),
  };
  const title = el("h2", "ticker-title");
  title.textContent = t("sms_title");
  ticker.root.append(title, ticker.list);

  function latest() {
    return Object.values(core.sms() || {})
      .filter(Array.isArray)
      .flat()
      .filter((sms) => sms && typeof sms === "object")
      .sort((a, b) => (Number(b.received_at) || 0) - (Number(a.received_at) || 0))
      .slice(0, SHOWN);
  }

  function render() {
    const messages = latest();
    ticker.root.hidden = messages.length === 0;
    const keys = messages.map(messageKey);
    for (const [key, row] of ticker.rows) {
      if (!keys.includes(key)) {
        row.root.remove();
        ticker.rows.delete(key);
      }
    }
    messages.forEach((sms, index) => {
      const key = keys[index];
      const row = ticker.rows.get(key) || createRow();
      ticker.rows.set(key, row);
      fillRow(row, sms);
      const at = ticker.list.children[index];
      if (at !== row.root) ticker.list.insertBefore(row.root, at || null);
    });
  }

  // Messages carry no id: who, when and what together tell them apart.
  function messageKey(sms) {
    return JSON.stringify([sms.phone, sms.received_at, sms.message]);
  }

  function createRow() {
    const row = {
      root: el("li", "ticker-item"),
      time: el("time", "ticker-time", { dir: "ltr" }),
      phone: el("span", "ticker-phone", { dir: "ltr" }),
      message: el("span", "ticker-message", { dir: "auto" }),
    };
    row.root.append(row.time, row.phone, row.message);
    return row;
  }

  function fillRow(row, sms) {
    const received = typeof sms.received_at === "number" ? new Date(sms.received_at * 1000) : null;
    setText(row.time, received ? clockFormat.format(received) : "");
    if (received) row.time.dateTime = received.toISOString();
    setText(row.phone, String(sms.phone ?? ""));
    setText(row.message, String(sms.message ?? ""));
  }

  core.onUpdate((changed) => {
    if (changed.has("sms")) render();
  });
  render();
})();
