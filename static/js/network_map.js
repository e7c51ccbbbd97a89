// The network map: zoom buttons and tap-to-highlight. The SVG is drawn on the
// server, so the page works without this file; this only adds interaction.
(function () {
  "use strict";
  var svg = document.getElementById("network-map");
  if (!svg) return;
  var frame = document.getElementById("network-map-frame");
  var detail = document.getElementById("network-map-detail");
  var natural = parseFloat(svg.getAttribute("data-width")) || 800;
  var scale = 1;

  function apply() {
    // Keep the point at the centre of the frame where it was, so zooming on a
    // phone does not throw the reader to a corner.
    var cx = (frame.scrollLeft + frame.clientWidth / 2) / (svg.clientWidth || 1);
    var cy = (frame.scrollTop + frame.clientHeight / 2) / (svg.clientHeight || 1);
    var size = Math.round(natural * scale);
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    frame.scrollLeft = cx * size - frame.clientWidth / 2;
    frame.scrollTop = cy * size - frame.clientHeight / 2;
  }
  function fit() {
    scale = Math.min(1, (frame.clientWidth - 4) / natural);
    apply();
  }
  // CSSOM changes are allowed by the CSP (no inline style attributes in markup).
  frame.style.maxHeight = "75vh";
  fit();

  document.querySelectorAll("[data-map-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-map-zoom");
      if (action === "in") scale = Math.min(scale * 1.4, 4);
      else if (action === "out") scale = Math.max(scale / 1.4, 0.15);
      else return fit();
      apply();
    });
  });

  var selected = null;
  function select(node) {
    var id = node.getAttribute("data-id");
    if (selected === id && node.getAttribute("data-href")) {
      window.location.href = node.getAttribute("data-href");
      return;
    }
    selected = id;
    svg.querySelectorAll(".map-edge").forEach(function (edge) {
      var on = edge.getAttribute("data-source") === id || edge.getAttribute("data-target") === id;
      edge.setAttribute("stroke-opacity", on ? "1" : "0.15");
      edge.setAttribute("stroke-width", on ? "3" : "1");
    });
    detail.textContent = node.getAttribute("data-label") +
      (node.getAttribute("data-detail") ? " — " + node.getAttribute("data-detail") : "") +
      (node.getAttribute("data-href") ? " " + (detail.getAttribute("data-open-hint") || "(tap again to open)") : "");
    detail.classList.remove("d-none");
  }
  svg.querySelectorAll(".map-node").forEach(function (node) {
    node.addEventListener("click", function () { select(node); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(node); }
    });
  });
})();
