/* Sorting and filtering of the ranking table: no library, nothing fetched. Each header is a
   button (a second click reverses the order); the search box keeps the rows holding every
   word typed (Thai or Arabic digits alike); the select keeps those at or below the target. */
(function () {
  "use strict";
  var here = document.currentScript;
  var section = (here && here.closest("section")) || document.getElementById("sec-ranking");
  if (!section) { return; }
  var table = section.querySelector("table.pf-ranking");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var search = section.querySelector("input[data-filter]");
  var which = section.querySelector("select[data-filter-target]");
  var shown = section.querySelector("[data-shown]");
  var thai = section.getAttribute("data-digits") === "thai";
  var THAI = "\u0e50\u0e51\u0e52\u0e53\u0e54\u0e55\u0e56\u0e57\u0e58\u0e59";

  function arabic(text) {
    return text.replace(/[\u0e50-\u0e59]/g, function (d) { return String(THAI.indexOf(d)); });
  }
  function digits(n) {
    var s = n.toLocaleString("en-US");
    return thai ? s.replace(/[0-9]/g, function (d) { return THAI.charAt(+d); }) : s;
  }
  rows.forEach(function (row, i) {
    row.setAttribute("data-order", String(i));
    var text = row.textContent + " " + (row.getAttribute("data-search") || "");
    row.setAttribute("data-text", arabic(text).toLowerCase());
  });

  function key(row, column, type) {
    var cell = row.cells[column];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (type === "number") { return raw === "" ? null : parseFloat(raw); }
    return raw.trim();
  }

  function sortBy(column) {
    var th = heads[column];
    var button = th.querySelector("button");
    var type = button.getAttribute("data-type");
    var now = th.getAttribute("aria-sort");
    var dir = now === "ascending" ? "descending" : now === "descending" ? "ascending"
      : (button.getAttribute("data-first") || "ascending");
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = key(a, column, type), y = key(b, column, type);
      if (x === null || y === null) {  // no value: always last
        if (x !== y) { return x === null ? 1 : -1; }
      } else {
        var c = type === "number" ? x - y : x.localeCompare(y, "th");
        if (c !== 0) { return sign * c; }
      }
      return (+a.getAttribute("data-order")) - (+b.getAttribute("data-order"));
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
  }

  function filter() {
    var words = arabic(search.value).toLowerCase().split(/\s+/).filter(Boolean);
    var want = which.value;
    var count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-text");
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; })
        && (want === "" || row.getAttribute("data-passed") === want);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = digits(count);
  }

  heads.forEach(function (th, column) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(column); }); }
  });
  search.addEventListener("input", filter);
  which.addEventListener("change", filter);
}());
