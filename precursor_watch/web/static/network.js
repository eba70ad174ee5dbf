// Vendor-network drawing (bundled, no external library): a force-directed layout of vendors
// (circles) and shared identifiers (squares), drawn as SVG. Labels use textContent (no HTML).
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"];

  function layout(nodes, edges, width, height) {
    var n = nodes.length, k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.45;
    var index = {};
    nodes.forEach(function (d, i) {
      index[d.id] = i;
      var a = (2 * Math.PI * i) / Math.max(n, 1);
      d.x = width / 2 + (width / 3) * Math.cos(a);
      d.y = height / 2 + (height / 3) * Math.sin(a);
    });
    var links = edges.map(function (e) { return [index[e.source], index[e.target]]; })
      .filter(function (l) { return l[0] !== undefined && l[1] !== undefined; });
    for (var step = 0, t = width / 10; step < 300; step++, t *= 0.985) {
      var dx = new Float64Array(n), dy = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y;
          var d2 = Math.max(x * x + y * y, 0.01), f = (k * k) / d2;
          dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
        }
      }
      links.forEach(function (l) {
        var a = nodes[l[0]], b = nodes[l[1]];
        var x = a.x - b.x, y = a.y - b.y, d = Math.max(Math.sqrt(x * x + y * y), 0.1);
        var f = d / k;
        dx[l[0]] -= x * f; dy[l[0]] -= y * f; dx[l[1]] += x * f; dy[l[1]] += y * f;
      });
      for (i = 0; i < n; i++) {  // gravity keeps separate networks on the canvas
        dx[i] += (width / 2 - nodes[i].x) * 0.05;
        dy[i] += (height / 2 - nodes[i].y) * 0.05;
      }
      for (i = 0; i < n; i++) {
        var len = Math.max(Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]), 0.01);
        var m = Math.min(len, t);
        nodes[i].x = Math.min(width - 20, Math.max(20, nodes[i].x + (dx[i] / len) * m));
        nodes[i].y = Math.min(height - 20, Math.max(20, nodes[i].y + (dy[i] / len) * m));
      }
    }
    return links;
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    parent.appendChild(e);
    return e;
  }

  function draw() {
    var svg = document.getElementById("pw-graph");
    var source = document.getElementById("pw-graph-data");
    if (!svg || !source) return;
    var g = JSON.parse(source.textContent);
    var width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
    // One cell of a grid per network, laid out on its own.
    var net = {};
    g.edges.forEach(function (e) { net[e.source] = e.network; net[e.target] = e.network; });
    var groups = {};
    g.nodes.forEach(function (d) {
      var key = String(net[d.id] || 0);
      (groups[key] = groups[key] || []).push(d);
    });
    var keys = Object.keys(groups), cols = Math.ceil(Math.sqrt(keys.length));
    var rowsN = Math.ceil(keys.length / cols), cw = width / cols, ch = height / rowsN;
    keys.forEach(function (key, i) {
      var members = groups[key], ids = {};
      members.forEach(function (d) { ids[d.id] = true; });
      var own = g.edges.filter(function (e) { return ids[e.source] && ids[e.target]; });
      var links = layout(members, own, cw, ch);
      var ox = (i % cols) * cw, oy = Math.floor(i / cols) * ch;
      members.forEach(function (d) { d.x += ox; d.y += oy; });
      links.forEach(function (l) {
        var a = members[l[0]], b = members[l[1]];
        el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, "class": "pw-edge" }, svg);
      });
    });
    g.nodes.forEach(function (d) {
      var group = el("g", { "class": "pw-node pw-" + d.type }, svg);
      var color = COLORS[(d.network || 0) % COLORS.length];
      if (d.type === "vendor") {
        var link = el("a", { href: "../-/vendor/" + encodeURIComponent(d.vendor) }, group);
        el("circle", { cx: d.x, cy: d.y, r: 9, fill: color }, link);
        var label = el("text", { x: d.x + 12, y: d.y + 4 }, link);
        label.textContent = d.label;
      } else {
        el("rect", { x: d.x - 5, y: d.y - 5, width: 10, height: 10, fill: "#777" }, group);
        var title = el("title", {}, group);
        title.textContent = d.label;
        var small = el("text", { x: d.x + 8, y: d.y + 3, "class": "pw-id-label" }, group);
        small.textContent = d.label;
      }
    });
    svg.setAttribute("data-nodes", String(g.nodes.length));
    svg.setAttribute("data-drawn", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
