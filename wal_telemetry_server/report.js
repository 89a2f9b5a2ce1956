// The report page's only script (no library, nothing fetched): sortable tables, hover values
// on the SVG charts and drag-to-zoom on their shared time axis (every chart follows).
(() => {
  "use strict";
  for (const table of document.querySelectorAll("table.sortable")) {
    const heads = [...table.tHead.rows[0].cells];
    heads.forEach((th, col) => {
      th.tabIndex = 0;
      const sort = () => {
        const numeric = [...table.tBodies[0].rows].some((r) => r.cells[col].dataset.v !== undefined);
        const current = th.getAttribute("aria-sort");
        const dir = current ? (current === "ascending" ? -1 : 1) : (numeric ? -1 : 1);
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        const key = (row) => {
          const cell = row.cells[col];
          return cell.dataset.v !== undefined ? Number(cell.dataset.v) : cell.textContent;
        };
        const rows = [...table.tBodies[0].rows].sort((a, b) => {
          const x = key(a), y = key(b);
          const order = typeof x === "number" && typeof y === "number"
            ? x - y : String(x).localeCompare(String(y));
          return order * dir;
        });
        table.tBodies[0].append(...rows);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }

  const NS = "http://www.w3.org/2000/svg";
  const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
    43200, 86400, 172800, 604800];
  const charts = [...document.querySelectorAll("svg.chart:not([data-empty])")];
  const reset = document.getElementById("reset-zoom");
  const tip = document.createElement("div");
  tip.className = "tip";
  tip.hidden = true;
  document.body.append(tip);
  const pad = (n) => String(n).padStart(2, "0");
  const stamp = (t, date) => {
    const d = new Date(t * 1000);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    return date ? `${day} ${clock} UTC` : (t % 86400 === 0 ? day : clock);
  };
  const fmt = (v, unit) => {
    if (v === null || v === undefined) return "\u2013";
    const text = Math.abs(v) >= 100 ? v.toLocaleString("en", {maximumFractionDigits: 0})
      : v.toLocaleString("en", {maximumFractionDigits: 2});
    return unit === "%" ? `${text}%` : `${text} ${unit}`;
  };
  const make = (name, attrs) => {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const views = charts.map((svg) => {
    const d = svg.dataset;
    const view = {svg, x0: +d.x0, x1: +d.x1, left: +d.left, right: +d.right, top: +d.top,
      bottom: +d.bottom, unit: d.unit || "", hover: d.hover ? JSON.parse(d.hover) : null,
      data: svg.querySelector("g.data"), ticks: svg.querySelector("g.xticks")};
    if (view.hover && !view.hover.t) {
      const {t0, dt} = view.hover;
      view.hover.t = view.hover.s[0][2].map((_, i) => t0 + i * dt);
    }
    view.cross = make("line", {class: "cross", y1: view.top, y2: view.bottom, visibility: "hidden"});
    view.band = make("rect", {class: "sel", y: view.top, height: view.bottom - view.top,
      visibility: "hidden"});
    view.zticks = make("g", {class: "zticks"});
    svg.append(view.band, view.cross, view.zticks);
    return view;
  });
  let zoom = null;  // [t0, t1] shown by every chart, or null for the whole window
  const span = (v) => zoom || [v.x0, v.x1];
  const xOf = (v, t) => { const [a, b] = span(v); return v.left + (t - a) / (b - a) * (v.right - v.left); };
  const tOf = (v, x) => { const [a, b] = span(v); return a + (x - v.left) / (v.right - v.left) * (b - a); };
  const local = (v, e) => new DOMPoint(e.clientX, e.clientY).matrixTransform(v.svg.getScreenCTM().inverse());

  const drawTicks = (v) => {
    v.zticks.replaceChildren();
    v.ticks.style.display = zoom ? "none" : "";
    if (!zoom) return;
    const [a, b] = zoom;
    const step = STEPS.find((s) => (b - a) / s <= 8) || 86400 * Math.ceil((b - a) / 8 / 86400);
    for (let t = Math.ceil(a / step) * step; t <= b; t += step) {
      const g = make("g", {transform: `translate(${xOf(v, t)} 0)`});
      g.append(make("line", {y1: v.bottom, y2: v.bottom + 4}));
      const label = make("text", {y: v.bottom + 17, class: "tick", "text-anchor": "middle"});
      label.textContent = stamp(t, false);
      g.append(label);
      v.zticks.append(g);
    }
  };
  const apply = () => {
    for (const v of views) {
      const [a, b] = span(v);
      const k = (v.x1 - v.x0) / (b - a);
      const shift = v.left - k * (v.left + (a - v.x0) / (v.x1 - v.x0) * (v.right - v.left));
      v.data.setAttribute("transform", zoom ? `matrix(${k} 0 0 1 ${shift} 0)` : "");
      drawTicks(v);
    }
    reset.hidden = !zoom;
  };
  const nearest = (times, t) => {
    let lo = 0, hi = times.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid; else hi = mid; }
    return Math.abs(times[lo] - t) <= Math.abs(times[hi] - t) ? lo : hi;
  };
  const showTip = (v, e, x) => {
    if (!v.hover) return;
    const i = nearest(v.hover.t, tOf(v, x));
    const t = v.hover.t[i];
    v.cross.setAttribute("x1", xOf(v, t));
    v.cross.setAttribute("x2", xOf(v, t));
    v.cross.setAttribute("visibility", "visible");
    const rows = v.hover.s.map(([name, colour, values, high]) => [name, colour, values[i], high ? high[i] : null])
      .filter((r) => r[2] !== null).sort((p, q) => q[2] - p[2]);
    const table = document.createElement("table");
    for (const [name, colour, value, high] of rows) {
      const row = table.insertRow();
      const swatch = document.createElement("i");
      swatch.style.background = colour;
      const label = row.insertCell();
      label.append(swatch, name);
      row.insertCell().textContent = fmt(value, v.unit);
      if (high !== null) row.insertCell().textContent = `p95 ${fmt(high, v.unit)}`;
    }
    const title = document.createElement("b");
    title.textContent = stamp(t, true);
    tip.replaceChildren(title, rows.length ? table : document.createTextNode(" no data"));
    tip.hidden = false;
    const right = e.clientX + 16 + tip.offsetWidth > window.innerWidth;
    tip.style.left = `${right ? e.clientX - 16 - tip.offsetWidth : e.clientX + 16}px`;
    tip.style.top = `${Math.min(e.clientY + 12, window.innerHeight - tip.offsetHeight - 4)}px`;
  };
  for (const v of views) {
    let from = null;
    const inside = (p) => p.x >= v.left && p.x <= v.right && p.y >= v.top - 4 && p.y <= v.bottom + 4;
    const clamp = (x) => Math.max(v.left, Math.min(v.right, x));
    v.svg.addEventListener("mousedown", (e) => {
      const p = local(v, e);
      if (inside(p)) { from = clamp(p.x); e.preventDefault(); }
    });
    v.svg.addEventListener("mousemove", (e) => {
      const p = local(v, e);
      if (from !== null) {
        const x = clamp(p.x);
        v.band.setAttribute("x", Math.min(from, x));
        v.band.setAttribute("width", Math.abs(x - from));
        v.band.setAttribute("visibility", "visible");
      }
      if (inside(p)) showTip(v, e, p.x); else { tip.hidden = true; v.cross.setAttribute("visibility", "hidden"); }
    });
    v.svg.addEventListener("mouseleave", () => {
      tip.hidden = true;
      v.cross.setAttribute("visibility", "hidden");
    });
    window.addEventListener("mouseup", (e) => {
      if (from === null) return;
      const x = clamp(local(v, e).x);
      v.band.setAttribute("visibility", "hidden");
      if (Math.abs(x - from) > 4) {
        const a = tOf(v, Math.min(from, x)), b = tOf(v, Math.max(from, x));
        zoom = [a, b];
        apply();
      }
      from = null;
    });
    v.svg.addEventListener("dblclick", () => { zoom = null; apply(); });
  }
  reset.addEventListener("click", () => { zoom = null; apply(); });
})();
