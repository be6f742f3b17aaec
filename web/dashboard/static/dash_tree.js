// The forward tree, drawn. The server cuts the view and lays it out
// (cascade.NewView, through /campaigns/{id}/tree.json): this script only
// draws it in SVG, zooms and pans, shows a node's details, expands groups,
// and asks again every 10 seconds so that new views appear.
(function () {
  "use strict";

  var svg = document.querySelector("svg.tree");
  if (!svg) return;
  var NS = "http://www.w3.org/2000/svg";
  var SLOT = 18, LEVEL = 90; // a leaf's width and a generation's height, before zooming
  var CHANNELS = { whatsapp: 1, sms: 1, email: 1, link: 1 };

  var data = svg.dataset;
  var lang = document.documentElement.lang || "en";
  var number = new Intl.NumberFormat(lang);
  var compact = new Intl.NumberFormat(lang, { notation: "compact" });
  var date = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
  var viewport = svg.querySelector(".viewport");
  var edges = svg.querySelector(".edges");
  var moreEdges = svg.querySelector(".edges.to-more");
  var groupLayer = svg.querySelector(".groups");
  var nodeLayer = svg.querySelector(".nodes");
  var tools = document.querySelector(".tree-tools");
  var status = document.querySelector("[data-drawn-line]");
  var empty = document.querySelector("[data-empty-tree]");
  var panel = document.querySelector(".tree-details");
  var collapse = tools.querySelector("[data-collapse]");
  var channelNames = {};
  document.querySelectorAll(".tree-legend [data-channel]").forEach(function (li) {
    channelNames[li.dataset.channel] = li.textContent.trim();
  });

  var state = {
    root: data.root || "0",
    budget: data.budget,
    expand: data.expand ? data.expand.split(",") : [],
    layout: null, // "radial" or "tidy"; chosen by the first view unless the marketer chose
    view: null,
    body: "", // the last answer, to redraw only on a change
    selected: null, // key of the selected element: "n12" (claim), "n0" (campaign) or "m12" (group)
    t: { k: 1, x: 0, y: 0 },
    moved: false // the marketer zoomed, panned or picked a node: refreshes no longer fit the drawing
  };
  try { state.layout = localStorage.getItem("sillage.tree.layout"); } catch (e) {}

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  // Geometry: the view's x is in leaf widths, its y in generations.
  function place(x, y) {
    var v = state.view;
    if (state.layout === "tidy") return [x * SLOT, y * LEVEL];
    if (y === 0) return [0, 0];
    var ring = Math.max(LEVEL, v.width * SLOT / (2 * Math.PI * Math.max(v.height, 1)));
    var a = 2 * Math.PI * (x + 0.5) / Math.max(v.width, 1) - Math.PI / 2;
    return [Math.cos(a) * y * ring, Math.sin(a) * y * ring];
  }
  function radius(views) { return 3 + 4 * Math.log10(1 + views); }

  function nodeLabel(n) {
    if (n.id === 0) return data.tCampaign;
    return fill(data.tClaim, { id: n.person }) + ", " + (channelNames[n.channel] || n.channel) + ", " +
      data.tDepth + " " + n.depth + ", " + data.tDownstream + " " + number.format(n.downstream);
  }
  function moreLabel(m) {
    return fill(data.tMore, { views: number.format(m.views), branches: number.format(m.branches) });
  }

  function shape(kind, cls, p, r) {
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("class", cls);
    c.setAttribute("cx", p[0].toFixed(1));
    c.setAttribute("cy", p[1].toFixed(1));
    c.setAttribute("r", r.toFixed(1));
    c.setAttribute("tabindex", "-1");
    c.setAttribute("role", "button");
    c.kind = kind;
    c.kids = [];
    return c;
  }

  function edge(from, to) {
    if (state.layout === "tidy") {
      var m = ((from[1] + to[1]) / 2).toFixed(1);
      return "M" + from[0].toFixed(1) + " " + from[1].toFixed(1) + "C" + from[0].toFixed(1) + " " + m + " " +
        to[0].toFixed(1) + " " + m + " " + to[0].toFixed(1) + " " + to[1].toFixed(1);
    }
    return "M" + from[0].toFixed(1) + " " + from[1].toFixed(1) + "L" + to[0].toFixed(1) + " " + to[1].toFixed(1);
  }

  // draw replaces the drawing with the view; zoom, pan, selection and
  // focus stay.
  function draw() {
    var v = state.view;
    var hadFocus = svg.contains(document.activeElement) && document.activeElement !== svg;
    var byId = {}, byKey = {}, lines = [], moreLines = [];
    var nodes = document.createDocumentFragment(), groups = document.createDocumentFragment();
    v.nodes.forEach(function (n, i) {
      var p = place(n.x, n.y);
      var cls = n.id === 0 ? "node root" : "node ch-" + (CHANNELS[n.channel] ? n.channel : "other");
      var c = shape("node", cls, p, radius(n.downstream) + (n.id === 0 ? 6 : 0));
      c.setAttribute(n.id === 0 ? "data-root" : "data-id", n.id);
      c.setAttribute("aria-label", nodeLabel(n));
      c.datum = n;
      c.key = "n" + n.id;
      c.p = p;
      var parent = i > 0 ? byId[n.parent] : null;
      if (parent) {
        lines.push(edge(parent.p, p));
        c.up = parent;
        parent.kids.push(c);
      }
      byId[n.id] = c;
      byKey[c.key] = c;
      nodes.appendChild(c);
    });
    // The largest groups get a label; the others show theirs when selected.
    var labelled = v.more.map(function (m) { return m.views; }).sort(function (a, b) { return b - a; })[39] || 0;
    v.more.forEach(function (m) {
      var parent = byId[m.parent];
      var p = place(m.x, m.y);
      var c = shape("more", "more", p, 3 + 2 * Math.log10(1 + m.views));
      c.setAttribute("data-more", m.parent);
      c.setAttribute("aria-label", moreLabel(m));
      c.datum = m;
      c.key = "m" + m.parent;
      c.p = p;
      c.up = parent;
      parent.kids.push(c);
      moreLines.push(edge(parent.p, p));
      byKey[c.key] = c;
      groups.appendChild(c);
      if (m.views >= labelled && m.views > 1) {
        var text = document.createElementNS(NS, "text");
        text.setAttribute("class", "more-label");
        text.setAttribute("x", (p[0] + 6).toFixed(1));
        text.setAttribute("y", (p[1] + 4).toFixed(1));
        text.setAttribute("aria-hidden", "true");
        text.textContent = "+" + compact.format(m.views);
        groups.appendChild(text);
      }
    });
    edges.setAttribute("d", lines.join(""));
    moreEdges.setAttribute("d", moreLines.join(""));
    nodeLayer.replaceChildren(nodes);
    groupLayer.replaceChildren(groups);
    svg.setAttribute("data-nodes", String(v.drawn));
    state.byKey = byKey;
    state.rootEl = byId[v.nodes[0].id];
    status.textContent = fill(data.tDrawn, { drawn: number.format(v.drawn), views: number.format(v.views) });
    empty.hidden = v.views > 0;
    collapse.hidden = state.expand.length === 0;
    var sel = state.selected && byKey[state.selected];
    if (sel) {
      select(sel);
      if (hadFocus) sel.focus({ preventScroll: true });
    } else {
      state.selected = null;
      details(null);
    }
  }

  // Details of the selected node or group, in the panel.
  function details(el) {
    var pick = panel.querySelector("[data-pick]");
    var title = panel.querySelector("[data-title]");
    var fields = panel.querySelector("[data-fields]");
    var expand = panel.querySelector('[data-action="expand"]');
    var focus = panel.querySelector('[data-action="focus"]');
    pick.hidden = !!el;
    title.hidden = fields.hidden = !el;
    expand.hidden = !el || el.kind !== "more";
    focus.hidden = !el || el.kind !== "node" || el.datum.id === 0 || String(el.datum.id) === state.root;
    if (!el) return;
    var d = el.datum;
    var set = function (name, value) { fields.querySelector('[data-field="' + name + '"]').textContent = value; };
    fields.querySelectorAll("[data-for]").forEach(function (row) {
      var f = row.dataset.for;
      row.hidden = el.kind === "more" || (f === "claim" && d.id === 0);
    });
    set("depth", number.format(d.depth));
    if (el.kind === "more") {
      title.textContent = moreLabel(d);
      return;
    }
    title.textContent = d.id === 0 ? data.tCampaign : fill(data.tClaim, { id: d.person });
    if (d.id !== 0) {
      set("claimed_at", date.format(new Date(d.claimed_at)) + " UTC");
      set("channel", channelNames[d.channel] || d.channel);
    }
    set("downstream", number.format(d.downstream));
    set("children", number.format(d.children));
    focus.href = data.page + "?root=" + d.id;
  }

  function select(el) {
    var old = state.selected && state.byKey[state.selected];
    if (old && old !== el) {
      old.classList.remove("selected");
      old.setAttribute("tabindex", "-1");
    }
    state.selected = el.key;
    el.classList.add("selected");
    el.setAttribute("tabindex", "0");
    details(el);
  }

  // Zoom and pan: one transform on the drawing's group.
  function apply() {
    var t = state.t;
    viewport.setAttribute("transform", "translate(" + t.x.toFixed(1) + " " + t.y.toFixed(1) + ") scale(" + t.k.toFixed(4) + ")");
  }
  function zoomAt(px, py, f) {
    var t = state.t;
    state.moved = true;
    var k = Math.min(8, Math.max(0.01, t.k * f));
    t.x = px - (px - t.x) * k / t.k;
    t.y = py - (py - t.y) * k / t.k;
    t.k = k;
    apply();
  }
  function centre() {
    var r = svg.getBoundingClientRect();
    return [r.width / 2, r.height / 2];
  }
  function fit() {
    var xs = [], ys = [];
    Object.keys(state.byKey).forEach(function (k) {
      var p = state.byKey[k].p;
      xs.push(p[0]);
      ys.push(p[1]);
    });
    var r = svg.getBoundingClientRect();
    var minX = Math.min.apply(null, xs) - 30, maxX = Math.max.apply(null, xs) + 30;
    var minY = Math.min.apply(null, ys) - 30, maxY = Math.max.apply(null, ys) + 30;
    var k = Math.min(1.5, r.width / (maxX - minX), r.height / (maxY - minY));
    state.t = { k: k, x: r.width / 2 - k * (minX + maxX) / 2, y: r.height / 2 - k * (minY + maxY) / 2 };
    // A wide tidy tree fitted whole is a thin strip: rather show its top,
    // legible, centred on the root.
    if (state.layout === "tidy" && k < 0.4) {
      var root = state.rootEl.p;
      state.t = { k: 0.4, x: r.width / 2 - 0.4 * root[0], y: 40 - 0.4 * root[1] };
    }
    apply();
  }
  // show pans just enough to bring el into sight.
  function show(el) {
    var r = svg.getBoundingClientRect(), t = state.t;
    var x = t.x + el.p[0] * t.k, y = t.y + el.p[1] * t.k, m = 40;
    if (x < m) t.x += m - x;
    if (x > r.width - m) t.x -= x - (r.width - m);
    if (y < m) t.y += m - y;
    if (y > r.height - m) t.y -= y - (r.height - m);
    apply();
  }

  function url() {
    var q = new URLSearchParams();
    if (state.root !== "0") q.set("root", state.root);
    q.set("budget", state.budget);
    if (state.expand.length) q.set("expand", state.expand.join(","));
    return q;
  }

  var busy = false;
  function load(first) {
    if (busy) return;
    busy = true;
    var q = url();
    fetch(data.src + "?" + q, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.text().then(function (body) { return { res: res, body: body }; });
      })
      .then(function (a) {
        if (a.res.status === 404 && state.expand.length) {
          // An expanded claim is gone (released): start again without.
          state.expand = [];
          remember();
          busy = false;
          return load(first);
        }
        if (!a.res.ok) {
          var msg = a.res.statusText;
          try { msg = JSON.parse(a.body).error || msg; } catch (e) {}
          throw new Error(msg);
        }
        if (a.body === state.body) return;
        state.body = a.body;
        state.view = JSON.parse(a.body);
        if (!state.layout) state.layout = state.view.width > 60 ? "radial" : "tidy";
        tools.querySelectorAll('input[name="tree-layout"]').forEach(function (i) { i.checked = i.value === state.layout; });
        document.querySelector(".tree-canvas").hidden = false;
        draw();
        if (!state.moved) fit();
      })
      .catch(function (err) {
        if (first || !state.view) status.textContent = data.tFailed + " " + err.message;
      })
      .then(function () { busy = false; });
  }

  function expand(el) {
    state.expand.push(String(el.datum.parent));
    state.expand = state.expand.slice(-16); // the server's limit: the oldest expansions go first
    state.selected = "n" + el.datum.parent;
    remember();
    load(true);
  }
  function remember() {
    var q = url();
    q.delete("budget");
    history.replaceState(null, "", data.page + (String(q) ? "?" + q : ""));
  }

  // Pointer: drag to pan, pinch or wheel to zoom, click to select or expand.
  var pointers = {}, drag = null;
  svg.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = [e.clientX, e.clientY];
    drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  window.addEventListener("pointermove", function (e) {
    if (!pointers[e.pointerId] || !drag) return;
    var ids = Object.keys(pointers), r = svg.getBoundingClientRect();
    if (ids.length === 2) {
      var other = pointers[ids[0] == e.pointerId ? ids[1] : ids[0]], last = pointers[e.pointerId];
      var before = Math.hypot(last[0] - other[0], last[1] - other[1]);
      var after = Math.hypot(e.clientX - other[0], e.clientY - other[1]);
      if (before > 0) zoomAt((e.clientX + other[0]) / 2 - r.left, (e.clientY + other[1]) / 2 - r.top, after / before);
    } else {
      state.t.x += e.clientX - pointers[e.pointerId][0];
      state.t.y += e.clientY - pointers[e.pointerId][1];
      state.moved = true;
      apply();
    }
    pointers[e.pointerId] = [e.clientX, e.clientY];
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 5) drag.moved = true;
  });
  function release(e) { delete pointers[e.pointerId]; }
  window.addEventListener("pointerup", release);
  window.addEventListener("pointercancel", release);
  svg.addEventListener("click", function (e) {
    if (drag && drag.moved) return; // the end of a drag, not a click
    var el = e.target;
    if (!el.kind) return;
    el.focus({ preventScroll: true });
    if (el.kind === "more") expand(el);
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect();
    zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)));
  }, { passive: false });
  svg.addEventListener("focusin", function (e) {
    if (e.target.kind) {
      state.moved = true;
      select(e.target);
      show(e.target);
    }
  });

  // Keyboard: + − 0 zoom; arrows walk the tree from the focused node
  // (up: parent, down: first child, left and right: siblings); with Shift
  // they pan. Enter expands a group.
  svg.addEventListener("keydown", function (e) {
    var c = centre(), el = e.target.kind ? e.target : null;
    var pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[e.key];
    var next = null;
    if (e.key === "+" || e.key === "=") zoomAt(c[0], c[1], 1.25);
    else if (e.key === "-" || e.key === "_") zoomAt(c[0], c[1], 0.8);
    else if (e.key === "0") {
      fit();
      state.moved = false;
    }
    else if (pan && e.shiftKey) {
      state.t.x += pan[0];
      state.t.y += pan[1];
      state.moved = true;
      apply();
    } else if (pan && !el) next = (state.selected && state.byKey[state.selected]) || state.rootEl;
    else if (pan) {
      var sibs = el.up ? el.up.kids : [el], i = sibs.indexOf(el);
      next = {
        ArrowUp: el.up,
        ArrowDown: el.kids[0],
        ArrowLeft: sibs[i - 1],
        ArrowRight: sibs[i + 1]
      }[e.key];
    } else if ((e.key === "Enter" || e.key === " ") && el) {
      if (el.kind === "more") expand(el);
    } else if (e.key === "Home") next = state.rootEl;
    else return;
    e.preventDefault();
    if (next) next.focus({ preventScroll: true });
  });

  tools.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) return;
    var c = centre();
    if (b.dataset.zoom === "in") zoomAt(c[0], c[1], 1.25);
    if (b.dataset.zoom === "out") zoomAt(c[0], c[1], 0.8);
    if (b.dataset.zoom === "fit") {
      fit();
      state.moved = false;
    }
    if (b.hasAttribute("data-collapse")) {
      state.expand = [];
      remember();
      state.moved = false;
      load(true);
    }
  });
  tools.addEventListener("change", function (e) {
    if (e.target.name !== "tree-layout") return;
    state.layout = e.target.value;
    try { localStorage.setItem("sillage.tree.layout", state.layout); } catch (err) {}
    if (!state.view) return;
    draw();
    fit();
  });
  panel.querySelector('[data-action="expand"]').addEventListener("click", function () {
    var el = state.selected && state.byKey[state.selected];
    if (el && el.kind === "more") expand(el);
  });
  tools.hidden = false;
  status.textContent = data.tLoading;
  load(true);
  setInterval(function () { if (!document.hidden) load(false); }, 10000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) load(false); });
})();
