// The record-an-assault page, where JavaScript runs. The form works without this file: the
// reveal below is then always open, and a name typed into a person field is looked up in the
// force directory when the form is sent (several matches are offered as a choice).
// Served as a file of its own (the pages' Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  document.body.classList.add("js-enabled", "govuk-frontend-supported");

  // GOV.UK conditional reveal: a radio with data-aria-controls shows its panel when chosen.
  document.querySelectorAll(".govuk-radios").forEach(function (group) {
    var radios = group.querySelectorAll("input[type=radio]");
    function sync() {
      radios.forEach(function (r) {
        var id = r.getAttribute("data-aria-controls");
        var panel = id && document.getElementById(id);
        if (!panel) return;
        // As govuk-frontend does: aria-controls only (aria-expanded is not allowed on a radio).
        r.setAttribute("aria-controls", id);
        panel.classList.toggle("govuk-radios__conditional--hidden", !r.checked);
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  });

  // Accessible autocomplete over the directory search (GET /api/v1/colleagues): a combobox
  // with a list box of matches; arrow keys move, Enter chooses, Escape closes. Choosing puts
  // the collar number in the field, so the server's lookup is exact.
  document.querySelectorAll("input[data-colleague-search]").forEach(function (input) {
    var listId = input.id + "-matches";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "pledge-autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People matching what you typed");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "govuk-visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var chosen = document.createElement("p");
    chosen.className = "govuk-body-s pledge-autocomplete__chosen";
    chosen.id = input.id + "-chosen";
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    status.insertAdjacentElement("afterend", chosen);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    var matches = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && items[i]) input.setAttribute("aria-activedescendant", items[i].id);
    }
    function choose(i) {
      var m = matches[i];
      if (!m) return;
      input.value = m.id;
      chosen.textContent = "Chosen: " + m.name + ", " + m.id + ", " + m.unit_name;
      status.textContent = chosen.textContent;
      close();
    }
    function show(people) {
      matches = people;
      list.textContent = "";
      people.forEach(function (m, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "pledge-autocomplete__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = m.name + ", " + m.id + ", " + m.unit_name;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      status.textContent = people.length === 0 ? "No one matches" :
        people.length + (people.length === 1 ? " person matches" : " people match");
      if (people.length === 0) { close(); return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }
    function search() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var unit = document.getElementById("unit");
      var url = "/api/v1/colleagues?q=" + encodeURIComponent(q) +
        (unit && unit.value ? "&unit=" + encodeURIComponent(unit.value) : "");
      var n = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { people: [] }; })
        .then(function (body) { if (n === asked) show(body.people || []); })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, matches.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
