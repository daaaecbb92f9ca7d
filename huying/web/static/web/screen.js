/* The big screen (大屏) and the leader's dashboard: each panel is fed by one JSON endpoint
   (/api/v1/screen/…) and redrawn in place when it answers. Polls pause while the tab is
   hidden; a failed poll dims its panel and shows "connection lost" until the next answer.
   The map is drawn from the county's own polygons (no tile server): it works offline.
   No framework; ECharts and Leaflet come from static/vendor. */
(function () {
  "use strict";

  var LEVEL_COLOURS = ["#2b7bd6", "#35c6c9", "#f5d547", "#ff9a3c", "#ff4b3e"];
  var SERIES_COLOURS = { received: "#ffd35c", resolved: "#3ccf7f", dispatched: "#4c9bff",
                         done: "#35e0ff" };
  var PIE_COLOURS = ["#35e0ff", "#ffd35c", "#3ccf7f", "#4c9bff", "#ff9a3c", "#b07cff",
                     "#ff6f91", "#7fe0c4", "#c9d46b", "#8ea6c8"];

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(n) { return Number(n || 0).toLocaleString("zh-CN"); }

  function fill(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] == null ? "" : values[key];
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The platform's time zone, whatever the wall computer's own setting.
  function zoned(date, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
      weekday: "short", hour12: false }).formatToParts(date).forEach(function (p) {
      parts[p.type] = p.value;
    });
    var weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
    return { date: parts.year + "-" + parts.month + "-" + parts.day,
             time: (parts.hour === "24" ? "00" : parts.hour) + ":" + parts.minute + ":" + parts.second,
             weekday: weekday };
  }

  // ---------------------------------------------------------------------------------------
  // the map base: the county's outline and its towns, then one overlay layer replaced

  function countyMap(el, base, options) {
    options = options || {};
    var map = L.map(el, { zoomControl: !!options.zoomControl, attributionControl: false,
                          zoomSnap: 0.25, scrollWheelZoom: !!options.scrollWheelZoom });
    var outline = null;
    var towns = L.geoJSON(base, {
      style: function (f) {
        if (f.properties.level === "county") {
          return { color: options.outlineColour || "#35e0ff", weight: 2.5, fill: false };
        }
        return { color: options.townColour || "rgba(140,200,255,.8)", weight: 1.2,
                 fillColor: options.townFill || "#0f3a78", fillOpacity: options.townOpacity || 0.4 };
      },
      onEachFeature: function (f, layer) {
        if (f.properties.level === "county") { outline = layer; return; }
        layer.bindTooltip(esc(f.properties.name), { permanent: true, direction: "center",
                                                    className: options.labelClass || "hs-town-label" });
        if (options.onTown) {
          layer.on("click", function () { options.onTown(f.properties); });
        }
      }
    }).addTo(map);
    var bounds = (outline || towns).getBounds && (outline || towns).getBounds();
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
    else { map.setView([35, 110], 4); }
    var overlay = null;
    return {
      map: map,
      overlay: function (layer) {
        if (overlay) { map.removeLayer(overlay); }
        overlay = layer;
        if (layer) {
          layer.addTo(map);
          towns.bringToFront();
          if (!(bounds && bounds.isValid()) && layer.getBounds && layer.getBounds().isValid()) {
            bounds = layer.getBounds();
            map.fitBounds(bounds, { padding: [12, 12] });
          }
        }
      },
      focus: function (b) {
        if (b && b.isValid()) { bounds = b; map.fitBounds(b, { padding: [16, 16] }); }
      },
      refit: function () {
        map.invalidateSize();
        if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
      }
    };
  }

  function densityLayer(cells, T) {
    return L.geoJSON(cells, {
      style: function (f) {
        var colour = LEVEL_COLOURS[Math.max(0, (f.properties.level || 1) - 1)];
        return { color: colour, weight: 0.6, fillColor: colour, fillOpacity: 0.72 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip((p.place ? esc(p.place) + "<br>" : "") + fmt(p.count) + " " + T.reports +
                          " · " + fmt(p.open) + " " + T.open, { className: "hs-cell-tip", sticky: true });
      }
    });
  }

  // ---------------------------------------------------------------------------------------
  // charts

  function axisStyle(dark) {
    var ink = dark ? "#8ea6c8" : "#5b6675";
    var line = dark ? "rgba(72,160,255,.14)" : "#e6e9ee";
    return { axisLabel: { color: ink, fontSize: dark ? 13 : 11 },
             axisLine: { lineStyle: { color: line } }, splitLine: { lineStyle: { color: line } } };
  }

  function trendOption(data, dark) {
    var axis = axisStyle(dark);
    return {
      animationDuration: 600,
      grid: { left: 44, right: 16, top: 34, bottom: 26 },
      tooltip: { trigger: "axis" },
      legend: { top: 4, textStyle: { color: dark ? "#dbe8ff" : "#1d2733", fontSize: dark ? 13 : 12 },
                itemWidth: 14, itemHeight: 8 },
      xAxis: { type: "category", boundaryGap: false, data: data.points.map(function (p) { return p.label; }),
               axisLabel: axis.axisLabel, axisLine: axis.axisLine },
      yAxis: { type: "value", minInterval: 1, axisLabel: axis.axisLabel, splitLine: axis.splitLine },
      series: data.series.map(function (s) {
        var colour = SERIES_COLOURS[s.code] || "#35e0ff";
        var item = { name: s.label, type: "line", smooth: true, showSymbol: false,
                     lineStyle: { width: 2, color: colour }, itemStyle: { color: colour },
                     data: data.points.map(function (p) { return p.values[s.code] || 0; }) };
        if (s.code === "received") {
          item.areaStyle = { color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [
            { offset: 0, color: "rgba(255,211,92,.35)" }, { offset: 1, color: "rgba(255,211,92,0)" }]) };
        }
        return item;
      })
    };
  }

  function channelOption(data, dark, T) {
    var total = data.total || 0;
    var items = data.items.map(function (i) { return { name: i.label, value: i.count }; });
    return {
      animationDuration: 600,
      color: PIE_COLOURS,
      title: total ? { text: fmt(total), subtext: T.reports, left: "29%", top: "39%",
                       textAlign: "center",
                       textStyle: { color: dark ? "#ffd35c" : "#1d2733", fontSize: dark ? 26 : 18 },
                       subtextStyle: { color: dark ? "#8ea6c8" : "#5b6675" } }
                   : { text: T.noReports, left: "center", top: "center",
                       textStyle: { color: "#8ea6c8", fontSize: 15, fontWeight: 400 } },
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { orient: "vertical", right: 8, top: "middle", itemWidth: 12, itemHeight: 10,
                textStyle: { color: dark ? "#dbe8ff" : "#1d2733", fontSize: dark ? 14 : 12 },
                formatter: function (name) {
                  var found = data.items.filter(function (i) { return i.label === name; })[0];
                  return found ? name + "  " + fmt(found.count) + "  " + (found.share * 100).toFixed(1) + "%" : name;
                } },
      series: [{ type: "pie", radius: ["48%", "74%"], center: ["30%", "52%"], avoidLabelOverlap: true,
                 label: { show: false }, itemStyle: { borderColor: dark ? "#091c3a" : "#fff", borderWidth: 2 },
                 data: items }]
    };
  }

  // ---------------------------------------------------------------------------------------
  // the panels of the big screen

  function screenPage() {
    var config = json("hs-config");
    var T = json("hs-i18n");
    var base = json("hs-base") || { type: "FeatureCollection", features: [] };
    var zone = config.timeZone || "Asia/Shanghai";
    var body = document.body;
    var ready = {};
    var failing = {};
    var lastUpdate = null;
    var charts = {};
    var live = document.getElementById("hs-live");
    var liveText = document.getElementById("hs-live-text");

    function markReady(name) {
      ready[name] = true;
      body.setAttribute("data-ready", Object.keys(ready).sort().join(" "));
    }

    function showLive() {
      live.classList.remove("lost", "paused");
      if (Object.keys(failing).length) {
        live.classList.add("lost");
        liveText.textContent = T.lost;
      } else if (document.hidden) {
        live.classList.add("paused");
        liveText.textContent = T.paused;
      } else if (lastUpdate) {
        liveText.textContent = T.updated + " " + zoned(lastUpdate, zone).time;
      } else {
        liveText.textContent = T.connecting;
      }
    }

    function clock() {
      var now = zoned(new Date(), zone);
      document.getElementById("hs-date").textContent = now.date + " " + T.weekdays[now.weekday];
      document.getElementById("hs-time").textContent = now.time;
    }

    function chart(id) {
      if (!charts[id]) { charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" }); }
      return charts[id];
    }

    var mapView = null;
    var animated = {};

    // A chart counts as ready once its first drawing (and its animation) has finished.
    function drawn(name, instance, option) {
      if (!animated[name]) {
        animated[name] = true;
        instance.on("finished", function () { markReady(name); });
      }
      instance.setOption(option, true);
    }

    var render = {
      counters: function (data) {
        document.getElementById("hs-counters").innerHTML = data.items.map(function (c) {
          return '<li data-code="' + esc(c.code) + '"><span class="label">' + esc(c.label) +
            '</span><span class="value">' + fmt(c.period) + '</span><span class="today">' +
            esc(T.today) + ' <b>' + fmt(c.today) + '</b></span></li>';
        }).join("");
      },
      trend: function (data) { drawn("trend", chart("hs-trend"), trendOption(data, true)); },
      channels: function (data) { drawn("channels", chart("hs-channels"), channelOption(data, true, T)); },
      towns: function (data) {
        var rows = data.items.map(function (t) {
          return "<tr><td>" + esc(t.name) + '</td><td class="n">' + fmt(t.received) +
            '</td><td class="n">' + fmt(t.done) + '</td><td class="n">' + fmt(t.open) +
            '</td><td class="n' + (t.overdue ? " bad" : "") + '">' + fmt(t.overdue) + "</td></tr>";
        });
        document.getElementById("hs-towns").innerHTML = rows.join("") ||
          '<tr><td colspan="5" class="hs-empty">' + esc(T.noRows) + "</td></tr>";
      },
      departments: function (data) {
        var rows = data.items.map(function (d) {
          var rate = d.on_time.rate;
          var tone = rate == null ? "" : (rate >= 0.9 ? " good" : (rate < 0.6 ? " bad" : ""));
          return '<tr><td><span class="rank">' + d.rank + "</span></td><td>" + esc(d.name) +
            '</td><td class="n">' + fmt(d.assignments) + '</td><td class="n' + tone + '">' +
            esc(d.on_time.percent) + '</td><td class="n' + (d.overdue ? " bad" : "") + '">' +
            fmt(d.overdue) + "</td></tr>";
        });
        document.getElementById("hs-departments").innerHTML = rows.join("") ||
          '<tr><td colspan="5" class="hs-empty">' + esc(T.noRows) + "</td></tr>";
      },
      density: function (data) {
        if (!mapView) { mapView = countyMap(document.getElementById("hs-map"), base); }
        mapView.overlay(densityLayer(data.cells, T));
      },
      "hot-cases": function (data) {
        document.getElementById("hs-hot-summary").textContent = fill(T.hotSummary, {
          overdue: fmt(data.overdue), red_orange: fmt(data.red_orange) });
        var rows = data.items.map(function (c) {
          var late = c.overdue_days == null ? "—" :
            '<span class="bad">' + esc(c.overdue_metric) + " " + c.overdue_days.toFixed(1) + esc(T.days) + "</span>";
          return '<tr><td><span class="hs-colour ' + esc(c.colour) + '">' + esc(c.colour_label) +
            '</span></td><td><a class="hs-number" href="' + esc(c.url) + '">' + esc(c.number) +
            "</a></td><td>" + esc(c.matter) + "</td><td>" + esc(c.town) + (c.place ? " · " + esc(c.place) : "") +
            "</td><td>" + esc(c.department || "—") + "</td><td>" + esc(c.status_label) +
            '</td><td class="n">' + late + "</td></tr>";
        });
        document.getElementById("hs-hot").innerHTML = rows.join("") ||
          '<tr><td colspan="7" class="hs-empty">' + esc(T.noHot) + "</td></tr>";
      },
      warnings: function (data) {
        document.getElementById("hs-warnings-summary").textContent = fill(T.warningsSummary, { n: data.items.length });
        var items = data.items.map(function (w) {
          var cases = w.cases.map(function (c) {
            return '<a href="' + esc(c.url) + '">' + esc(c.number) + "</a> ";
          }).join("");
          if (w.cases_total > w.cases.length) { cases += fill(T.casesInAll, { n: w.cases_total }); }
          return '<li class="' + esc(w.kind) + '"><div><span class="kind">' + esc(w.kind_label) +
            '</span><a class="title" href="' + esc(w.url) + '">' + esc(w.title) + "</a></div>" +
            '<div class="above">' + esc(w.above) + (w.since ? " · " + esc(T.since) + " " + esc(w.since) : "") +
            '</div><div class="explanation">' + esc(w.explanation) + "</div>" +
            (cases ? '<div class="cases">' + cases + "</div>" : "") + "</li>";
        });
        document.getElementById("hs-warnings").innerHTML = items.join("") ||
          '<li class="hs-empty">' + esc(T.noWarnings) + "</li>";
      }
    };

    var PANEL_OF = { counters: "hs-counters", trend: "hs-trend", channels: "hs-channels", towns: "hs-towns",
                     departments: "hs-departments", density: "hs-map", "hot-cases": "hs-hot",
                     warnings: "hs-warnings" };

    var feeds = Object.keys(config.feeds).map(function (name) {
      return { name: name, url: config.feeds[name].url, every: config.feeds[name].every, timer: null };
    });

    function panelOf(feed) {
      var el = document.getElementById(PANEL_OF[feed.name]);
      return el ? el.closest(".hs-panel") : null;
    }

    function schedule(feed) {
      clearTimeout(feed.timer);
      feed.timer = null;
      if (document.hidden) { return; }
      // after a failure try again sooner, but not in a tight loop
      var wait = failing[feed.name] ? Math.min(feed.every, 10) : feed.every;
      feed.timer = setTimeout(function () { poll(feed); }, wait * 1000);
    }

    function poll(feed) {
      var panel = panelOf(feed);
      fetch(feed.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          render[feed.name](data);
          delete failing[feed.name];
          if (panel) { panel.classList.remove("stale"); }
          lastUpdate = new Date();
          if (!animated[feed.name]) { markReady(feed.name); }
        })
        .catch(function () {
          failing[feed.name] = true;
          if (panel) { panel.classList.add("stale"); }
        })
        .then(function () { showLive(); schedule(feed); });
    }

    document.addEventListener("visibilitychange", function () {
      feeds.forEach(function (feed) {
        clearTimeout(feed.timer);
        feed.timer = null;
        if (!document.hidden) { poll(feed); }
      });
      showLive();
    });

    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
      if (mapView) { mapView.refit(); }
    });

    document.getElementById("hs-fullscreen").addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    });
    document.addEventListener("fullscreenchange", function () {
      setTimeout(function () { window.dispatchEvent(new Event("resize")); }, 200);
    });

    // lists longer than their panel scroll slowly by themselves, a row at a time
    setInterval(function () {
      if (document.hidden) { return; }
      document.querySelectorAll(".hs-scroll, .hs-warning-list").forEach(function (el) {
        if (el.scrollHeight <= el.clientHeight + 2) { return; }
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2) { el.scrollTop = 0; }
        else { el.scrollTop += 30; }
      });
    }, 4000);

    // for the browser tests and the curious: how many polls are waiting to go out
    window.hyScreen = { pending: function () {
      return feeds.filter(function (f) { return f.timer !== null; }).length;
    } };

    clock();
    setInterval(clock, 1000);
    showLive();
    feeds.forEach(poll);
  }

  // ---------------------------------------------------------------------------------------
  // the leader's dashboard: the same charts and map, drawn once from the page's own data

  function dashboardPage() {
    var data = json("hd-data");
    var T = json("hd-i18n") || {};
    if (!data) { return; }
    var trendEl = document.getElementById("hd-trend");
    if (trendEl && data.trend) { echarts.init(trendEl).setOption(trendOption(data.trend, false)); }
    var channelEl = document.getElementById("hd-channels");
    if (channelEl && data.channels) { echarts.init(channelEl).setOption(channelOption(data.channels, false, T)); }
    var mapEl = document.getElementById("hd-map");
    if (mapEl && data.base) {
      var view = countyMap(mapEl, data.base, { zoomControl: true, townFill: "#dbe7f5", townOpacity: 0.5,
        townColour: "#5d7fa6", outlineColour: "#12324f", labelClass: "hd-town-label",
        onTown: function (town) {
          if (data.townUrl) { window.location.href = data.townUrl.replace("__CODE__", encodeURIComponent(town.code)); }
        } });
      if (data.density) { view.overlay(densityLayer(data.density, T)); }
      if (data.focus) {
        var focus = L.geoJSON(data.focus, { style: { color: "#d92d20", weight: 3, fill: false,
                                                      dashArray: "6 4" } }).addTo(view.map);
        view.focus(focus.getBounds());
      }
    }
    window.addEventListener("resize", function () {
      [trendEl, channelEl].forEach(function (el) {
        var c = el && echarts.getInstanceByDom(el);
        if (c) { c.resize(); }
      });
    });
    document.body.setAttribute("data-ready", "dashboard");
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("hs-config")) { screenPage(); }
    if (document.getElementById("hd-data")) { dashboardPage(); }
  });
})();
