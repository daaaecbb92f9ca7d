/* huying pages: maps, list filters, the report form's idempotency key and GPS, htmx errors.
   No framework: htmx does the requests, this only wires behaviour onto server-rendered HTML. */
(function () {
  "use strict";

  function messages() {
    var node = document.getElementById("hy-messages");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function showHttpError(text) {
    var box = document.getElementById("hy-http-error");
    if (!box) { return; }
    box.textContent = text;
    box.classList.remove("d-none");
    box.scrollIntoView({ block: "nearest" });
  }

  /* An idempotency key that works on plain http too (crypto.randomUUID needs https). */
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context */ }
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* ---- maps: drawn on the shared base of web/map.js -------------------------------- */
  var UNIT_STYLE = { color: "#1f6feb", weight: 2, fillColor: "#1f6feb", fillOpacity: 0.07 };
  var PIN_STYLE = { radius: 8, color: "#fff", weight: 2, fillColor: "#d92d20", fillOpacity: 1,
    pane: "hy-cases" };

  /* The case page: the county base (when `data.base` names it), the case's unit, its pin. */
  function initPinMap(el, data) {
    var map = HYMap.create(el, data);
    var boxes = [], layers = [];
    if (data.geometry) {
      var unit = L.geoJSON(data.geometry, { style: UNIT_STYLE, interactive: false });
      layers.push(unit);
      boxes.push(unit.getBounds());
    }
    if (data.lat !== null && data.lon !== null && data.lat !== undefined) {
      layers.push(L.circleMarker([data.lat, data.lon], PIN_STYLE));
      boxes.push(L.latLngBounds([data.lat, data.lon], [data.lat, data.lon]));
    }
    // Vector layers need a view before they are added (there may be no tiles to set one).
    HYMap.fit(map, boxes, 15);
    layers.forEach(function (layer) { layer.addTo(map); });
    if (data.base) {
      HYMap.loadBase(map, data.base).then(function (base) {
        el.dataset.hyBase = "drawn";
        if (!boxes.length) { HYMap.fit(map, [base.bounds], 12); }
      }).catch(function () { el.dataset.hyBase = "failed"; });
    }
  }

  /* Units a form offers (a worker's grids, the county's towns) drawn as land, so that a
     pick map is never a polygon floating on grey; the county base under them when known. */
  function unitsAsLand(map, units, onBase) {
    // On the county base (land, sea) they only outline; alone they are the land.
    var opacity = map.hyTiles || onBase ? 0.06 : 0.9;
    return L.geoJSON(units, {
      style: function () {
        return { color: "#5f6f86", weight: 1.4, fillColor: "#f4f0e1", fillOpacity: opacity };
      },
      onEachFeature: function (feature, layer) {
        if (feature.properties && feature.properties.name) {
          layer.bindTooltip(feature.properties.name, { sticky: true });
        }
      }
    });
  }

  function initPickMap(el, data) {
    var map = HYMap.create(el, data);
    var form = el.closest("form");
    var lon = form.querySelector("[name=longitude]");
    var lat = form.querySelector("[name=latitude]");
    var status = form.querySelector("[data-location-status]");
    var units = unitsAsLand(map, data.units, !!data.base);
    HYMap.fit(map, [units.getBounds()], 14);
    units.addTo(map);
    if (data.base) {
      HYMap.loadBase(map, data.base, { townLabels: false }).then(function () {
        el.dataset.hyBase = "drawn";
      }).catch(function () { el.dataset.hyBase = "failed"; });
    }
    var pin = null;
    function place(latitude, longitude, how) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      if (pin) { pin.setLatLng([latitude, longitude]); } else {
        pin = L.circleMarker([latitude, longitude], PIN_STYLE).addTo(map);
      }
      if (status) {
        status.textContent = status.dataset[how] + " " + lon.value + ", " + lat.value;
        status.classList.remove("text-danger");
      }
    }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, "tapped"); });
    units.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, "tapped"); });
    if (lat.value && lon.value) { place(parseFloat(lat.value), parseFloat(lon.value), "tapped"); }
    var gps = form.querySelector("[data-gps]");
    if (gps) {
      gps.addEventListener("click", function () {
        if (!navigator.geolocation) {
          status.textContent = status.dataset.unavailable;
          status.classList.add("text-danger");
          return;
        }
        status.textContent = status.dataset.locating;
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(pos.coords.latitude, pos.coords.longitude, "gps");
          map.setView([pos.coords.latitude, pos.coords.longitude], 16);
        }, function () {
          status.textContent = status.dataset.failed;
          status.classList.add("text-danger");
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
      });
    }
    el.hyMap = map;
  }

  function initMaps(root) {
    if (typeof L === "undefined" || typeof HYMap === "undefined") { return; }
    root.querySelectorAll("[data-hy-map]").forEach(function (el) {
      if (el.dataset.hyMapReady) { return; }
      el.dataset.hyMapReady = "1";
      var source = document.getElementById(el.dataset.hyMap);
      var data = source ? JSON.parse(source.textContent) : {};
      if (el.dataset.hyMapMode === "pick") { initPickMap(el, data); } else { initPinMap(el, data); }
    });
  }

  /* ---- type-to-filter lists ------------------------------------------------------- */
  function initFilters(root) {
    root.querySelectorAll("[data-filter-select]").forEach(function (input) {
      var select = document.querySelector(input.dataset.filterSelect);
      if (!select || input.dataset.ready) { return; }
      input.dataset.ready = "1";
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var match = !needle || !option.value || option.text.toLowerCase().indexOf(needle) >= 0;
          option.hidden = !match;
          if (match && option.value && !first) { first = option; }
        });
        if (needle && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
          first.selected = true;
        }
      });
    });
    root.querySelectorAll("[data-filter-checks]").forEach(function (input) {
      var box = document.querySelector(input.dataset.filterChecks);
      if (!box || input.dataset.ready) { return; }
      input.dataset.ready = "1";
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        box.querySelectorAll("[data-label]").forEach(function (row) {
          row.hidden = needle && row.dataset.label.toLowerCase().indexOf(needle) < 0;
        });
      });
    });
  }

  /* ---- the report form -------------------------------------------------------------- */
  function initReport(root) {
    root.querySelectorAll("input[name=idempotency_key]").forEach(function (input) {
      if (!input.value) { input.value = newKey(); }
    });
  }

  function markFieldError(root) {
    root.querySelectorAll(".hy-form-error[data-field]").forEach(function (box) {
      var form = box.closest("form") || document.querySelector("form[data-hy-report]");
      if (!form) { return; }
      form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
      var name = box.dataset.field;
      var field = name && form.querySelector("[name='" + name + "']");
      if (field && field.type !== "hidden") { field.classList.add("is-invalid"); }
      box.scrollIntoView({ block: "center" });
    });
  }

  /* File inputs wear a Chinese button; the chosen names are listed under it. */
  function initFiles(root) {
    root.querySelectorAll("input[type=file][data-file-list]").forEach(function (input) {
      if (input.dataset.ready) { return; }
      input.dataset.ready = "1";
      var list = document.getElementById(input.dataset.fileList);
      input.addEventListener("change", function () {
        if (!list) { return; }
        list.textContent = Array.prototype.map.call(input.files, function (f) {
          return f.name;
        }).join("、") || list.dataset.empty;
      });
    });
  }

  /* ---- fields that matter for one answer only --------------------------------------
     A field box with data-hy-shown-if="rating" data-hy-shown-value="unsatisfied" is hidden
     until its form's "rating" has that value (e.g. the departments to reopen to). Without
     JavaScript nothing is hidden; the server reads such fields only when they apply. */
  function initShownIf(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll("[data-hy-shown-if]"));
    if (root.matches && root.matches("[data-hy-shown-if]")) { boxes.push(root); }
    boxes.forEach(function (box) {
      var form = box.closest("form");
      if (!form || box.dataset.hyShownReady) { return; }
      box.dataset.hyShownReady = "1";
      var update = function () {
        var values = new FormData(form).getAll(box.dataset.hyShownIf);
        box.hidden = values.indexOf(box.dataset.hyShownValue) < 0;
      };
      form.addEventListener("change", update);
      update();
    });
  }

  function init(root) {
    initShownIf(root);
    initFiles(root);
    initMaps(root);
    initFilters(root);
    initReport(root);
  }

  // On a board, a matter suggestion chip selects its matter in that case's register form.
  document.addEventListener("click", function (e) {
    var chip = e.target.closest("[data-matter][data-matter-for]");
    if (!chip) { return; }
    var box = document.getElementById(chip.dataset.matterFor);
    var select = box && box.querySelector("select[name=matter]");
    if (!select) { return; }
    if (box.classList.contains("collapse") && !box.classList.contains("show")) {
      box.classList.add("show");
    }
    select.value = chip.dataset.matter;
    select.dispatchEvent(new Event("change", {bubbles: true}));
    chip.parentNode.querySelectorAll("[data-matter]").forEach(function (c) {
      c.classList.toggle("active", c === chip);
    });
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
  document.addEventListener("htmx:afterSwap", function (e) {
    var box = document.getElementById("hy-http-error");
    if (box) { box.classList.add("d-none"); }
    markFieldError(e.target);
  });
  document.addEventListener("htmx:responseError", function () { showHttpError(messages().server); });
  document.addEventListener("htmx:sendError", function () { showHttpError(messages().network); });
})();
