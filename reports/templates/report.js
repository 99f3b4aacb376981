// aiposture report: filter and sort the table of every result. Inline, allowed by the
// page's CSP through the SHA-256 of this exact text. It reads the page's DOM only;
// nothing from the scan is ever templated into it. Without it the table is plain HTML.
(function () {
  "use strict";
  var table = document.getElementById("all-results");
  var controls = document.getElementById("table-controls");
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("filter-status");
  var severity = document.getElementById("filter-severity");
  var text = document.getElementById("filter-text");
  var shown = document.getElementById("visible-count");
  var keys = { rank: "rank", status: "statusRank", severity: "severityRank",
               check: "check", account: "account", region: "region" };
  var sortKey = null;
  var ascending = true;

  function apply() {
    var st = status.value;
    var sev = severity.value;
    var needle = text.value.trim().toLowerCase();
    var visible = 0;
    rows.forEach(function (row) {
      var ok = (!st || row.dataset.status === st) &&
               (!sev || row.dataset.severity === sev) &&
               (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
      row.hidden = !ok;
      if (ok) { visible += 1; }
    });
    shown.textContent = String(visible);
  }

  function compare(a, b) {
    var field = keys[sortKey];
    var x = a.dataset[field] || "";
    var y = b.dataset[field] || "";
    var numeric = field === "rank" || field === "statusRank" || field === "severityRank";
    var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    if (order === 0) { order = Number(a.dataset.rank) - Number(b.dataset.rank); }
    return ascending ? order : -order;
  }

  function sortBy(key) {
    ascending = sortKey === key ? !ascending : true;
    sortKey = key;
    rows.sort(compare);
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.querySelectorAll("button[data-sort]"), function (b) {
      var th = b.parentNode;
      if (b.dataset.sort === sortKey) {
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    table.dataset.sortedBy = sortKey + (ascending ? " asc" : " desc");
  }

  Array.prototype.forEach.call(table.querySelectorAll("button[data-sort]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { sortBy(b.dataset.sort); });
  });
  [status, severity].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);

  // A link such as report.html#status=FAIL&severity=high&q=trail&sort=check opens the
  // table filtered; the values are only compared with the DOM, never run or inserted.
  var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  function choose(select, value) {
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.value === value) { select.value = value; }
    });
  }
  if (params.has("status")) { choose(status, params.get("status")); }
  if (params.has("severity")) { choose(severity, params.get("severity")); }
  if (params.has("q")) { text.value = params.get("q"); }
  if (params.has("sort") && keys.hasOwnProperty(params.get("sort"))) {
    sortBy(params.get("sort"));
  }
  controls.hidden = false;
  document.documentElement.classList.add("js");
  apply();
}());
