/* huying maps: one base for every map of the platform (the case page, the report forms, the
   county map). Offline first: the base is the county's own polygons (land, town borders,
   names) from /api/v1/map/base; a tile layer goes underneath only when HUYING_MAP_TILE_URL is
   set. window.HYMap is used by huying.js (small maps) and county-map.js (/map/). */
(function () {
  "use strict";

  var COLOURS = { red: "#d92d20", orange: "#f07b0f", yellow: "#f5c400", blue: "#1f6feb",
    green: "#1a8f4a", "": "#8a94a3" };
  // Towns get alternating light land tints, like a printed administrative map.
  var LAND_TINTS = ["#f4f0e1", "#eaf1e1", "#f3e9df", "#e6eef0", "#efece3", "#f1e6e9"];
  var SEA = "#c4daea";
  var PLACE_LABEL_ZOOM = 14;

  /* Panes, bottom to top: tiles (200) < land (250) < unit borders (380) < overlays (400:
     density, a case's own unit) < labels (450) < case points (620) < markers (600+). */
  function panes(map) {
    [["hy-land", 250], ["hy-borders", 380], ["hy-labels", 450], ["hy-cases", 620]]
      .forEach(function (p) {
        var pane = map.createPane(p[0]);
        pane.style.zIndex = p[1];
        if (p[0] === "hy-labels") { pane.style.pointerEvents = "none"; }
      });
  }

  function create(el, options) {
    options = options || {};
    var map = L.map(el, { zoomControl: false, zoomSnap: 0.25,
      attributionControl: !!options.tiles });
    L.control.zoom({ position: options.zoomPosition || "topleft",
      zoomInTitle: options.zoomInTitle || "+", zoomOutTitle: options.zoomOutTitle || "−" })
      .addTo(map);
    panes(map);
    el.classList.add(options.tiles ? "hy-map-tiled" : "hy-map-offline");
    if (options.tiles) {
      L.tileLayer(options.tiles, { maxZoom: 19, attribution: options.attribution || "" })
        .addTo(map);
    }
    map.hyTiles = !!options.tiles;
    el.hyMap = map;
    return map;
  }

  function landStyle(map, index) {
    // Over tiles the land is the tiles' own: only the borders are drawn.
    return { pane: "hy-land", stroke: false, fill: true, interactive: false,
      fillColor: LAND_TINTS[index % LAND_TINTS.length], fillOpacity: map.hyTiles ? 0 : 1 };
  }

  function labelMarker(latlng, text, kind) {
    return L.marker(latlng, { pane: "hy-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "hy-label hy-label-" + kind, iconSize: null,
        html: "<span>" + escapeHtml(text) + "</span>" }) });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function byKind(collection, kind) {
    return { type: "FeatureCollection", features: (collection.features || []).filter(
      function (f) { return f.properties && f.properties.kind === kind; }) };
  }

  function ofLevel(collection, level) {
    return { type: "FeatureCollection", features: byKind(collection, "unit").features.filter(
      function (f) { return f.properties.level === level; }) };
  }

  /* Units of one level as land (fills) and borders, with their names. Answers the layers:
     {fills, borders, labels}. `interactive` borders take clicks (a town's counts). */
  function drawUnits(map, collection, level, options) {
    options = options || {};
    var units = ofLevel(collection, level);
    var index = 0;
    var fills = L.geoJSON(units, { style: function (f) {
      var style = landStyle(map, index++);
      if (f.properties.is_sea) { style.fillColor = SEA; }
      return style;
    } });
    var weight = { town: 1.6, community: 1.0, grid: 0.7 }[level] || 1;
    var colour = { town: "#5f6f86", community: "#8794a8", grid: "#a7b1c0" }[level] || "#8794a8";
    var borders = L.geoJSON(units, {
      style: { pane: "hy-borders", color: colour, weight: weight, fill: !!options.interactive,
        fillOpacity: 0, dashArray: level === "grid" ? "3 3" : null,
        interactive: !!options.interactive },
      onEachFeature: function (feature, layer) {
        if (options.onUnit) { options.onUnit(feature, layer); }
      }
    });
    var labels = L.layerGroup();
    units.features.forEach(function (f) {
      var p = f.properties.label;
      if (p) { labels.addLayer(labelMarker([p[1], p[0]], f.properties.name, level)); }
    });
    return { fills: fills, borders: borders, labels: labels };
  }

  /* The county's outline (land colour, coast line) drawn once under everything. */
  function drawCounty(map, collection) {
    var county = ofLevel(collection, "county");
    var land = L.geoJSON(county, { style: { pane: "hy-land", stroke: false, fill: true,
      interactive: false, fillColor: LAND_TINTS[0], fillOpacity: map.hyTiles ? 0 : 1 } });
    var outline = L.geoJSON(county, { style: { pane: "hy-borders", color: "#3d4d63",
      weight: 2.4, fill: false, interactive: false } });
    return { land: land, outline: outline };
  }

  /* The gazetteer's named places: written only when zoomed in, and only those in view. */
  function placeLabels(map, collection) {
    var places = byKind(collection, "place").features;
    var group = L.layerGroup().addTo(map);
    function update() {
      group.clearLayers();
      if (map.getZoom() < PLACE_LABEL_ZOOM) { return; }
      var view = map.getBounds().pad(0.2);
      places.forEach(function (f) {
        var c = f.geometry.coordinates;
        var at = L.latLng(c[1], c[0]);
        if (view.contains(at)) {
          group.addLayer(labelMarker(at, f.properties.name,
            "place hy-place-" + f.properties.place_kind));
        }
      });
    }
    map.on("moveend zoomend", update);
    update();
    return group;
  }

  /* The base every map starts from: county land and outline, the towns' tints, borders and
     names, the places' names. `collection` is the answer of /api/v1/map/base?level=town. */
  function drawBase(map, collection, options) {
    options = options || {};
    var county = drawCounty(map, collection);
    var towns = drawUnits(map, collection, "town", options);
    var sea = L.geoJSON({ type: "FeatureCollection", features: byKind(collection, "unit")
      .features.filter(function (f) { return f.properties.is_sea && f.properties.level !== "town"; }) },
      { style: { pane: "hy-land", color: "#9fbbd0", weight: 0.8, fillColor: SEA,
        fillOpacity: map.hyTiles ? 0 : 1, interactive: false } });
    county.land.addTo(map);
    towns.fills.addTo(map);
    sea.addTo(map);
    towns.borders.addTo(map);
    county.outline.addTo(map);
    if (options.townLabels !== false) { towns.labels.addTo(map); }
    var places = placeLabels(map, collection);
    return { county: county, towns: towns, sea: sea, places: places,
      bounds: county.land.getLayers().length ? county.land.getBounds() : towns.fills.getBounds() };
  }

  function getJSON(url, signal) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" },
      signal: signal }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          var error = new Error(body.message || ("HTTP " + r.status));
          error.status = r.status;
          throw error;
        });
      }
      return r.json();
    });
  }

  function loadBase(map, url, options) {
    return getJSON(url).then(function (collection) {
      return drawBase(map, collection, options);
    });
  }

  /* Show every box; a single point gets a street-level zoom. */
  function fit(map, boxes, zoom) {
    var bounds = null;
    boxes.forEach(function (b) {
      if (b && b.isValid()) {
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      }
    });
    if (!bounds) { map.setView([37.2, 122.2], 10); return; }
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      map.setView(bounds.getCenter(), zoom);
    } else {
      map.fitBounds(bounds, { padding: [12, 12] });
    }
  }

  window.HYMap = { COLOURS: COLOURS, create: create, drawBase: drawBase, loadBase: loadBase,
    drawUnits: drawUnits, drawCounty: drawCounty, fit: fit, getJSON: getJSON,
    escapeHtml: escapeHtml, ofLevel: ofLevel };
})();
