/*
 * Fitting the floor on one screen. A TV has nobody to scroll it, so no agent may sit below the
 * fold: the board takes the roomiest tiles in which every agent fits (roomy, compact, dense, then
 * packed: name, state colour and timer only), and when even packed tiles do not fit it shows the
 * agents a page at a time, turning the page every 15 seconds, with "Page 1/2" on screen.
 * board_config.density other than "auto" fixes the tiles' size; paging still applies.
 *
 * Whether tiles fit is measured, not guessed from a count: the room left for them depends on the
 * screen, the queues, the sidebar and the ticker. Measuring costs a layout, so it only happens
 * when the number of agents or the room for them changed. Loaded last, after every other board
 * file has drawn its part of an update.
 */
(function wallboardLayout() {
  "use strict";

  const core = window.wallboardCore;
  const { config, translator, formatCount, setText } = window.wallboardKit;
  const PAGE_MS = 15000;
  // callers: how many waiting callers each queue card lists (fewer on a crowded floor).
  const LAYOUTS = [
    { name: "roomy", callers: 3 },
    { name: "compact", callers: 2 },
    { name: "dense", callers: 0 },
    { name: "packed", callers: 0 },
  ];

  const t = translator({ page_of: "Page {page}/{pages}" });
  const forced = LAYOUTS.find((layout) => layout.name === config.density);
  const grid = document.getElementById("agents");
  const indicator = document.getElementById("agent-page");
  const state = {
    layout: null,
    measuredFor: "", // the agent count and room the current layout was chosen for
    perPage: Infinity,
    pages: 1,
    page: 0,
    turnedAt: Date.now(),
  };

  function tiles() {
    return grid.children;
  }

  // After every update: choose again only when the agents or their room changed; otherwise just
  // keep each tile on its page (names change order, tiles come and go).
  function update() {
    if (roomKey() !== state.measuredFor) relayout();
    else showPage();
  }

  // Each second: the room can change with no update at all (a source's note in the header
  // grows, the banner's words change), and the page turns every 15 seconds.
  function onTick() {
    if (roomKey() !== state.measuredFor) relayout();
    else turnPage();
  }

  function roomKey() {
    return `${tiles().length}:${grid.clientWidth}x${grid.clientHeight}`;
  }

  function relayout() {
    for (const tile of tiles()) tile.hidden = false;
    const candidates = forced ? [forced] : LAYOUTS;
    const fitting = candidates.find((layout) => {
      apply(layout);
      return overflow() === 0;
    });
    if (!fitting) apply(candidates.at(-1));
    paginate(fitting ? Infinity : capacity());
    state.measuredFor = roomKey();
  }

  function apply(layout) {
    if (state.layout === layout) return;
    for (const { name } of LAYOUTS) {
      document.body.classList.toggle(`density-${name}`, name === layout.name);
    }
    state.layout = layout;
    document.body.dataset.density = layout.name;
    core.showCallers(layout.callers);
  }

  function overflow() {
    return Math.max(0, grid.scrollHeight - grid.clientHeight);
  }

  // How many tiles fit at once: those, in grid order, whose bottom is inside the grid.
  function capacity() {
    const bottom = grid.getBoundingClientRect().bottom + 0.5;
    let fit = 0;
    for (const tile of tiles()) {
      if (tile.getBoundingClientRect().bottom > bottom) break;
      fit += 1;
    }
    return Math.max(1, fit);
  }

  // Pages are evened out (150 + 150 rather than 280 + 20), so no page looks nearly empty.
  function paginate(fit) {
    const count = tiles().length;
    const wasPaged = state.pages > 1;
    state.pages = fit >= count ? 1 : Math.ceil(count / fit);
    if (!wasPaged) state.turnedAt = Date.now(); // the first page gets its full 15 seconds
    state.perPage = Math.ceil(count / state.pages);
    if (state.page >= state.pages) state.page = 0;
    showPage();
  }

  function showPage() {
    const paged = state.pages > 1;
    [...tiles()].forEach((tile, index) => {
      const hidden = paged && Math.floor(index / state.perPage) !== state.page;
      if (tile.hidden !== hidden) tile.hidden = hidden;
    });
    indicator.hidden = !paged;
    setText(indicator, paged
      ? t("page_of", { page: formatCount(state.page + 1), pages: formatCount(state.pages) })
      : "");
  }

  function turnPage() {
    if (state.pages <= 1 || Date.now() - state.turnedAt < PAGE_MS) return;
    state.page = (state.page + 1) % state.pages;
    state.turnedAt = Date.now();
    showPage();
  }

  core.onUpdate(update);
  core.onTick(onTick);
  addEventListener("resize", relayout);
  relayout();
})();
