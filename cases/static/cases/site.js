// Autocomplete for the query box and a flash on the evidence a clicked fact points to.
// Plain JavaScript; text from the server is inserted with textContent, never as HTML.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("ac");
  if (input && list) {
    let timer = null, items = [], active = -1, lastPrefix = "";
    const kinds = { term: "HPO", disease: "disease", agent: "drug" };

    // The word being typed: the text after the last operator
    function currentWord() {
      const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
      const match = upto.match(/(?:^|[+|()\s])-?([^+|()\s"][^+|()"]*)$/);
      return match ? match[1].trimStart() : "";
    }
    function close() { list.hidden = true; list.textContent = ""; items = []; active = -1; }
    function choose(item) {
      const caret = input.selectionStart ?? input.value.length;
      const before = input.value.slice(0, caret), after = input.value.slice(caret);
      const word = currentWord();
      // The server says which field searches for the entry (the facet declared for its kind)
      // …by a name people read (query_name), not the code
      input.value = before.slice(0, before.length - word.length) + (item.query_name || item.query) + after;
      close();
      input.focus();
    }
    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        const kind = document.createElement("span"); kind.className = "kind"; kind.textContent = kinds[item.kind] || item.kind;
        const label = document.createElement("span"); label.textContent = item.label + (item.label_zh ? " / " + item.label_zh : "");
        const code = document.createElement("span"); code.className = "code"; code.textContent = item.id;
        li.append(kind, label, code);
        if (item.matched && item.matched !== item.label && item.matched !== item.id) {
          const via = document.createElement("span"); via.className = "muted"; via.textContent = "“" + item.matched + "”"; li.append(via);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.append(li);
      });
      list.hidden = items.length === 0;
    }
    function lookup() {
      const prefix = currentWord();
      // One Chinese character already narrows the names (钙, 癫); one Latin letter does not.
      const enough = prefix.length >= 2 || /[\u3400-\u9fff\uf900-\ufaff]/.test(prefix);
      if (!enough || prefix.includes(":") && !/^(hp|orpha|omim|mondo):/i.test(prefix)) { close(); return; }
      if (prefix === lastPrefix && items.length) { return; }
      lastPrefix = prefix;
      fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(prefix), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (currentWord() === prefix) { items = data.results; active = -1; render(); } })
        .catch(close);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 120); });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { active = (active + 1) % items.length; render(); event.preventDefault(); }
      else if (event.key === "ArrowUp") { active = (active - 1 + items.length) % items.length; render(); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { choose(items[active]); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // Case page: clicking a fact scrolls to its evidence and makes it flash.
  function flash(anchor) {
    document.querySelectorAll("mark.evidence.flash").forEach(function (m) { m.classList.remove("flash"); });
    document.querySelectorAll("mark.evidence").forEach(function (m) {
      if ((m.dataset.facts || "").split(" ").indexOf(anchor) >= 0) { m.classList.add("flash"); }
    });
  }
  document.querySelectorAll("a.fact-link").forEach(function (link) {
    link.addEventListener("click", function () {
      const anchor = (link.getAttribute("href") || "").slice(1);
      const target = document.getElementById(anchor);
      if (target) { target.scrollIntoView({ block: "center" }); }
      flash(anchor);
    });
  });
  if (location.hash) { flash(location.hash.slice(1)); }
})();
