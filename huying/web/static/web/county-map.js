/* /map/ — the county map (一张图). Draws the shared base of web/map.js (county land, town
   borders and names, places), then the layers a command centre reads: communities and grids
   (loaded when first switched on), the cases (clusters counted by the server when zoomed
   out, points when zoomed in), the density of reports per hexagonal cell (from the rollups).
   The side panel's filters reload the layers; the URL keeps them, so a view can be shared. */
(function () {
  "use strict";

  var el = document.querySelector("[data-hy-county-map]");
  if (!el || typeof L === "undefined" || typeof HYMap === "undefined") { return; }
  var data = JSON.parse(document.getElementById(el.dataset.hyCountyMap).textContent);
  var T = data.labels;
  var form = document.getElementById("hy-cmap-filters");
  var summary = document.getElementById("hy-cmap-summary");
  var panel = document.getElementById("hy-cmap-panel");
  var densityNote = document.getElementById("hy-cmap-density-note");
  var COLOURS = HYMap.COLOURS;
  var SEVERITY = ["red", "orange", "yellow", "blue", "green", ""];
  var RAMP = ["#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02"];
  var esc = HYMap.escapeHtml;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  /* ---- the page's height: the map fills the window under the top bar -------------- */
  var box = document.getElementById("hy-cmap");
  function fitHeight() {
    var top = box.getBoundingClientRect().top + window.scrollY;
    box.style.height = Math.max(window.innerHeight - top, 320) + "px";
  }
  fitHeight();

  var map = HYMap.create(el, { tiles: data.tiles, attribution: data.attribution,
    zoomPosition: "bottomright" });
  window.addEventListener("resize", function () { fitHeight(); map.invalidateSize(); });
  map.setView([37, 122.4], 10);  // replaced by the county's bounds once the base is in

  /* ---- filters ------------------------------------------------------------------ */
  var FIELDS = ["from", "to", "matter_type", "status", "colour"];
  (function restoreFromUrl() {
    var query = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      if (query.has(name)) { form.elements[name].value = query.get(name); }
    });
  })();

  function filterQuery(fields) {
    var query = new URLSearchParams();
    (fields || FIELDS).forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { query.set(name, value); }
    });
    return query;
  }

  function iso(d) {
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" +
      ("0" + d.getDate()).slice(-2);
  }

  form.querySelectorAll("[data-hy-days]").forEach(function (button) {
    button.addEventListener("click", function () {
      var last = new Date();
      var first = new Date(last);
      if (button.dataset.hyDays === "year") { first = new Date(last.getFullYear(), 0, 1); } else {
        first.setDate(last.getDate() - parseInt(button.dataset.hyDays, 10) + 1);
      }
      form.elements.from.value = iso(first);
      form.elements.to.value = iso(last);
      form.dispatchEvent(new Event("change"));
    });
  });

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("change", function () {
    var query = filterQuery();
    window.history.replaceState(null, "", window.location.pathname +
      (query.toString() ? "?" + query.toString() : ""));
    townCounts = null;
    map.closePopup();
    loadCases(true);
    loadDensity();
  });

  function say(text, kind) {
    summary.textContent = text;
    summary.className = "small hy-cmap-summary" + (kind ? " text-" + kind : "");
  }

  /* ---- towns: a click shows their figures (from the rollups) ----------------------- */
  var townCounts = null;  // a promise of {code: measures} for the current filters

  function countsOfTowns() {
    if (!data.api.towns) { return Promise.resolve(null); }
    if (!townCounts) {
      var query = filterQuery(["from", "to", "matter_type", "colour"]);
      townCounts = HYMap.getJSON(data.api.towns + "?" + query.toString()).then(function (body) {
        var byCode = {};
        body.items.forEach(function (item) { byCode[item.code] = item.measures; });
        return byCode;
      });
      townCounts.catch(function () { townCounts = null; });
    }
    return townCounts;
  }

  function townPopup(feature, latlng) {
    var name = "<div class='hy-popup-title'>" + esc(feature.properties.name) + "</div>";
    var popup = L.popup({ className: "hy-popup" }).setLatLng(latlng)
      .setContent(name + "<div class='text-muted'>" + esc(T.loading) + "</div>").openOn(map);
    countsOfTowns().then(function (byCode) {
      if (!byCode) { popup.setContent(name); return; }
      var m = byCode[feature.properties.code];
      if (!m) { popup.setContent(name + "<div class='text-muted'>" + esc(T.no_counts) + "</div>"); return; }
      var rows = [["received", m.received], ["open", m.open], ["done", m.done],
        ["overdue", m.overdue], ["dispatched", m.dispatched]].map(function (r) {
        return "<tr><th>" + esc(T[r[0]]) + "</th><td data-measure='" + r[0] + "'>" + r[1] +
          "</td></tr>";
      }).join("");
      popup.setContent(name + "<table class='hy-popup-counts'>" + rows + "</table>");
    }).catch(function () { popup.setContent(name + "<div class='text-danger'>" + esc(T.failed) + "</div>"); });
  }

  /* ---- layers ------------------------------------------------------------------- */
  var towns = L.layerGroup();
  var communities = L.layerGroup();
  var grids = L.layerGroup();
  var cases = L.layerGroup();
  var density = L.layerGroup();
  // SVG, not canvas: a canvas over the towns would swallow their clicks.
  var points = L.svg({ pane: "hy-cases", padding: 0.3 });
  var overlays = {};
  overlays[T.towns] = towns;
  overlays[T.communities] = communities;
  overlays[T.grids] = grids;
  overlays[T.cases] = cases;
  if (data.api.density) { overlays[T.density] = density; }
  L.control.layers(null, overlays, { collapsed: window.innerWidth < 992, position: "topright" })
    .addTo(map);

  function lazyUnits(group, level) {
    var loaded = false;
    group.on("add", function () {
      if (loaded) { return; }
      loaded = true;
      HYMap.getJSON(data.api.base + "?level=" + level).then(function (collection) {
        var drawn = HYMap.drawUnits(map, collection, level);
        group.addLayer(drawn.borders);
        group.addLayer(drawn.labels);
        el.dataset["hy" + level.charAt(0).toUpperCase() + level.slice(1)] = "drawn";
      }).catch(function () { loaded = false; say(T.failed, "danger"); });
    });
  }
  lazyUnits(communities, "community");
  lazyUnits(grids, "grid");

  /* Labels of the finer levels only where they can be read. */
  function zoomClass() {
    var z = map.getZoom();
    el.classList.toggle("hy-z-community", z >= 12);
    el.classList.toggle("hy-z-grid", z >= 14.5);
  }
  map.on("zoomend", zoomClass);
  zoomClass();

  /* ---- cases -------------------------------------------------------------------- */
  function pointStyle(p) {
    var colour = COLOURS[p.colour || ""] || COLOURS[""];
    var style = { renderer: points, className: "hy-case hy-case-" + p.stage };
    if (p.stage === "done") {
      return L.extend(style, { radius: 5.5, color: colour, weight: 2.5, fillColor: "#fff",
        fillOpacity: 1 });
    }
    if (p.stage === "withdrawn") {
      return L.extend(style, { radius: 4, color: "#fff", weight: 1, fillColor: "#aab3bf",
        fillOpacity: 0.9 });
    }
    return L.extend(style, { radius: 6.5, color: "#fff", weight: 1.5, fillColor: colour,
      fillOpacity: 0.95 });
  }

  function casePopup(p) {
    var colour = p.colour ? "<span class='hy-colour hy-" + esc(p.colour) + "'>" +
      esc(data.colour_labels[p.colour] || p.colour) + "</span> " : "";
    var url = data.case_url.replace("NUMBER", encodeURIComponent(p.number));
    return "<div class='hy-popup-title'><a href='" + url + "' data-case-link>" + esc(p.number) +
      "</a></div><div class='hy-popup-case-title'>" + esc(p.title) + "</div>" +
      "<div class='mt-1'>" + colour + "<span class='badge text-bg-light border'>" +
      esc(p.status_label) + "</span></div>" +
      (p.matter ? "<div class='text-muted mt-1'>" + esc(T.matter) + "：" + esc(p.matter.name) + "</div>" : "") +
      "<div class='text-muted'>" + esc(T.reported) + "：" + esc(p.reported_at.slice(0, 16).replace("T", " ")) + "</div>" +
      "<a class='btn btn-sm btn-primary mt-2 text-white' href='" + url + "'>" + esc(T.open_case) + "</a>";
  }

  function clusterIcon(p) {
    // The ring is the cluster's colours in proportion (conic gradient), the worst first.
    var total = p.count, at = 0, stops = [];
    SEVERITY.forEach(function (c) {
      var n = c ? (p.colours[c] || 0) : total - Object.keys(p.colours).reduce(function (s, k) {
        return s + p.colours[k]; }, 0);
      if (n > 0) {
        var next = at + n / total * 100;
        stops.push(COLOURS[c] + " " + at.toFixed(1) + "% " + next.toFixed(1) + "%");
        at = next;
      }
    });
    var size = Math.round(28 + 10 * Math.log10(Math.max(total, 1)));
    return L.divIcon({ className: "hy-cluster", iconSize: [size, size],
      html: "<span class='hy-cluster-ring' style='background:conic-gradient(" + stops.join(",") +
        ")'><span class='hy-cluster-n'>" + total + "</span></span>" });
  }

  function drawCases(collection) {
    cases.clearLayers();
    var shown = 0, clusters = 0;
    collection.features.forEach(function (f) {
      var c = f.geometry.coordinates, at = L.latLng(c[1], c[0]), p = f.properties;
      if (p.kind === "cluster") {
        clusters += 1;
        shown += p.count;
        var marker = L.marker(at, { icon: clusterIcon(p), pane: "markerPane",
          title: p.count + " " + T.cases_here });
        marker.bindTooltip(p.count + " " + T.cases_here + " · " + p.open + " " + T.still_open +
          "<br>" + esc(T.zoom_in), { direction: "top" });
        marker.on("click", function () {
          map.setView(at, Math.min(map.getZoom() + 2, data.cluster_below_zoom));
        });
        cases.addLayer(marker);
      } else {
        shown += 1;
        var point = L.circleMarker(at, pointStyle(p));
        point.on("add", function () { this.getElement().setAttribute("data-case", p.number); });
        point.bindPopup(casePopup(p), { className: "hy-popup", maxWidth: 280 });
        cases.addLayer(point);
      }
    });
    el.dataset.hyCases = collection.mode + ":" + collection.features.length;
    if (!collection.features.length) { say(T.none); } else if (clusters) {
      say(fmt(T.clusters, { n: shown, k: clusters }));
    } else {
      say(fmt(T.shown, { n: shown }) + (collection.truncated ? " " + fmt(T.truncated, { n: collection.limit }) : ""),
        collection.truncated ? "warning-emphasis" : "");
    }
  }

  function clamp(v, lo, hi) { return Math.min(Math.max(v, lo), hi); }

  var loadedCases = null, casesRequest = null;
  function loadCases(force) {
    if (!map.hasLayer(cases)) { return; }
    var zoom = Math.round(map.getZoom());
    var clustered = zoom < data.cluster_below_zoom;
    var key = filterQuery().toString();
    var view = map.getBounds();
    if (!force && loadedCases && loadedCases.key === key && loadedCases.bounds.contains(view) &&
        (clustered ? loadedCases.zoom === zoom : !loadedCases.clustered)) { return; }
    var area = view.pad(clustered ? 0.3 : 0.5);
    var bbox = [clamp(area.getWest(), -180, 180), clamp(area.getSouth(), -90, 90),
      clamp(area.getEast(), -180, 180), clamp(area.getNorth(), -90, 90)]
      .map(function (v) { return v.toFixed(5); }).join(",");
    var query = filterQuery();
    query.set("bbox", bbox);
    query.set("zoom", zoom);
    if (casesRequest) { casesRequest.abort(); }
    casesRequest = new AbortController();
    el.dataset.hyCases = "loading";
    HYMap.getJSON(data.api.cases + "?" + query.toString(), casesRequest.signal).then(function (fc) {
      loadedCases = { key: key, bounds: area, zoom: zoom, clustered: clustered };
      drawCases(fc);
    }).catch(function (error) {
      if (error.name === "AbortError") { return; }
      el.dataset.hyCases = "failed";
      say(error.message || T.failed, "danger");
    });
  }
  cases.on("add", function () { loadCases(true); });
  cases.on("remove", function () { loadedCases = null; say(""); });
  map.on("moveend", function () { loadCases(false); });

  /* ---- density ------------------------------------------------------------------ */
  var densityRequest = null;
  function loadDensity() {
    if (!data.api.density || !map.hasLayer(density)) { return; }
    var query = filterQuery(["from", "to", "matter_type"]);
    if (densityRequest) { densityRequest.abort(); }
    densityRequest = new AbortController();
    el.dataset.hyDensity = "loading";
    HYMap.getJSON(data.api.density + "?" + query.toString(), densityRequest.signal).then(function (fc) {
      density.clearLayers();
      var top = Math.max(fc.max, 1);
      density.addLayer(L.geoJSON(fc, {
        style: function (f) {
          var share = Math.sqrt(f.properties.count / top);
          var colour = RAMP[Math.min(RAMP.length - 1, Math.floor(share * RAMP.length))];
          return { color: colour, weight: 0.6, fillColor: colour, fillOpacity: 0.62 };
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.count + " " + T.reports + " · " + f.properties.open +
            " " + T.still_open, { sticky: true });
        }
      }));
      el.dataset.hyDensity = "drawn:" + fc.features.length;
      if (densityNote) {
        densityNote.textContent = fc.features.length ?
          fmt(T.density_note, { k: fc.features.length, n: fc.max }) : T.density_none;
      }
    }).catch(function (error) {
      if (error.name === "AbortError") { return; }
      el.dataset.hyDensity = "failed";
      say(error.message || T.failed, "danger");
    });
  }
  density.on("add", loadDensity);
  density.on("remove", function () {
    density.clearLayers();
    if (densityNote) { densityNote.textContent = ""; }
  });

  /* ---- the base, then the layers on top ------------------------------------------- */
  HYMap.getJSON(data.api.base + "?level=town").then(function (collection) {
    var base = HYMap.drawBase(map, collection, { townLabels: false, interactive: true,
      onUnit: function (feature, layer) {
        layer.on("click", function (e) { townPopup(feature, e.latlng); });
      } });
    // The towns' borders and names are a layer of their own (the tints stay: the land).
    map.removeLayer(base.towns.borders);
    towns.addLayer(base.towns.borders);
    towns.addLayer(base.towns.labels);
    towns.addTo(map);
    // A town's staff open on their own town(s); the county's on the county.
    var focus = null;
    base.towns.fills.eachLayer(function (layer) {
      if ((data.focus || []).indexOf(layer.feature.properties.code) >= 0) {
        focus = focus ? focus.extend(layer.getBounds()) : L.latLngBounds(
          layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
      }
    });
    var view = focus || base.bounds;
    if (view.isValid()) { map.fitBounds(view, { padding: [10, 10] }); }
    el.dataset.hyBase = "drawn";
    cases.addTo(map);
  }).catch(function (error) {
    el.dataset.hyBase = "failed";
    say(error.message || T.failed, "danger");
    cases.addTo(map);
  });

  /* ---- the panel on a phone ------------------------------------------------------- */
  document.querySelectorAll("[data-hy-cmap-open]").forEach(function (b) {
    b.addEventListener("click", function () { panel.classList.add("hy-open"); });
  });
  document.querySelectorAll("[data-hy-cmap-close]").forEach(function (b) {
    b.addEventListener("click", function () { panel.classList.remove("hy-open"); });
  });

  el.hyLayers = { towns: towns, communities: communities, grids: grids, cases: cases,
    density: density };
})();
