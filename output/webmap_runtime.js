/* wijkkracht web map runtime (output/webmap.py inserts this function into the page).

   Called once as runtime(map, cfg, data): cfg is the configuration block (labels, colours,
   classes, base maps, sources), data the other inert JSON blocks by name (streets, pois,
   area, areas, context, rasters, hours, spending, named). The streets block holds every
   segment of the walking network; a segment that is no street (a path, sidewalk, cycle path
   or unnamed service road) has the property p (1 + its kind in cfg.kinds) and is drawn only
   by the paths layer, the street layers draw the others. A named street (data.named) lists
   the features of its segments (s) instead of repeating their geometry. Every string in them
   that comes from the data was
   HTML-escaped in Python; strings made here from user input (the street search) go into the
   page as text (textContent), never as HTML. Returns the functions the page's layer scripts
   call (streetLayer, poiLayer, ...) and finish(control), which runs after the layer control
   exists. */
function (map, cfg, data) {
  "use strict";
  var streets = data.streets, pois = data.pois, area = data.area, areas = data.areas;
  var context = data.context || {b: []}, rasters = (data.rasters || {}).surfaces || [];
  map.setMaxZoom(cfg.maxZoom);  // clusters need it; tiles beyond their own zoom are enlarged

  function fmt(v, nd) {
    var s = Number(v).toFixed(nd);
    if (s.charAt(0) === "-" && Number(s) === 0) { s = s.slice(1); }
    return cfg.decimalComma ? s.replace(".", ",") : s;
  }
  function classColor(ind, v) {
    if (v === null || v === undefined) { return ind.nullColor; }
    for (var i = 0; i < ind.classes.length; i++) {
      var c = ind.classes[i];
      var above = c.first ? v >= c.lo : v > c.lo;
      if (above && (c.hi === null || v <= c.hi)) { return c.color; }
    }
    return v < ind.classes[0].lo ? ind.classes[0].color
                                 : ind.classes[ind.classes.length - 1].color;
  }
  function typeOf(t) { return t >= 0 && t < cfg.types.length ? cfg.types[t] : null; }
  function synTag(on) {
    return on ? " <span class='wk-syn-tag'>" + cfg.text.syntheticTag + "</span>" : "";
  }
  // the escaped strings of the data blocks, back to text (for the search and textContent)
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'"};
  function unescapeHtml(s) {
    return String(s).replace(/&(?:amp|lt|gt|quot|#x27);/g, function (m) { return ENTITIES[m]; });
  }
  // a layer whose content is made when it is first shown (a map of 20,000 street segments
  // would otherwise build every indicator layer at load)
  function lazy(build) {
    var group = L.featureGroup(), built = false;
    group.on("add", function () {
      if (!built) { built = true; group.addLayer(build()); }
    });
    return group;
  }

  var groupKeys = Object.keys(cfg.groups);
  // rows of a table of values (street tooltip, area popup), with a heading per group when
  // there is more than one group; a null shows as what it means, never as a number
  function valueRows(columns, values, flat) {
    var rows = [], last = null;
    for (var i = 0; i < columns.length; i++) {
      var col = columns[i];
      if (!flat && groupKeys.length > 1 && col.group !== last) {
        var g = cfg.groups[col.group];
        rows.push("<tr class='wk-grp'><th colspan='2'>" + g.label + synTag(g.synthetic) +
                  "</th></tr>");
        last = col.group;
      }
      var v = values[i];
      var shown = (v === null || v === undefined) ? "<i>" + col.nullText + "</i>"
                                                 : fmt(v, col.decimals) + col.suffix;
      rows.push("<tr><th>" + col.title + "</th><td>" + shown + "</td></tr>");
    }
    return "<table>" + rows.join("") + "</table>";
  }
  function tooltip(p) {
    var ty = typeOf(p.t), kind = p.p ? cfg.kinds[p.p - 1] : null;
    var head = p.n ? p.n + (kind ? " <span class='wk-kind'>(" + kind + ")</span>" : "")
                   : "<i>" + (kind || cfg.text.unnamed) + "</i>";
    return "<div class='wk-tip'><b>" + head + "</b>" +
      (ty ? "<div class='wk-tip-type'><span class='wk-swatch' style='background:" + ty.color +
            "'></span>" + ty.label + "</div>" : "") +
      valueRows(cfg.indicators, p.v) + "</div>";
  }
  // a street on hover: a small label (name and type); a click (a tap) opens its details
  // (showDetails: a popup that stays, or on a phone a sheet at the bottom)
  function label(p) {
    var ty = typeOf(p.t), kind = p.p ? cfg.kinds[p.p - 1] : null;
    var head = p.n ? p.n + (kind ? " <span class='wk-kind'>(" + kind + ")</span>" : "")
                   : "<i>" + (kind || cfg.text.unnamed) + "</i>";
    return "<b>" + head + "</b>" +
      (ty ? "<br><span class='wk-swatch' style='background:" + ty.color + "'></span>" +
            ty.label : "");
  }
  function bindTip(feature, layer) {
    layer.bindTooltip(function () { return label(feature.properties); },
                      {sticky: true, opacity: 1, direction: "top", offset: [0, -10],
                       className: "wk-tooltip wk-street-label"});
    layer.on("click", function (e) {
      layer.closeTooltip();
      showDetails(tooltip(feature.properties), e.latlng,
                  {minWidth: 300, maxWidth: 380}, {type: "FeatureCollection",
                                                   features: [feature]});
    });
  }
  var legends = [];
  // layers by Leaflet id -> their group in the layer control
  var controlGroups = {};
  function remember(layer, group) { controlGroups[L.stamp(layer)] = group; return layer; }

  // panes: the surroundings drawn from the data just above the tiles, the raster surfaces
  // under the streets, the search highlight just under the streets, POIs above them
  map.createPane("wkContext").style.zIndex = 250;
  map.createPane("wkRasters").style.zIndex = 350;
  map.createPane("wkHighlight").style.zIndex = 390;
  var poiPane = "wkPois";
  map.createPane(poiPane).style.zIndex = 450;
  // many streets: one canvas instead of an SVG element per segment
  var streetRenderer = cfg.canvas ? L.canvas({padding: 0.3, tolerance: 4}) : undefined;

  // the street layers draw the street segments; the paths layer the others
  function isStreet(f) { return !f.properties.p; }
  function isPath(f) { return !!f.properties.p; }
  // ------------------------------------------- one type's streets (a click on its legend)
  // focusType: the index in cfg.types of the type shown, or -1. Its streets are drawn on
  // top and thicker, the others dimmed, in the layers that colour by type (types, paths,
  // named streets); focusLayers lists those built so far
  var focusType = -1, focusLayers = [];
  var DIMMED = 0.2, FOCUS_WIDTH = 3;
  function focused(t, style) {
    if (focusType < 0) { return style; }
    if (t === focusType) {
      style.weight = Math.max(style.weight, cfg.typeWidth) + FOCUS_WIDTH;
      style.opacity = 1;
    } else {
      style.opacity = DIMMED;
    }
    return style;
  }
  function focusable(geo, style, typeIndex) {
    focusLayers.push({geo: geo, style: style, t: typeIndex});
    if (focusType >= 0) { applyFocus(); }
    return geo;
  }
  function applyFocus() {
    for (var i = 0; i < focusLayers.length; i++) {
      var entry = focusLayers[i];
      entry.geo.setStyle(entry.style);
      if (focusType < 0) { continue; }
      entry.geo.eachLayer(function (l) {
        if (entry.t(l.feature) === focusType && l._map) { l.bringToFront(); }
      });
    }
  }
  function featureType(f) { return f.properties.t; }

  function streetLayer(which) {
    if (which === "types") {
      var typeStyle = function (f) {
        var ty = typeOf(f.properties.t);
        return focused(f.properties.t, {color: ty ? ty.color : cfg.unknownColor,
                                        weight: ty && ty.untyped ? ty.width : cfg.typeWidth,
                                        opacity: 1, lineCap: "round", lineJoin: "round"});
      };
      return lazy(function () {
        return focusable(L.geoJSON(streets, {style: typeStyle, onEachFeature: bindTip,
                                             filter: isStreet, renderer: streetRenderer}),
                         typeStyle, featureType);
      });
    }
    var i = which, ind = cfg.indicators[i];
    var style = function (f) {
      var v = f.properties.v[i];
      var missing = v === null || v === undefined;
      return {color: classColor(ind, v), weight: cfg.indicatorWidth, opacity: 1,
              dashArray: missing ? "4 4" : null, lineCap: "round", lineJoin: "round"};
    };
    return lazy(function () {
      return L.geoJSON(streets, {style: style, onEachFeature: bindTip, filter: isStreet,
                                 renderer: streetRenderer});
    });
  }
  // ------------------------------------------------- paths, sidewalks and cycle paths
  var pathType = null;
  for (var pt = 0; pt < cfg.types.length; pt++) {
    if (cfg.types[pt].key === "untyped_path") { pathType = cfg.types[pt]; }
  }
  function pathsLayer() {
    var width = pathType ? pathType.width : 1.5;
    var style = function (f) {
      // a path without a type in the light grey of the spec; one the typology classified
      // (typology of every segment) in its type's colour, as thin
      var ty = typeOf(f.properties.t);
      return focused(f.properties.t, {color: ty ? ty.color : cfg.unknownColor, weight: width,
                                      opacity: 1, lineCap: "round", lineJoin: "round"});
    };
    var layer = lazy(function () {
      return focusable(L.geoJSON(streets, {filter: isPath, onEachFeature: bindTip,
                                           renderer: streetRenderer, style: style}),
                       style, featureType);
    });
    // under the streets: the streets read first
    layer.on("add", function () { layer.bringToBack(); });
    return layer;
  }
  // ------------------------------------------------------------------- named streets
  // one feature per named street, its geometry made from its segments' features; coloured
  // by its main type, a popup with its length, the share of every type and its indicators
  var named = cfg.named ? (data.named || {streets: []}).streets : [];
  function namedFeatures() {
    return {type: "FeatureCollection", features: named.map(function (ns, i) {
      var lines = [];
      for (var j = 0; j < ns.s.length; j++) {
        var g = streets.features[ns.s[j]].geometry;
        if (g.type === "LineString") { lines.push(g.coordinates); }
        else if (g.type === "MultiLineString") { lines = lines.concat(g.coordinates); }
      }
      return {type: "Feature", properties: {i: i},
              geometry: {type: "MultiLineString", coordinates: lines}};
    })};
  }
  function namedPopup(ns) {
    var ty = typeOf(ns.t), facts = [];
    if (ns.l !== null && ns.l !== undefined) { facts.push(fmt(ns.l, 0) + " m"); }
    facts.push(ns.s.length + " " + cfg.text.segments);
    if (ns.a !== null && ns.a !== undefined) { facts.push(ns.a + " " + cfg.text.addresses); }
    var shares = [];
    for (var i = 0; i < ns.y.length; i++) {
      var sty = typeOf(ns.y[i][0]);
      shares.push("<tr><th><span class='wk-swatch' style='background:" +
                  (sty ? sty.color : cfg.unknownColor) + "'></span>" +
                  (sty ? sty.label : "–") + "</th><td>" +
                  (ns.y[i][1] === null ? "–" : ns.y[i][1] + "%") + "</td></tr>");
    }
    return "<div class='wk-tip wk-named-tip'><h4>" + ns.n + "</h4>" +
      "<div class='wk-facts'>" + facts.join(" · ") + "</div>" +
      (ty ? "<div class='wk-tip-type'>" + cfg.text.mainType + ": <span class='wk-swatch' " +
            "style='background:" + ty.color + "'></span><b>" + ty.label + "</b></div>" : "") +
      "<div class='wk-sub'>" + cfg.text.typeShares + "</div><table class='wk-shares'>" +
      shares.join("") + "</table>" +
      (cfg.named.columns.length ? "<div class='wk-sub'>" + cfg.text.namedValues + "</div>" +
       valueRows(cfg.named.columns, ns.v, true) : "") + "</div>";
  }
  function namedType(f) { return named[f.properties.i].t; }
  function namedStyle(f) {
    var ty = typeOf(namedType(f));
    return focused(namedType(f), {color: ty ? ty.color : cfg.unknownColor,
                                  weight: cfg.typeWidth + 2, opacity: 1, lineCap: "round",
                                  lineJoin: "round"});
  }
  function namedLayer() {
    return lazy(function () {
      return focusable(L.geoJSON(namedFeatures(), {renderer: streetRenderer, style: namedStyle,
                                                   onEachFeature: function (f, l) {
        var ns = named[f.properties.i];
        l.bindTooltip(unescapeHtml(ns.n), {sticky: true, className: "wk-tooltip"});
        clickDetails(l, function () { return namedPopup(ns); }, {minWidth: 300, maxWidth: 380},
                     function () { return f; });
      }}), namedStyle, namedType);
    });
  }
  // --------------------------------------------------------------- liveliness by hour
  // data.hours: {profiles: run-length encoded 168-hour profiles [value, run, value, run, ...],
  // one per distinct profile}; each street feature's property h indexes it (-1: none)
  var hoursData = data.hours || null, hours = cfg.hours || null, hourProfiles = [];
  if (hoursData && hours) {
    hourProfiles = hoursData.profiles.map(function (rle) {
      var out = [];
      for (var j = 0; j < rle.length; j += 2) {
        for (var n = 0; n < rle[j + 1]; n++) { out.push(rle[j]); }
      }
      return out;
    });
  }
  var hourLayers = [];
  function openAt(f) {
    var h = f.properties.h;
    if (h === undefined || h < 0) { return null; }
    return hourProfiles[h][hours.day * 24 + hours.hour];
  }
  function hourStyle(f) {
    var v = openAt(f);
    return {color: classColor(hours.style, v), weight: cfg.indicatorWidth, opacity: 1,
            dashArray: v === null ? "4 4" : null, lineCap: "round", lineJoin: "round"};
  }
  function hoursLayer() {
    var group = lazy(function () {
      var layer = L.geoJSON(streets, {style: hourStyle, onEachFeature: bindTip,
                                      filter: isStreet, renderer: streetRenderer});
      hourLayers.push(layer);
      return layer;
    });
    return group;
  }
  function hourText() {
    var hh = (hours.hour < 10 ? "0" : "") + hours.hour;
    return hours.days[hours.day] + " " + hh + ":00–" +
           (hours.hour < 9 ? "0" : "") + (hours.hour + 1) + ":00";
  }
  function setHour(day, hour) {
    hours.day = Math.max(0, Math.min(6, day));
    hours.hour = Math.max(0, Math.min(23, hour));
    for (var i = 0; i < hourLayers.length; i++) { hourLayers[i].setStyle(hourStyle); }
    var out = legendDiv && legendDiv.querySelector("[data-hours-now]");
    if (out) { out.textContent = unescapeHtml(hourText()); }
  }
  // ----------------------------------------------------------- spending per zone (Huff)
  function spendingLayer() {
    var layer = L.geoJSON(data.spending, {
      style: function (f) {
        // a light fill: the streets drawn over the zones stay readable
        return {color: "#555555", weight: 1, opacity: 0.8, fillColor: f.properties.c,
                fillOpacity: 0.28};
      },
      onEachFeature: function (f, l) {
        // the popup was built (and every value escaped) in Python
        clickDetails(l, function () { return f.properties.p; },
                     {minWidth: 300, maxWidth: 380});
      }
    });
    layer.on("add", function () { layer.bringToBack(); });
    return layer;
  }
  function poiStyle(key) {
    for (var i = 0; i < cfg.pois.length; i++) {
      if (cfg.pois[i].key === key) { return cfg.pois[i]; }
    }
    return null;
  }
  function poiTip(p, ps) {
    return "<div class='wk-tip'><b>" + (p.n || p.g) + "</b><br>" + (p.n ? p.g + "<br>" : "") +
           ps.label + "</div>";
  }
  function poiFeatures(key) {
    return pois.features.filter(function (f) { return f.properties.c === key; });
  }
  function latLngOf(f) {
    return L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
  }
  // N, O and other: clusters in the class colour that open up as one zooms in
  function clusterLayer(key) {
    var ps = poiStyle(key);
    return lazy(function () {
      var group = L.markerClusterGroup({
        maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
        disableClusteringAtZoom: cfg.clusterUntilZoom + 1, chunkedLoading: true,
        iconCreateFunction: function (cluster) {
          var n = cluster.getChildCount(), size = n < 10 ? 22 : n < 100 ? 28 : 34;
          return L.divIcon({
            html: "<div style='background:" + ps.fill + ";border-color:" + ps.stroke +
                  "'>" + n + "</div>",
            className: "wk-cluster wk-cluster-" + key, iconSize: L.point(size, size)});
        }
      });
      group.addLayers(poiFeatures(key).map(function (f) {
        var m = L.circleMarker(latLngOf(f), {pane: poiPane, radius: ps.radius, color: ps.stroke,
                                             weight: 1, fillColor: ps.fill, fillOpacity: 1,
                                             opacity: 1});
        m.feature = f;
        m.bindTooltip(poiTip(f.properties, ps), {className: "wk-tooltip"});
        return m;
      }));
      return group;
    });
  }
  // vacant shop fronts: few and the point of the map, so never clustered; a diamond
  function vacancyLayer(key) {
    var ps = poiStyle(key);
    var icon = L.divIcon({className: "wk-vacant-icon", iconSize: L.point(13, 13),
                          html: "<span style='background:" + ps.fill + ";border-color:" +
                                ps.stroke + "'></span>"});
    return lazy(function () {
      return L.layerGroup(poiFeatures(key).map(function (f) {
        var m = L.marker(latLngOf(f), {icon: icon, keyboard: false});
        m.feature = f;
        m.bindTooltip(poiTip(f.properties, ps), {className: "wk-tooltip"});
        return m;
      }));
    });
  }
  function areaLayer() {
    return L.geoJSON(area, {interactive: false, style: function () {
      return {color: cfg.area.color, weight: cfg.area.width, dashArray: cfg.area.dash,
              fill: false, opacity: 1};
    }});
  }
  function areaPopup(p) {
    var facts = [];
    if (p.l) { facts.push(p.l); }
    if (p.s !== null && p.s !== undefined) { facts.push(p.s + " " + cfg.text.segments); }
    if (p.k !== null && p.k !== undefined) { facts.push(fmt(p.k, 1) + " " + cfg.text.streetKm); }
    return "<div class='wk-tip wk-area-tip'><b>" + (p.n || p.c) + "</b>" +
      (p.n && p.c ? " <span class='wk-code'>" + p.c + "</span>" : "") +
      (facts.length ? "<div class='wk-facts'>" + facts.join(" · ") + "</div>" : "") +
      valueRows(cfg.areas.columns, p.v) + "<div class='wk-note'>" + cfg.areas.note +
      "</div></div>";
  }
  // a popup pans into the part of the map the controls leave free
  function keepPopupClear(popup) {
    var box = map.getContainer().getBoundingClientRect(), left = 10, right = 10;
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    for (var i = 0; i < controls.length; i++) {
      var r = controls[i].getBoundingClientRect();
      if (r.height < 0.3 * box.height || r.width > 0.45 * box.width) { continue; }
      if (r.left - box.left < box.width / 2) { left = Math.max(left, r.right - box.left + 10); }
      else { right = Math.max(right, box.right - r.left + 10); }
    }
    var top = 10, bottom = 10;
    if (box.width <= cfg.foldLegendPx) {
      // a phone: the popup is as wide as the screen; keep it between the top and the bottom
      // controls instead (it pans below the title, notice and search)
      left = 10;
      right = 10;
      var topLeft = map.getContainer().querySelector(".leaflet-top.leaflet-left");
      top = (topLeft ? topLeft.offsetHeight : 0) + 10;
      bottom = Math.max(cornerHeight(".leaflet-bottom.leaflet-left"),
                        cornerHeight(".leaflet-bottom.leaflet-right")) + 10;
      popup.options.maxWidth = box.width - 40;
      popup.options.minWidth = Math.min(popup.options.minWidth || 50, box.width - 40);
    }
    popup.options.autoPanPaddingTopLeft = [left, top];
    popup.options.autoPanPaddingBottomRight = [right, bottom];
  }

  // ------------------------------------------------------------ details of a click
  // a popup that stays until closed (or another click); on a phone a sheet fixed to the
  // bottom of the map (scrollable, closable) instead. The clicked street (or area) is
  // outlined on the highlight pane while its details show
  var sheet = null, sheetBody = null, selected = null, detailPopup = null;
  function isPhone() { return map.getSize().x <= cfg.foldLegendPx; }
  function clearSelected() {
    if (selected) { map.removeLayer(selected); selected = null; }
  }
  function select(fc) {
    clearSelected();
    if (!fc) { return; }
    selected = L.geoJSON(fc, {pane: "wkHighlight", interactive: false, style: function () {
      return {color: cfg.highlight.halo, weight: cfg.typeWidth + 9, opacity: 0.85,
              fill: false, lineCap: "round", lineJoin: "round"};
    }}).addTo(map);
  }
  function closeSheet() {
    if (sheet && sheet.style.display !== "none") {
      sheet.style.display = "none";
      clearSelected();
    }
  }
  function openSheet(html) {
    if (!sheet) {
      sheet = L.DomUtil.create("div", "wk-sheet", map.getContainer());
      sheet.setAttribute("role", "dialog");
      sheet.setAttribute("aria-label", unescapeHtml(cfg.text.details));
      var close = L.DomUtil.create("a", "wk-sheet-close", sheet);
      close.href = "#";
      close.setAttribute("role", "button");
      close.setAttribute("aria-label", unescapeHtml(cfg.text.close));
      close.title = unescapeHtml(cfg.text.close);
      close.innerHTML = "&times;";
      sheetBody = L.DomUtil.create("div", "wk-sheet-body", sheet);
      L.DomEvent.disableClickPropagation(sheet);
      L.DomEvent.disableScrollPropagation(sheet);
      L.DomEvent.on(close, "click", function (e) { L.DomEvent.preventDefault(e); closeSheet(); });
    }
    sheetBody.innerHTML = html;
    sheet.style.display = "";
    sheet.scrollTop = 0;
  }
  function showDetails(html, latlng, opts, fc) {
    if (isPhone()) {
      map.closePopup();
      openSheet(html);
      select(fc);
      // the clicked place above the sheet
      var y = map.latLngToContainerPoint(latlng).y, top = map.getSize().y - sheet.offsetHeight;
      if (y > top - 30) { map.panBy([0, y - (top - 30) / 2 - 15], {animate: false}); }
      return;
    }
    closeSheet();
    detailPopup = L.popup(L.extend({className: "wk-popup"}, opts))
      .setLatLng(latlng).setContent(html);
    keepPopupClear(detailPopup);
    var popup = detailPopup;
    popup.on("remove", function () { if (detailPopup === popup) { clearSelected(); } });
    popup.openOn(map);
    select(fc);
  }
  // a click (a tap) on a shape opens ``html()`` as its details
  function clickDetails(layer, html, opts, fc) {
    layer.on("click", function (e) {
      showDetails(html(), e.latlng, opts, fc ? fc() : null);
    });
  }
  map.on("preclick", closeSheet);
  L.DomEvent.on(document, "keydown", function (e) {
    if (e.key === "Escape") { closeSheet(); }
  });
  function areasLayer() {
    // transparent fill: a click anywhere inside opens the popup; kept below the streets so
    // their tooltips keep working
    var layer = L.geoJSON(areas, {
      style: function () {
        return {color: cfg.areas.color, weight: cfg.areas.width, opacity: 0.9, fill: true,
                fillColor: cfg.areas.color, fillOpacity: 0, className: "wk-area-shape"};
      },
      onEachFeature: function (f, l) {
        clickDetails(l, function () { return areaPopup(f.properties); },
                     {minWidth: 340, maxWidth: 400});
      }
    });
    layer.on("add", function () { layer.bringToBack(); });
    return layer;
  }

  // ------------------------------------------------------------------ raster surfaces
  function rasterLayer(i) {
    var r = rasters[i];
    var layer = L.imageOverlay(r.url, r.bounds, {opacity: r.opacity, pane: "wkRasters",
                                                 interactive: false, className: "wk-raster"});
    r.layer = layer;
    return layer;
  }
  function setRasterOpacity(i, value) {
    var r = rasters[i];
    r.opacity = Math.max(0, Math.min(1, value));
    if (r.layer) { r.layer.setOpacity(r.opacity); }
  }

  // --------------------------------------------------------------------------- legend
  function swatchLine(color, dashed, width) {
    return "<span class='wk-line' style='border-top-color:" + color +
           (dashed ? ";border-top-style:dashed" : "") +
           (width ? ";border-top-width:" + Math.max(1, Math.round(width)) + "px" : "") +
           "'></span>";
  }
  function legendHtml(entry) {
    var rows = [], i;
    if (entry.kind === "types") {
      // the opportunity types; the segments without one apart ("no type: ..."), only when
      // the layer draws some
      var none = [], clickable = false;
      for (i = 0; i < cfg.types.length; i++) {
        var ty = cfg.types[i];
        if (ty.untyped) {
          if (ty.present) {
            none.push("<div class='wk-row' data-untyped='" + ty.key + "'>" +
                      swatchLine(ty.color, false, ty.width) + ty.short + "</div>");
          }
          continue;
        }
        if (ty.info) {
          // a button: its streets on the map, and its explanation in a panel
          var on = i === focusType;
          rows.push("<div class='wk-row wk-type-entry" + (on ? " wk-active" : "") +
                    "' role='button' tabindex='0' aria-pressed='" + on + "' data-type='" + i +
                    "' title='" + cfg.text.typeShow + "'>" + swatchLine(ty.color) + ty.label +
                    "</div>");
          clickable = true;
          continue;
        }
        rows.push("<div class='wk-row" + (ty.present ? "" : " wk-absent") + "'>" +
                  swatchLine(ty.color) + ty.label + "</div>");
      }
      if (none.length) {
        rows.push("<div class='wk-row wk-notype'>" + cfg.text.noType + ":</div>");
      }
      return "<div class='wk-section' data-legend='types'><h4>" + cfg.text.types + "</h4>" +
             rows.concat(none).join("") +
             "<div class='wk-note wk-type-hint'>" +
             (clickable ? cfg.text.typeHint + " " : "") + cfg.text.clickHint + "</div></div>";
    }
    if (entry.kind === "paths") {
      var color = pathType ? pathType.color : cfg.unknownColor;
      var label = pathType ? pathType.short : cfg.text.paths;
      return "<div class='wk-section' data-legend='paths'><h4>" + cfg.text.paths + "</h4>" +
             "<div class='wk-row'>" + swatchLine(color, false, pathType ? pathType.width : 1.5) +
             cfg.text.noType + ": " + label + "</div>" +
             (cfg.pathsTyped ? "<div class='wk-row'>" + cfg.text.pathsTyped + "</div>" : "") +
             "<div class='wk-note'>" + cfg.text.pathsNote + "</div></div>";
    }
    if (entry.kind === "named") {
      return "<div class='wk-section' data-legend='named'><h4>" + cfg.text.named + "</h4>" +
             "<div class='wk-note'>" + cfg.text.namedNote + "</div></div>";
    }
    if (entry.kind === "indicator") {
      var ind = cfg.indicators[entry.index];
      for (i = 0; i < ind.classes.length; i++) {
        rows.push("<div class='wk-row'>" + swatchLine(ind.classes[i].color) +
                  ind.classes[i].label + "</div>");
      }
      if (ind.hasNull) {
        rows.push("<div class='wk-row'>" + swatchLine(ind.nullColor, true) + ind.nullText +
                  "</div>");
      }
      return "<div class='wk-section' data-legend='" + ind.name + "'><h4>" + ind.title +
             synTag(ind.synthetic) + "</h4>" + rows.join("") + "</div>";
    }
    if (entry.kind === "raster") {
      var r = rasters[entry.index];
      for (i = 0; i < r.classes.length; i++) {
        rows.push("<div class='wk-row'><span class='wk-box' style='background:" +
                  r.classes[i].color + "'></span>" + r.classes[i].label + "</div>");
      }
      var pct = Math.round(r.opacity * 100);
      return "<div class='wk-section' data-legend='raster-" + r.key + "'><h4>" + r.title +
             synTag(r.synthetic) + "</h4>" + rows.join("") +
             (r.note ? "<div class='wk-note'>" + r.note + "</div>" : "") +
             "<label class='wk-opacity'>" + cfg.text.opacity +
             " <input type='range' min='0' max='100' step='5' value='" + pct +
             "' data-raster='" + entry.index + "' aria-label='" + cfg.text.opacity + " " +
             r.title + "'> <output>" + pct + "%</output></label></div>";
    }
    if (entry.kind === "spending") {
      var sp = cfg.spending;
      for (i = 0; i < sp.classes.length; i++) {
        rows.push("<div class='wk-row'><span class='wk-box' style='background:" +
                  sp.classes[i].color + "'></span>" + sp.classes[i].label + "</div>");
      }
      return "<div class='wk-section' data-legend='spending'><h4>" + sp.title +
             synTag(sp.synthetic) + "</h4>" + rows.join("") + "<div class='wk-note'>" +
             sp.note + "</div></div>";
    }
    if (entry.kind === "hours") {
      var st = hours.style, opts = [];
      for (i = 0; i < st.classes.length; i++) {
        rows.push("<div class='wk-row'>" + swatchLine(st.classes[i].color) +
                  st.classes[i].label + "</div>");
      }
      rows.push("<div class='wk-row'>" + swatchLine(st.nullColor, true) + hours.nullText +
                "</div>");
      for (i = 0; i < 7; i++) {
        opts.push("<option value='" + i + "'" + (i === hours.day ? " selected" : "") + ">" +
                  hours.dayNames[i] + "</option>");
      }
      return "<div class='wk-section' data-legend='hours'><h4>" + hours.title +
             synTag(hours.synthetic) + "</h4><div class='wk-hours'>" +
             "<select data-hours='day' aria-label='" + hours.dayLabel + "'>" + opts.join("") +
             "</select> <input type='range' min='0' max='23' step='1' value='" + hours.hour +
             "' data-hours='hour' aria-label='" + hours.hourLabel + "'> <output data-hours-now>" +
             hourText() + "</output></div>" + rows.join("") +
             "<div class='wk-note'>" + hours.note + "</div></div>";
    }
    var ps = entry.poi;
    var mark = entry.kind === "vacancy"
      ? "<span class='wk-diamond' style='background:" + ps.fill + "'></span>"
      : "<span class='wk-dot' style='background:" + ps.fill + "'></span>";
    return "<div class='wk-row'>" + mark + ps.label + "</div>";
  }
  // bottom corners stack upwards: the scale first, so it stays at the very bottom
  var scale = L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
  var legendControl = L.control({position: "bottomleft"});
  var legendDiv = null;
  // on a phone the legend starts folded (a button that unfolds it)
  var legendOpen = !(window.matchMedia &&
                     window.matchMedia("(max-width: " + cfg.foldLegendPx + "px)").matches);
  legendControl.onAdd = function () {
    legendDiv = L.DomUtil.create("div", "wk-legend leaflet-bar");
    L.DomEvent.disableScrollPropagation(legendDiv);
    L.DomEvent.disableClickPropagation(legendDiv);
    L.DomEvent.on(legendDiv, "click", function (e) {
      var entry = typeEntry(e.target);
      if (entry) {
        L.DomEvent.preventDefault(e);
        showType(Number(entry.getAttribute("data-type")));
        return;
      }
      var t = e.target;
      while (t && t !== legendDiv && !L.DomUtil.hasClass(t, "wk-legend-toggle")) {
        t = t.parentNode;
      }
      if (!t || t === legendDiv) { return; }
      L.DomEvent.preventDefault(e);
      legendOpen = !legendOpen;
      updateLegend();
    });
    L.DomEvent.on(legendDiv, "keydown", function (e) {
      var entry = typeEntry(e.target);
      if (entry && (e.key === "Enter" || e.key === " " || e.key === "Spacebar")) {
        L.DomEvent.preventDefault(e);
        showType(Number(entry.getAttribute("data-type")));
      }
    });
    var onHours = function (e) {
      var input = e.target, which = input && input.getAttribute("data-hours");
      if (which === "day") { setHour(Number(input.value), hours.hour); }
      if (which === "hour") { setHour(hours.day, Number(input.value)); }
    };
    L.DomEvent.on(legendDiv, "change", onHours);
    L.DomEvent.on(legendDiv, "input", onHours);
    L.DomEvent.on(legendDiv, "input", function (e) {
      var input = e.target;
      if (!input || input.getAttribute("data-raster") === null) { return; }
      setRasterOpacity(Number(input.getAttribute("data-raster")), Number(input.value) / 100);
      var out = input.parentNode.getElementsByTagName("output")[0];
      if (out) { out.textContent = input.value + "%"; }
    });
    return legendDiv;
  };
  legendControl.addTo(map);
  // the legend may use the height the controls above it leave free
  function fitLegend() {
    if (!legendDiv) { return; }
    var topLeft = map.getContainer().querySelector(".leaflet-top.leaflet-left");
    var corner = legendDiv.parentNode, scaleDiv = scale.getContainer();
    // on a narrow screen the bottom-right controls reach under the legend: lift it
    var bottomRight = map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
    var lift = 0;
    if (bottomRight) {
      var kids = bottomRight.children, legendRight = legendDiv.getBoundingClientRect().right;
      for (var i = 0; i < kids.length; i++) {
        if (kids[i].getBoundingClientRect().left < legendRight + 5) {
          lift = Math.max(lift, bottomRight.getBoundingClientRect().bottom -
                                kids[i].getBoundingClientRect().top);
        }
      }
    }
    corner.style.paddingBottom = lift + "px";
    var used = (topLeft ? topLeft.offsetHeight : 0) + scaleDiv.offsetHeight + lift + 40;
    legendDiv.style.maxHeight = Math.max(120, map.getSize().y - used) + "px";
  }
  function updateLegend() {
    if (!legendDiv) { return; }
    if (focusType >= 0 && !typesShown()) { hideType(); }
    // raster and indicator legends first (their layers draw on top), then the types, then
    // the POIs
    var indicatorParts = [], typeParts = [], poiRows = [];
    for (var i = 0; i < legends.length; i++) {
      var e = legends[i];
      if (!map.hasLayer(e.layer)) { continue; }
      var target = e.kind === "poi" || e.kind === "vacancy" ? poiRows
                 : e.kind === "types" || e.kind === "paths" || e.kind === "named" ? typeParts
                 : indicatorParts;
      target.push(legendHtml(e));
    }
    var parts = indicatorParts.concat(typeParts);
    if (poiRows.length) {
      parts.push("<div class='wk-section' data-legend='pois'><h4>" + cfg.text.pois + "</h4>" +
                 poiRows.join("") + "</div>");
    }
    if (cfg.privacy) {
      parts.push("<div class='wk-section wk-privacy' data-legend='privacy'>" + cfg.privacy +
                 "</div>");
    }
    legendDiv.innerHTML = "<a href='#' role='button' class='wk-legend-toggle' aria-expanded='" +
      legendOpen + "'>" + cfg.text.legend + "</a><div class='wk-legend-body'>" +
      parts.join("") + "</div>";
    L.DomUtil[legendOpen ? "removeClass" : "addClass"](legendDiv, "wk-folded");
    L.DomUtil[focusType >= 0 ? "addClass" : "removeClass"](legendDiv, "wk-focusing");
    legendDiv.style.display = parts.length ? "" : "none";
    fitLegend();
    placeTypePanel();
  }
  map.on("overlayadd overlayremove", updateLegend);
  map.on("resize", fitLegend);

  // ------------------------------------------------------------------ a type's panel
  // a click (a tap, Enter or Space) on a type in the legend shows its streets (focused())
  // and a panel: its name, why it has it, what it means, its rule and a few medians; a
  // second click, the close button or Escape restores the map
  var typePanel = null;
  function typeEntry(el) {
    while (el && el !== legendDiv) {
      if (el.getAttribute && el.getAttribute("data-type") !== null) { return el; }
      el = el.parentNode;
    }
    return null;
  }
  function typesShown() {
    for (var i = 0; i < legends.length; i++) {
      if (legends[i].kind === "types" && map.hasLayer(legends[i].layer)) { return true; }
    }
    return false;
  }
  function typePanelHtml(ty) {
    var info = ty.info || {}, parts = [];
    parts.push("<h4 id='wk-type-title'>" + swatchLine(ty.color) + ty.label + "</h4>");
    if (info.explanation) {
      parts.push("<p class='wk-type-why'><b>" + cfg.text.typeWhy + synTag(info.synthetic) +
                 ":</b> " + info.explanation + "</p>");
    }
    if (info.description) { parts.push("<p class='wk-type-desc'>" + info.description + "</p>"); }
    if (info.rule) {
      parts.push("<p class='wk-type-rule'><b>" + cfg.text.typeRule + ":</b> " + info.rule +
                 "</p>");
    }
    var figures = info.figures || [];
    if (figures.length) {
      var rows = figures.map(function (f) {
        return "<tr><th>" + f.title + synTag(f.synthetic) + "</th><td>" + f.value + "</td></tr>";
      });
      parts.push("<table class='wk-type-profile'><caption>" +
                 cfg.text.typeProfile.replace("{n}", info.segments) + "</caption>" +
                 rows.join("") + "</table>");
    } else {
      parts.push("<p class='wk-facts'>" + cfg.text.typeSegments.replace("{n}", info.segments) +
                 "</p>");
    }
    return parts.join("");
  }
  // beside the legend on a large screen, clear of the other controls (above those at the
  // bottom, below or left of those at the top); over the top of the map on a phone, where
  // the legend keeps the bottom
  function placeTypePanel() {
    if (!typePanel || typePanel.style.display === "none") { return; }
    var box = map.getContainer().getBoundingClientRect(), st = typePanel.style;
    var phone = box.width <= cfg.foldLegendPx;
    L.DomUtil[phone ? "addClass" : "removeClass"](typePanel, "wk-type-panel-phone");
    if (phone) {
      st.left = "8px"; st.right = "8px"; st.top = "8px"; st.bottom = ""; st.width = "auto";
      var legendTop = legendDiv ? legendDiv.getBoundingClientRect().top - box.top : box.height;
      st.maxHeight = Math.max(120, Math.min(0.5 * box.height, legendTop - 18)) + "px";
      return;
    }
    var legend = legendDiv && legendDiv.offsetWidth ? legendDiv.getBoundingClientRect() : null;
    var left = legend ? legend.right - box.left + 10 : 10;
    var width = Math.min(380, box.width - left - 10);
    var bottom = legend ? box.bottom - legend.bottom : 10, top = 10;
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i], r = el.getBoundingClientRect();
      if (!r.width || el === legendDiv || el === scale.getContainer()) { continue; }
      var x0 = r.left - box.left, x1 = r.right - box.left;
      if (x1 <= left || x0 >= left + width) { continue; }  // not above or below the panel
      if (r.top - box.top > box.height / 2) {  // at the bottom (attribution, sources)
        bottom = Math.max(bottom, box.bottom - r.top + 6);
      } else if (x0 > left + 220) {  // at the top right (layer control): narrower
        width = x0 - 10 - left;
      } else {
        top = Math.max(top, r.bottom - box.top + 8);
      }
    }
    st.left = left + "px"; st.right = ""; st.top = ""; st.bottom = bottom + "px";
    st.width = width + "px";
    st.maxHeight = Math.max(160, box.height - bottom - top) + "px";
  }
  function openTypePanel(ty) {
    if (!typePanel) {
      typePanel = L.DomUtil.create("div", "wk-type-panel", map.getContainer());
      typePanel.setAttribute("role", "dialog");
      typePanel.setAttribute("aria-labelledby", "wk-type-title");
      L.DomEvent.disableClickPropagation(typePanel);
      L.DomEvent.disableScrollPropagation(typePanel);
      L.DomEvent.on(typePanel, "click", function (e) {
        var t = e.target;
        while (t && t !== typePanel && !L.DomUtil.hasClass(t, "wk-type-close")) {
          t = t.parentNode;
        }
        if (t && t !== typePanel) { L.DomEvent.preventDefault(e); hideType(true); }
      });
    }
    typePanel.innerHTML = "<a href='#' role='button' class='wk-type-close' aria-label='" +
      cfg.text.close + "' title='" + cfg.text.close + "'>&times;</a>" +
      "<div class='wk-type-body'>" + typePanelHtml(ty) + "</div>";
    typePanel.style.display = "";
    typePanel.scrollTop = 0;
    placeTypePanel();
  }
  function markLegend() {
    if (!legendDiv) { return; }
    var entries = legendDiv.querySelectorAll("[data-type]");
    for (var i = 0; i < entries.length; i++) {
      var on = Number(entries[i].getAttribute("data-type")) === focusType;
      entries[i].setAttribute("aria-pressed", on ? "true" : "false");
      L.DomUtil[on ? "addClass" : "removeClass"](entries[i], "wk-active");
    }
    L.DomUtil[focusType >= 0 ? "addClass" : "removeClass"](legendDiv, "wk-focusing");
  }
  // restore the map; refocus: give the keyboard focus back to the type's legend entry
  function hideType(refocus) {
    var was = focusType;
    focusType = -1;
    applyFocus();
    if (typePanel) { typePanel.style.display = "none"; }
    if (viewBefore) {
      map.setView(viewBefore.center, viewBefore.zoom, {animate: false});
      viewBefore = null;
    }
    markLegend();
    writeHash();
    if (refocus && legendDiv && was >= 0) {
      var entry = legendDiv.querySelector("[data-type='" + was + "']");
      if (entry) { entry.focus(); }
    }
  }
  // the type's streets in view, clear of the panel: on a phone (the panel covers the top of
  // the map) the legend folds and the map fits them below the panel; on a large screen, when
  // some are under the panel or out of view, the map fits them between the panel and the
  // controls on the right. Never zoomed in, nor out by more than MAX_ZOOM_OUT levels (a type
  // spread over a city: the view stays); closing returns to the view before
  var viewBefore = null, MAX_ZOOM_OUT = 1;
  function focusBounds() {
    var bounds = L.latLngBounds([]);
    for (var i = 0; i < focusLayers.length; i++) {
      var entry = focusLayers[i];
      if (!map.hasLayer(entry.geo)) { continue; }
      entry.geo.eachLayer(function (l) {
        if (entry.t(l.feature) === focusType && l.getBounds) { bounds.extend(l.getBounds()); }
      });
    }
    return bounds;
  }
  // whether a street of the type shown lies (partly) under ``panel`` or out of view (in
  // the map container's pixels)
  function focusHidden(panel, box) {
    var hidden = false;
    for (var i = 0; i < focusLayers.length && !hidden; i++) {
      var entry = focusLayers[i];
      if (!map.hasLayer(entry.geo)) { continue; }
      entry.geo.eachLayer(function (l) {
        if (hidden || entry.t(l.feature) !== focusType || !l.getBounds) { return; }
        var b = l.getBounds();
        var a = map.latLngToContainerPoint(b.getNorthWest());
        var c = map.latLngToContainerPoint(b.getSouthEast());
        hidden = (c.x > panel.left && a.x < panel.right && c.y > panel.top &&
                  a.y < panel.bottom) ||
                 a.x < 0 || a.y < 0 || c.x > box.width || c.y > box.height;
      });
    }
    return hidden;
  }
  function revealType() {
    if (!typePanel) { return; }
    var box = map.getContainer().getBoundingClientRect();
    var phone = box.width <= cfg.foldLegendPx;
    if (phone && legendOpen) { legendOpen = false; updateLegend(); }
    var bounds = focusBounds();
    if (!bounds.isValid()) { return; }
    var panel = typePanel.getBoundingClientRect();
    var free = {left: 12, top: 12, right: box.width - 12, bottom: box.height - 12};
    if (phone) {
      free.top = panel.bottom - box.top + 12;
      free.bottom = box.height - Math.max(cornerHeight(".leaflet-bottom.leaflet-left"),
                                          cornerHeight(".leaflet-bottom.leaflet-right")) - 12;
    } else {
      free.left = panel.right - box.left + 12;
      var topRight = map.getContainer().querySelector(".leaflet-top.leaflet-right");
      if (topRight && topRight.offsetWidth) {
        free.right = topRight.getBoundingClientRect().left - box.left - 12;
      }
      if (free.right - free.left < 200) { return; }  // no room beside the panel
      if (!focusHidden({left: panel.left - box.left, top: panel.top - box.top,
                        right: panel.right - box.left, bottom: panel.bottom - box.top},
                       box)) {
        return;  // every one in view, none under the panel: the view stays
      }
    }
    var topLeft = [free.left, free.top];
    var bottomRight = [box.width - free.right, box.height - free.bottom];
    var zoom = map.getBoundsZoom(bounds, false, L.point(topLeft[0] + bottomRight[0],
                                                        topLeft[1] + bottomRight[1]));
    if (zoom < map.getZoom() - MAX_ZOOM_OUT) { return; }  // spread over a city: stay here
    if (!viewBefore) { viewBefore = {center: map.getCenter(), zoom: map.getZoom()}; }
    map.fitBounds(bounds, {paddingTopLeft: topLeft, paddingBottomRight: bottomRight,
                           maxZoom: map.getZoom(), animate: false});
  }
  function showType(i) {
    var ty = typeOf(i);
    if (!ty || !ty.info || i === focusType) { hideType(); return; }
    focusType = i;
    applyFocus();
    openTypePanel(ty);
    markLegend();
    revealType();
    writeHash();
  }
  L.DomEvent.on(document, "keydown", function (e) {
    if (e.key === "Escape" && focusType >= 0) { hideType(true); }
  });
  map.on("resize", placeTypePanel);

  // ---------------------------------------------------------------- top-left controls
  // full screen (where the browser allows it), under the zoom buttons
  var fullscreenEnabled = document.fullscreenEnabled ||
                          document.webkitFullscreenEnabled || false;
  if (fullscreenEnabled) {
    var fs = L.control({position: "topleft"});
    fs.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar wk-fullscreen");
      var a = L.DomUtil.create("a", "wk-fullscreen-button", bar);
      a.href = "#";
      a.setAttribute("role", "button");
      a.title = cfg.text.fullscreen;
      a.setAttribute("aria-label", cfg.text.fullscreen);
      a.innerHTML = "<svg viewBox='0 0 16 16' width='14' height='14' aria-hidden='true'>" +
        "<path d='M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4' fill='none' stroke='currentColor' " +
        "stroke-width='2'/></svg>";
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, "click", function (e) {
        L.DomEvent.preventDefault(e);
        var el = map.getContainer();
        var current = document.fullscreenElement || document.webkitFullscreenElement;
        if (current) {
          (document.exitFullscreen || document.webkitExitFullscreen).call(document);
        } else {
          (el.requestFullscreen || el.webkitRequestFullscreen).call(el);
        }
      });
      return bar;
    };
    // in the zoom bar when there is one (saves a control's height on a phone)
    if (map.zoomControl) {
      var button = fs.onAdd(map).firstChild;
      map.zoomControl.getContainer().appendChild(button);
      L.DomEvent.disableClickPropagation(button);
    } else {
      fs.addTo(map);
    }
    var onFullscreen = function () {
      var on = !!(document.fullscreenElement || document.webkitFullscreenElement);
      L.DomUtil[on ? "addClass" : "removeClass"](map.getContainer(), "wk-is-fullscreen");
      map.invalidateSize();
    };
    document.addEventListener("fullscreenchange", onFullscreen);
    document.addEventListener("webkitfullscreenchange", onFullscreen);
  }

  // print (or save as PDF) the current view: the print styles (webmap.css) hide the buttons
  // and keep the title, the legend (unfolded), the scale and the attribution
  (function () {
    var bar = map.zoomControl ? map.zoomControl.getContainer()
                              : L.DomUtil.create("div", "leaflet-bar");
    var a = L.DomUtil.create("a", "wk-print-button", bar);
    a.href = "#";
    a.setAttribute("role", "button");
    a.title = unescapeHtml(cfg.text.print);
    a.setAttribute("aria-label", unescapeHtml(cfg.text.print));
    a.innerHTML = "<svg viewBox='0 0 16 16' width='14' height='14' aria-hidden='true'>" +
      "<path d='M4 6V1h8v5M4 12H1V6h14v6h-3M4 9h8v6H4z' fill='none' stroke='currentColor' " +
      "stroke-width='1.6'/></svg>";
    L.DomEvent.disableClickPropagation(a);
    L.DomEvent.on(a, "click", function (e) {
      L.DomEvent.preventDefault(e);
      window.print();
    });
    if (!map.zoomControl) {
      var pc = L.control({position: "topleft"});
      pc.onAdd = function () { return bar; };
      pc.addTo(map);
    }
  })();
  var wasOpen = null;
  window.addEventListener("beforeprint", function () {
    wasOpen = legendOpen;
    if (!legendOpen) { legendOpen = true; updateLegend(); }
  });
  window.addEventListener("afterprint", function () {
    if (wasOpen === false) { legendOpen = false; updateLegend(); }
    wasOpen = null;
  });

  var titleDiv = null;
  var title = L.control({position: "topleft"});
  title.onAdd = function () {
    titleDiv = L.DomUtil.create("div", "wk-title leaflet-bar");
    titleDiv.innerHTML = "<b>wijkkracht</b> · " + cfg.areaName + "<br><span>" +
                         cfg.text.title + "</span>";
    return titleDiv;
  };
  title.addTo(map);
  if (cfg.synthetic) {
    var notice = L.control({position: "topleft"});
    notice.onAdd = function () {
      var div = L.DomUtil.create("div", "wk-synthetic leaflet-bar");
      div.setAttribute("role", "note");
      div.innerHTML = "<b>⚠ " + cfg.synthetic.title + "</b><span>" + cfg.synthetic.body +
                      "</span>";
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    notice.addTo(map);
    map.attributionControl.addAttribution("<b class='wk-syn-attr'>" +
                                          cfg.synthetic.attribution + "</b>");
  }
  map.attributionControl.addAttribution(cfg.attribution);

  // ---------------------------------------------------------------------- street search
  function normalise(s) {
    s = String(s).toLowerCase();
    if (s.normalize) { s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    return s.replace(/\s+/g, " ").trim();
  }
  var streetIndex = (function () {
    var byKey = {}, list = [];
    for (var i = 0; i < streets.features.length; i++) {
      var n = streets.features[i].properties.n;
      if (!n || streets.features[i].properties.p) { continue; }
      var name = unescapeHtml(n), key = normalise(name);
      if (!byKey[key]) { byKey[key] = {name: name, key: key, items: []}; list.push(byKey[key]); }
      byKey[key].items.push(i);
    }
    list.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; });
    return list;
  })();
  var highlight = null;
  function clearHighlight() {
    if (highlight) { map.removeLayer(highlight); highlight = null; }
  }
  function showStreet(entry) {
    clearHighlight();
    var fc = {type: "FeatureCollection", features: entry.items.map(function (i) {
      return streets.features[i];
    })};
    var halo = L.geoJSON(fc, {pane: "wkHighlight", interactive: false, style: function () {
      return {color: cfg.highlight.halo, weight: cfg.typeWidth + 10, opacity: 0.9,
              lineCap: "round", lineJoin: "round"};
    }});
    var core = L.geoJSON(fc, {pane: "wkHighlight", interactive: false, style: function () {
      return {color: cfg.highlight.core, weight: cfg.typeWidth + 4, opacity: 1,
              lineCap: "round", lineJoin: "round"};
    }});
    highlight = L.featureGroup([halo, core]).addTo(map);
    var free = clearArea();
    map.fitBounds(halo.getBounds(), {maxZoom: 17, paddingTopLeft: [free.left, free.top],
                                     paddingBottomRight: [free.right, 20]});
    return entry.items.length;
  }
  function clearArea() {
    // padding that keeps a zoomed-to street clear of the controls on both sides
    var size = map.getSize(), left = 20, right = 20;
    var corners = [[".leaflet-top.leaflet-left", "left"], [".leaflet-top.leaflet-right", "right"]];
    for (var i = 0; i < corners.length; i++) {
      var el = map.getContainer().querySelector(corners[i][0]);
      var w = el ? el.offsetWidth + 20 : 20;
      if (corners[i][1] === "left") { left = w; } else { right = w; }
    }
    if (left + right > size.x * 0.7) {
      var k = size.x * 0.7 / (left + right);
      left *= k;
      right *= k;
    }
    return {left: left, right: right, top: 20};
  }
  var search = L.control({position: "topleft"});
  search.onAdd = function () {
    var div = L.DomUtil.create("div", "wk-search leaflet-bar");
    div.setAttribute("role", "search");
    var input = L.DomUtil.create("input", "", div);
    input.type = "search";
    input.placeholder = unescapeHtml(cfg.text.searchPlaceholder);
    input.setAttribute("aria-label", unescapeHtml(cfg.text.searchPlaceholder));
    input.setAttribute("autocomplete", "off");
    var list = L.DomUtil.create("ul", "wk-search-list", div);
    list.setAttribute("role", "listbox");
    var status = L.DomUtil.create("div", "wk-search-status", div);
    status.setAttribute("aria-live", "polite");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    var matches = [];
    function choose(entry) {
      var n = showStreet(entry);
      input.value = entry.name;
      list.innerHTML = "";
      status.textContent = entry.name + ": " + n + " " + unescapeHtml(cfg.text.segments);
      fitLegend();
    }
    function update() {
      var q = normalise(input.value);
      list.innerHTML = "";
      status.textContent = "";
      matches = [];
      if (q.length < 2) { if (!q) { clearHighlight(); } return; }
      var starts = [], inside = [];
      for (var i = 0; i < streetIndex.length; i++) {
        var at = streetIndex[i].key.indexOf(q);
        if (at === 0) { starts.push(streetIndex[i]); } else if (at > 0) { inside.push(streetIndex[i]); }
      }
      matches = starts.concat(inside);
      if (!matches.length) { status.textContent = unescapeHtml(cfg.text.searchNone); return; }
      for (var j = 0; j < Math.min(matches.length, 8); j++) {
        var li = L.DomUtil.create("li", "", list);
        li.setAttribute("role", "option");
        li.textContent = matches[j].name;  // text, never HTML: a name is user content
        li.setAttribute("data-index", j);
        L.DomEvent.on(li, "click", function (e) {
          choose(matches[Number(e.currentTarget.getAttribute("data-index"))]);
        });
      }
      if (matches.length > 8) {
        var more = L.DomUtil.create("li", "wk-search-more", list);
        more.textContent = "+" + (matches.length - 8);
      }
    }
    L.DomEvent.on(input, "input", function () { update(); fitLegend(); });
    L.DomEvent.on(input, "keydown", function (e) {
      if (e.key === "Enter" && matches.length) { L.DomEvent.preventDefault(e); choose(matches[0]); }
      if (e.key === "Escape") { input.value = ""; update(); fitLegend(); }
    });
    return div;
  };
  if (streetIndex.length) { search.addTo(map); }

  // ------------------------------------------------------------------- data sources
  // a button at the bottom right; the list opens as a dialog over the map
  var sourcesDialog = null;
  function sourcesHtml() {
    var rows = [];
    for (var i = 0; i < cfg.sources.length; i++) {
      var s = cfg.sources[i], facts = [];
      if (s.date) { facts.push(cfg.text.date + ": " + s.date); }
      if (s.licence) { facts.push(cfg.text.licence + ": " + s.licence); }
      rows.push("<li><b>" + s.name + "</b>" + synTag(s.synthetic) +
                (facts.length ? "<div>" + facts.join("; ") + "</div>" : "") +
                (s.attribution ? "<div class='wk-src-attr'>" + s.attribution + "</div>" : "") +
                "</li>");
    }
    var baseRows = [];
    for (i = 0; i < cfg.basemaps.length; i++) {
      var b = cfg.basemaps[i];
      if (!b.url) { continue; }
      baseRows.push("<li><b>" + b.label + "</b><div>" + cfg.text.licence + ": " + b.licence +
                    "</div></li>");
    }
    return "<h4>" + cfg.text.dataSources + "</h4><ul>" + rows.join("") + "</ul>" +
      (baseRows.length ? "<h4>" + cfg.text.basemaps + "</h4><ul>" + baseRows.join("") + "</ul>"
                       : "");
  }
  function closeSources() {
    if (sourcesDialog) { sourcesDialog.style.display = "none"; }
    var button = map.getContainer().querySelector(".wk-sources-button");
    if (button) { button.setAttribute("aria-expanded", "false"); }
  }
  function openSources() {
    if (!sourcesDialog) {
      sourcesDialog = L.DomUtil.create("div", "wk-sources-panel", map.getContainer());
      sourcesDialog.setAttribute("role", "dialog");
      sourcesDialog.setAttribute("aria-label", unescapeHtml(cfg.text.sources));
      var close = L.DomUtil.create("a", "wk-sources-close", sourcesDialog);
      close.href = "#";
      close.setAttribute("role", "button");
      close.setAttribute("aria-label", "×");
      close.innerHTML = "&times;";
      var body = L.DomUtil.create("div", "wk-sources-body", sourcesDialog);
      body.innerHTML = sourcesHtml();
      L.DomEvent.disableClickPropagation(sourcesDialog);
      L.DomEvent.disableScrollPropagation(sourcesDialog);
      L.DomEvent.on(close, "click", function (e) { L.DomEvent.preventDefault(e); closeSources(); });
    }
    sourcesDialog.style.display = "";
    var button = map.getContainer().querySelector(".wk-sources-button");
    if (button) { button.setAttribute("aria-expanded", "true"); }
  }
  L.DomEvent.on(document, "keydown", function (e) {
    if (e.key === "Escape" && sourcesDialog && sourcesDialog.style.display !== "none") {
      closeSources();
    }
  });
  var sourcesControl = L.control({position: "bottomright"});
  sourcesControl.onAdd = function () {
    var div = L.DomUtil.create("div", "wk-sources leaflet-bar");
    var button = L.DomUtil.create("a", "wk-sources-button", div);
    button.href = "#";
    button.setAttribute("role", "button");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-haspopup", "dialog");
    button.innerHTML = cfg.text.sources;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.on(button, "click", function (e) {
      L.DomEvent.preventDefault(e);
      if (sourcesDialog && sourcesDialog.style.display !== "none") { closeSources(); }
      else { openSources(); }
    });
    return div;
  };
  sourcesControl.addTo(map);

  // the layer control may use the height the bottom-right controls leave free (it scrolls)
  function fitControl(ctrl) {
    if (!ctrl || !ctrl._section) { return; }
    var section = ctrl._section, box = map.getContainer().getBoundingClientRect();
    var bottomRight = map.getContainer().querySelector(".leaflet-bottom.leaflet-right");
    var below = bottomRight && bottomRight.offsetHeight
      ? box.bottom - bottomRight.getBoundingClientRect().top : 0;
    var top = ctrl.getContainer().getBoundingClientRect().top - box.top;
    var room = Math.max(100, box.height - top - below - 24);
    // a phone: the map stays visible below the list (a tap on it closes the list)
    if (isPhone()) { room = Math.min(room, 0.7 * box.height - top); }
    section.style.height = "";
    if (section.scrollHeight > room) {
      section.style.height = room + "px";
      L.DomUtil.addClass(section, "leaflet-control-layers-scrollbar");
    } else {
      L.DomUtil.removeClass(section, "leaflet-control-layers-scrollbar");
    }
  }

  // ------------------------------------------------------------------------- base maps
  // the surroundings drawn from the data (for "none", and when no tiles can be reached):
  // the study area, the streets as grey casings and the building points, on one canvas per
  // tile, from coordinates projected once
  function contextBase() {
    var C = cfg.context, pts = [], lines = [], polys = [];
    var b = context.b || [], x = 0, y = 0;
    for (var i = 0; i + 1 < b.length; i += 2) {
      x += b[i];
      y += b[i + 1];
      pts.push(map.project([y / 1e5, x / 1e5], 0));
    }
    function proj(ring) {
      return ring.map(function (c) { return map.project([c[1], c[0]], 0); });
    }
    function bbox(ps) {
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      for (var k = 0; k < ps.length; k++) {
        box[0] = Math.min(box[0], ps[k].x); box[1] = Math.min(box[1], ps[k].y);
        box[2] = Math.max(box[2], ps[k].x); box[3] = Math.max(box[3], ps[k].y);
      }
      return box;
    }
    function addGeometry(g, into) {
      if (!g) { return; }
      var parts = g.type === "LineString" ? [g.coordinates]
        : g.type === "MultiLineString" ? g.coordinates
        : g.type === "Polygon" ? [g.coordinates]
        : g.type === "MultiPolygon" ? g.coordinates : [];
      for (var k = 0; k < parts.length; k++) {
        var rings = g.type.indexOf("Polygon") >= 0 ? parts[k].map(proj) : [proj(parts[k])];
        into.push({rings: rings, box: bbox(rings[0])});
      }
    }
    for (i = 0; i < streets.features.length; i++) {  // the streets, not the paths beside them
      if (!streets.features[i].properties.p) { addGeometry(streets.features[i].geometry, lines); }
    }
    for (i = 0; i < area.features.length; i++) { addGeometry(area.features[i].geometry, polys); }
    var grid = L.GridLayer.extend({
      createTile: function (coords) {
        var tile = document.createElement("canvas"), size = this.getTileSize();
        tile.width = size.x;
        tile.height = size.y;
        var ctx = tile.getContext("2d"), k = Math.pow(2, coords.z);
        var x0 = coords.x * size.x, y0 = coords.y * size.y, m = 12;
        function visible(box) {
          return box[2] * k >= x0 - m && box[0] * k <= x0 + size.x + m &&
                 box[3] * k >= y0 - m && box[1] * k <= y0 + size.y + m;
        }
        function trace(ring, close) {
          for (var j = 0; j < ring.length; j++) {
            var px = ring[j].x * k - x0, py = ring[j].y * k - y0;
            if (j === 0) { ctx.moveTo(px, py); } else { ctx.lineTo(px, py); }
          }
          if (close) { ctx.closePath(); }
        }
        ctx.fillStyle = C.area;
        for (var a = 0; a < polys.length; a++) {
          if (!visible(polys[a].box)) { continue; }
          ctx.beginPath();
          for (var r = 0; r < polys[a].rings.length; r++) { trace(polys[a].rings[r], true); }
          ctx.fill("evenodd");
        }
        ctx.fillStyle = C.building;
        var rad = coords.z >= 17 ? 2.2 : coords.z >= 15 ? 1.5 : 1;
        for (var p = 0; p < pts.length; p++) {
          var px = pts[p].x * k - x0, py = pts[p].y * k - y0;
          if (px < -3 || py < -3 || px > size.x + 3 || py > size.y + 3) { continue; }
          ctx.fillRect(px - rad, py - rad, 2 * rad, 2 * rad);
        }
        ctx.strokeStyle = C.street;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.lineWidth = cfg.typeWidth + (coords.z >= 16 ? 6 : 3);
        ctx.beginPath();
        for (var s = 0; s < lines.length; s++) {
          if (visible(lines[s].box)) { trace(lines[s].rings[0], false); }
        }
        ctx.stroke();
        return tile;
      }
    });
    var layer = new grid({pane: "wkContext", maxZoom: cfg.maxZoom});
    layer.on("add", function () { L.DomUtil.addClass(map.getContainer(), "wk-nobase"); });
    layer.on("remove", function () { L.DomUtil.removeClass(map.getContainer(), "wk-nobase"); });
    return layer;
  }
  var baseLayers = [], contextLayer = null, fellBack = false, startBase = cfg.basemap;
  function note(text) {
    var n = L.control({position: "bottomright"});
    n.onAdd = function () {
      var div = L.DomUtil.create("div", "wk-basenote leaflet-bar");
      div.setAttribute("role", "status");
      div.innerHTML = text;
      return div;
    };
    n.addTo(map);
    setTimeout(function () { n.remove(); fitLegend(); }, 8000);
    fitLegend();
  }
  function tileBase(b) {
    var layer = L.tileLayer(b.url, {attribution: b.attribution, maxNativeZoom: b.maxNativeZoom,
                                    maxZoom: cfg.maxZoom, opacity: b.opacity});
    var loaded = 0, failed = 0;
    layer.on("add", function () { loaded = 0; failed = 0; });
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      failed += 1;
      // nothing loads (offline, or the server blocked): draw the surroundings instead
      if (loaded === 0 && failed === 3 && map.hasLayer(layer) && contextLayer) {
        setTimeout(function () {
          if (!map.hasLayer(layer)) { return; }
          map.removeLayer(layer);
          map.addLayer(contextLayer);
          if (!fellBack) { fellBack = true; note(cfg.text.baseUnreachable); }
        }, 0);
      }
    });
    return layer;
  }
  function addBaseLayers(ctrl) {
    for (var i = 0; i < cfg.basemaps.length; i++) {
      var b = cfg.basemaps[i];
      var layer = b.url ? tileBase(b) : (contextLayer = contextBase());
      baseLayers.push(layer);
      if (ctrl) { ctrl.addBaseLayer(layer, b.label); }
      if (b.key === startBase) { layer.addTo(map); }
    }
  }

  // headings in the layer control (Leaflet rebuilds its list now and then: add them again)
  function addHeadings(ctrl) {
    var list = ctrl._overlaysList;
    if (!list) { return; }
    var labels = list.getElementsByTagName("label"), seen = {}, heads = [];
    for (var i = 0; i < labels.length; i++) {
      var input = labels[i].getElementsByTagName("input")[0];
      var group = input ? controlGroups[input.layerId] : undefined;
      if (!group || seen[group.key]) { continue; }
      seen[group.key] = true;
      if (group.label) { heads.push([group, labels[i]]); }
    }
    for (i = 0; i < heads.length; i++) {
      var h = L.DomUtil.create("div", "wk-ctl-group");
      h.innerHTML = heads[i][0].label + synTag(heads[i][0].synthetic);
      list.insertBefore(h, heads[i][1]);
    }
    var bases = ctrl._baseLayersList;
    if (bases && bases.firstChild) {
      var bh = L.DomUtil.create("div", "wk-ctl-group");
      bh.innerHTML = cfg.text.basemaps;
      bases.insertBefore(bh, bases.firstChild);
    }
  }
  // fit the study area into the part of the map the controls leave free: beside the
  // left and right columns of controls, or (a phone) between the top and bottom ones,
  // whichever shows it larger
  function cornerHeight(which) {
    var el = map.getContainer().querySelector(which);
    return el ? el.offsetHeight : 0;
  }
  function fit(ctrl) {
    var size = map.getSize();
    var left = Math.max(titleDiv ? titleDiv.offsetWidth : 0,
                        legendDiv ? legendDiv.offsetWidth : 0) + 20;
    var right = (ctrl ? ctrl.getContainer().offsetWidth : 0) + 20;
    if (left + right > size.x * 0.6) {
      var k = size.x * 0.6 / (left + right);
      left *= k;
      right *= k;
    }
    var top = Math.max(cornerHeight(".leaflet-top.leaflet-left"),
                       cornerHeight(".leaflet-top.leaflet-right")) + 10;
    var bottom = Math.max(cornerHeight(".leaflet-bottom.leaflet-left"),
                          cornerHeight(".leaflet-bottom.leaflet-right")) + 10;
    var bounds = L.latLngBounds(cfg.bounds);
    var side = {paddingTopLeft: [left, 10], paddingBottomRight: [right, 10]};
    var band = {paddingTopLeft: [10, top], paddingBottomRight: [10, bottom]};
    var sideZoom = map.getBoundsZoom(bounds, false, L.point(left + right, 20));
    var bandZoom = top + bottom < size.y * 0.8
      ? map.getBoundsZoom(bounds, false, L.point(20, top + bottom)) : -Infinity;
    var padding = bandZoom > sideZoom ? band : side;
    map.fitBounds(bounds, L.extend({animate: false}, padding));
  }

  // ------------------------------------------------------------ the view in the URL
  // #map=ZOOM/LAT/LON&layers=I-J-K&base=KEY[&type=KEY]: the view, the overlays shown (their
  // positions in the layer control), the base map and the type shown; written (without a
  // history entry) when it changes, read when the page opens, so a link shares the view
  var hashReady = false, hashControl = null;
  function overlays() {
    return hashControl && hashControl._layers
      ? hashControl._layers.filter(function (o) { return o.overlay; }) : [];
  }
  function readHash() {
    var out = {}, text = String(window.location.hash || "").replace(/^#/, "");
    text.split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq > 0) { out[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1)); }
    });
    var view = (out.map || "").split("/").map(Number);
    if (view.length !== 3 || view.some(function (v) { return !isFinite(v); }) ||
        Math.abs(view[1]) > 90 || Math.abs(view[2]) > 180) {
      return null;
    }
    return {zoom: Math.max(0, Math.min(cfg.maxZoom, view[0])), center: [view[1], view[2]],
            layers: out.layers, base: out.base, type: out.type};
  }
  function writeHash() {
    if (!hashReady) { return; }
    var c = map.getCenter(), on = [], base = null, all = overlays();
    for (var i = 0; i < all.length; i++) { if (map.hasLayer(all[i].layer)) { on.push(i); } }
    for (i = 0; i < baseLayers.length; i++) {
      if (map.hasLayer(baseLayers[i])) { base = cfg.basemaps[i].key; }
    }
    var hash = "#map=" + Math.round(map.getZoom() * 100) / 100 + "/" + c.lat.toFixed(5) + "/" +
               c.lng.toFixed(5) + "&layers=" + on.join("-") + (base ? "&base=" + base : "") +
               (focusType >= 0 ? "&type=" + encodeURIComponent(cfg.types[focusType].key) : "");
    if (hash === window.location.hash) { return; }
    try {
      window.history.replaceState(window.history.state, "", hash);
    } catch (err) {
      // a page that may not change its address (a sandboxed frame): the view is not shared
    }
  }
  // the overlays of the hash shown, the others hidden
  function restoreLayers(layers) {
    if (layers === undefined) { return; }
    var want = {}, all = overlays();
    layers.split("-").forEach(function (i) { if (i !== "") { want[Number(i)] = true; } });
    for (var i = 0; i < all.length; i++) {
      var has = map.hasLayer(all[i].layer);
      if (want[i] && !has) { map.addLayer(all[i].layer); }
      if (!want[i] && has) { map.removeLayer(all[i].layer); }
    }
  }
  function startView(ctrl) {
    hashControl = ctrl;
    var saved = readHash();
    if (saved) {
      restoreLayers(saved.layers);
      if (saved.type) {
        for (var i = 0; i < cfg.types.length; i++) {
          if (cfg.types[i].key === saved.type) { showType(i); }
        }
      }
      viewBefore = null;
      map.setView(saved.center, saved.zoom, {animate: false});
    } else {
      fit(ctrl);
    }
    hashReady = true;
    map.on("moveend overlayadd overlayremove baselayerchange", writeHash);
    writeHash();
  }

  return {
    streetLayer: function (which, group) {
      var layer = remember(streetLayer(which), group);
      legends.push(which === "types" ? {kind: "types", layer: layer}
                                      : {kind: "indicator", index: which, layer: layer});
      return layer;
    },
    poiLayer: function (key, group) {
      var layer = remember(key === "vacant" ? vacancyLayer(key) : clusterLayer(key), group);
      legends.push({kind: key === "vacant" ? "vacancy" : "poi", poi: poiStyle(key),
                    layer: layer});
      return layer;
    },
    rasterLayer: function (i, group) {
      var layer = remember(rasterLayer(i), group);
      legends.push({kind: "raster", index: i, layer: layer});
      return layer;
    },
    hoursLayer: function (group) {
      var layer = remember(hoursLayer(), group);
      legends.push({kind: "hours", layer: layer});
      return layer;
    },
    setHour: setHour,
    spendingLayer: function (group) {
      var layer = remember(spendingLayer(), group);
      legends.push({kind: "spending", layer: layer});
      return layer;
    },
    pathsLayer: function (group) {
      var layer = remember(pathsLayer(), group);
      legends.push({kind: "paths", layer: layer});
      return layer;
    },
    namedLayer: function (group) {
      var layer = remember(namedLayer(), group);
      legends.push({kind: "named", layer: layer});
      return layer;
    },
    areaLayer: function (group) { return remember(areaLayer(), group); },
    areasLayer: function (group) { return remember(areasLayer(), group); },
    finish: function (ctrl) {
      var saved = readHash();
      if (saved && saved.base) {
        for (var i = 0; i < cfg.basemaps.length; i++) {
          if (cfg.basemaps[i].key === saved.base) { startBase = saved.base; }
        }
      }
      addBaseLayers(ctrl);
      if (ctrl && ctrl._update) {
        var update = ctrl._update;
        ctrl._update = function () {
          var out = update.apply(this, arguments);
          addHeadings(this);
          fitControl(this);
          return out;
        };
        ctrl._update();
        var expand = ctrl._expandIfNotCollapsed;
        if (expand) {
          ctrl._expandIfNotCollapsed = function () {
            var out = expand.apply(this, arguments);
            fitControl(this);
            return out;
          };
        }
        map.on("resize", function () { fitControl(ctrl); });
        // on a phone the open layer list is the only control shown (webmap.css)
        var box = ctrl.getContainer();
        if (window.MutationObserver) {
          new MutationObserver(function () {
            var open = L.DomUtil.hasClass(box, "leaflet-control-layers-expanded");
            L.DomUtil[open && isPhone() ? "addClass" : "removeClass"](map.getContainer(),
                                                                      "wk-layers-open");
            if (open) { fitControl(ctrl); }
          }).observe(box, {attributes: true, attributeFilter: ["class"]});
        }
      }
      updateLegend();
      startView(ctrl);
      map.getContainer().setAttribute("data-wk-ready", "1");
    },
    refreshLegend: updateLegend,
    showType: function (key) {
      for (var i = 0; i < cfg.types.length; i++) {
        if (cfg.types[i].key === key) { showType(i); return focusType === i; }
      }
      return false;
    },
    hideType: function () { hideType(); },
    shownType: function () { return focusType >= 0 ? cfg.types[focusType].key : null; },
    setRasterOpacity: setRasterOpacity,
    findStreet: function (text) {
      var q = normalise(text);
      for (var i = 0; i < streetIndex.length; i++) {
        if (streetIndex[i].key === q) { return showStreet(streetIndex[i]); }
      }
      return 0;
    }
  };
}
