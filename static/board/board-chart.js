/*
 * The last hour at a glance, beside the queues: callers waiting (a line, the whole board's sum)
 * and the service level (a shaded line, against the board's target drawn dashed).
 *
 * The server sends per source one point a minute, [epoch, waiting, sl_pct | null], the whole
 * hour replaced each minute (state.series / changes.series). Waiting adds up across sources. The
 * service level is today's so far; across sources each one counts by its calls offered today
 * (state.stats), the way the statistics strip combines them, and the caption says so.
 *
 * Plain inline SVG, redrawn only when the series (or the weights) change. The plot stretches
 * with its box (preserveAspectRatio none, strokes kept thin by non-scaling-stroke); every word
 * and number is HTML around it, so nothing is distorted. Loaded after board.js.
 */
(function wallboardChart() {
  "use strict";

  const core = window.wallboardCore;
  const {
    config, translator, formatCount, formatPercent, formatWholePercent, positive, el, setText,
  } = window.wallboardKit;
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 600; // the plot's own units; the box it is drawn in decides the real size
  const HEIGHT = 200;
  const HOUR = 3600;
  const MIN_WAITING_SCALE = 4;

  const t = translator({
    chart_title: "Last hour",
    waiting: "Waiting",
    sl: "SL",
    chart_target: "target {target}",
    chart_sl_weighted: "SL: all sources, weighted by calls offered today",
    chart_sl_average: "SL: average of the sources",
    chart_sl_source: "SL: {source}",
    chart_start: "−60 min",
    chart_now: "now",
    chart_no_data: "No points yet",
  });
  const targetPct = positive(config.thresholds?.service_level_target_pct, 80);
  const chart = createChart(document.getElementById("chart"));

  function createChart(root) {
    const parts = {
      root,
      waitingNow: el("span", "chart-key-value", { dir: "ltr" }),
      slNow: el("span", "chart-key-value", { dir: "ltr" }),
      caption: el("figcaption", "chart-caption"),
      scaleTop: el("span", "chart-scale is-waiting is-top"),
      empty: el("p", "chart-empty"),
      svg: svgNode("svg", {
        class: "chart-plot", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: "none",
        "aria-hidden": "true",
      }),
    };
    const head = el("div", "chart-head");
    const title = el("h3", "chart-title");
    title.textContent = t("chart_title");
    head.append(
      title,
      keyItem("is-waiting", t("waiting"), parts.waitingNow),
      keyItem("is-sl", t("sl"), parts.slNow),
    );
    parts.grid = svgNode("path", { class: "chart-grid" });
    parts.target = svgNode("line", {
      class: "chart-target", x1: 0, x2: WIDTH, y1: slY(targetPct), y2: slY(targetPct),
    });
    parts.slArea = svgNode("path", { class: "chart-sl-area" });
    parts.slLine = svgNode("path", { class: "chart-sl-line" });
    parts.waiting = svgNode("path", { class: "chart-waiting" });
    parts.svg.append(parts.grid, parts.slArea, parts.target, parts.slLine, parts.waiting);
    parts.grid.setAttribute("d", `M0 ${HEIGHT / 2}H${WIDTH}M0 ${HEIGHT}H${WIDTH}`);
    const plot = el("div", "chart-box");
    const slTop = el("span", "chart-scale is-sl is-top");
    slTop.textContent = formatWholePercent(100);
    const zero = el("span", "chart-scale is-waiting is-bottom");
    zero.textContent = formatCount(0);
    parts.empty.textContent = t("chart_no_data");
    plot.append(parts.svg, parts.scaleTop, zero, slTop, parts.empty);
    const axis = el("div", "chart-axis");
    const start = el("span", "chart-axis-start");
    start.textContent = t("chart_start");
    const now = el("span", "chart-axis-end");
    now.textContent = t("chart_now");
    const targetText = t("chart_target", { target: formatWholePercent(targetPct) });
    const target = keyItem("is-target", targetText);
    axis.append(start, target, now);
    root.append(head, plot, axis, parts.caption);
    return parts;
  }

  function keyItem(className, label, value = null) {
    const item = el("span", `chart-key ${className}`);
    const swatch = el("span", "chart-swatch", { "aria-hidden": "true" });
    const text = el("span", "chart-key-label");
    text.textContent = label;
    item.append(swatch, text);
    if (value) item.append(value);
    return item;
  }

  function svgNode(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  // ----- the numbers ---------------------------------------------------------------------------

  // One point per minute for the board: waiting summed, SL weighted as `weighting` says.
  function combine(series, weighting) {
    const minutes = new Map();
    for (const [source, points] of Object.entries(series)) {
      if (!Array.isArray(points)) continue;
      const weight = weighting.weights.get(source) ?? 0;
      for (const point of points) {
        const [time, waiting, sl] = point;
        if (typeof time !== "number") continue;
        const key = Math.round(time / 60);
        const minute = minutes.get(key) || { time, waiting: 0, slSum: 0, weight: 0 };
        minute.waiting += Number(waiting) || 0;
        if (typeof sl === "number" && weight > 0) {
          minute.slSum += sl * weight;
          minute.weight += weight;
        }
        minutes.set(key, minute);
      }
    }
    return [...minutes.values()]
      .sort((a, b) => a.time - b.time)
      .map((m) => ({
        time: m.time, waiting: m.waiting, sl: m.weight ? m.slSum / m.weight : null,
      }));
  }

  // Weighted by today's offered calls when every source with an SL has them, as the statistics
  // strip does; otherwise a plain average. One source: its own SL, named.
  function slWeighting(series, stats) {
    const sources = Object.entries(series)
      .filter(([, points]) => Array.isArray(points) && points.some((p) => typeof p[2] === "number"))
      .map(([source]) => source);
    const offered = (source) => Number(stats[source]?.offered) || 0;
    if (sources.length === 1) {
      const [only] = sources;
      return { weights: new Map([[only, 1]]), caption: t("chart_sl_source", { source: only }) };
    }
    const byOffered = sources.every((source) => offered(source) > 0);
    return {
      weights: new Map(sources.map((source) => [source, byOffered ? offered(source) : 1])),
      caption: sources.length === 0 ? "" : t(byOffered ? "chart_sl_weighted" : "chart_sl_average"),
    };
  }

  // ----- drawing -------------------------------------------------------------------------------

  function render() {
    const series = core.series() || {};
    const weighting = slWeighting(series, core.stats() || {});
    const points = combine(series, weighting);
    const last = points.at(-1);
    chart.root.classList.toggle("is-empty", points.length === 0);
    setText(chart.caption, weighting.caption);
    setText(chart.waitingNow, last ? formatCount(last.waiting) : "");
    setText(chart.slNow, last && last.sl !== null ? formatPercent(last.sl) : "");
    chart.slNow.classList.toggle("is-below", last?.sl !== null && last?.sl < targetPct);
    if (!last) {
      for (const path of [chart.waiting, chart.slLine, chart.slArea]) path.setAttribute("d", "");
      setText(chart.scaleTop, "");
      return;
    }
    const scale = niceCeiling(Math.max(MIN_WAITING_SCALE, ...points.map((p) => p.waiting)));
    setText(chart.scaleTop, formatCount(scale));
    const x = (time) => round(((time - (last.time - HOUR)) / HOUR) * WIDTH);
    const waitingY = (value) => round(HEIGHT - (value / scale) * HEIGHT);
    chart.waiting.setAttribute("d", linePath(points.map((p) => [x(p.time), waitingY(p.waiting)])));
    const runs = slRuns(points).map((run) => run.map((p) => [x(p.time), slY(p.sl)]));
    chart.slLine.setAttribute("d", runs.map(linePath).join(""));
    chart.slArea.setAttribute("d", runs.map(areaPath).join(""));
  }

  // Minutes without an SL (no calls offered yet today) break the line rather than fake a value.
  function slRuns(points) {
    const runs = [];
    let run = [];
    for (const point of points) {
      if (point.sl === null) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push(point);
      }
    }
    if (run.length) runs.push(run);
    return runs;
  }

  // A lone point still shows, as a short flat stroke.
  function linePath(coords) {
    if (coords.length === 0) return "";
    const [[x0, y0], ...rest] = coords;
    const tail = rest.length ? rest.map(([x, y]) => `L${x} ${y}`).join("") : `h2`;
    return `M${x0} ${y0}${tail}`;
  }

  function areaPath(coords) {
    const first = coords[0][0];
    const lastX = coords.at(-1)[0];
    return `${linePath(coords)}L${lastX} ${HEIGHT}L${first} ${HEIGHT}Z`;
  }

  function slY(pct) {
    return round(HEIGHT - (Math.min(100, Math.max(0, pct)) / 100) * HEIGHT);
  }

  // 4, 5, 10, 20, 50, 100…: a scale whose top label reads as a round number.
  function niceCeiling(value) {
    const magnitude = 10 ** Math.floor(Math.log10(value));
    const step = [1, 2, 5, 10].find((s) => s * magnitude >= value);
    return Math.max(MIN_WAITING_SCALE, step * magnitude);
  }

  function round(value) {
    return Math.round(value * 10) / 10;
  }

  core.onUpdate((changed) => {
    if (changed.has("series") || changed.has("stats")) render();
  });
  render();
})();
