// newsfind: small progressive enhancements. Every page works without this file; it only
//  - finds values inside a facet as you type (GET /api/facets/<name>), and
//  - lets you drag across histogram bars to filter by a date range.
// Untrusted text is only ever set with textContent; URLs are built with URLSearchParams.
"use strict";

(function () {
  const FILTER_KEYS = ["page", "expand", "within"];

  function currentParams() {
    const params = new URLSearchParams(window.location.search);
    FILTER_KEYS.forEach((key) => params.delete(key));
    return params;
  }

  function toggledUrl(facet, value, selected) {
    const params = currentParams();
    const values = params.getAll(facet).filter((v) => v !== value);
    params.delete(facet);
    values.forEach((v) => params.append(facet, v));
    if (!selected) params.append(facet, value);
    const qs = params.toString();
    return window.location.pathname + (qs ? "?" + qs : "");
  }

  function entityUrl(facet, value) {
    const kinds = { speaker: "person", speaker_org: "org", person: "person", org: "org", place: "place" };
    const kind = kinds[facet];
    return kind ? "/entities/" + kind + "/" + encodeURIComponent(value) : null;
  }

  function renderValues(list, facet, label, data, text) {
    const items = data.values.map((v) => {
      const li = document.createElement("li");
      if (v.selected) li.className = "selected";
      const a = document.createElement("a");
      a.className = "toggle";
      a.href = toggledUrl(facet, v.value, v.selected);
      a.setAttribute("aria-label", (v.selected ? "Remove" : "Add") + " filter " + label + ": " + v.value + " (" + v.count + ")");
      const check = document.createElement("span");
      check.className = "check";
      check.setAttribute("aria-hidden", "true");
      check.textContent = v.selected ? "✓" : "";
      const name = document.createElement("span");
      name.className = "v";
      name.textContent = v.value;
      a.append(check, name);
      const n = document.createElement("span");
      n.className = "n";
      n.textContent = String(v.count);
      li.append(a, " ", n);
      const about = entityUrl(facet, v.value);
      if (about) {
        const link = document.createElement("a");
        link.className = "about";
        link.href = about;
        link.textContent = "›";
        link.setAttribute("aria-label", "About " + v.value);
        li.append(" ", link);
      }
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "none";
      li.textContent = "No match for “" + text + "”.";
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  function enhanceFacetFinders() {
    document.querySelectorAll(".facet-find input[name=within]").forEach((input) => {
      const section = input.closest(".facet");
      const list = section.querySelector("ul.values");
      const facet = input.dataset.facet;
      const label = section.dataset.singular;
      const original = Array.from(list.children);
      let timer = null;
      let seq = 0;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          const text = input.value.trim();
          const mine = ++seq;
          if (!text) {
            list.replaceChildren(...original);
            return;
          }
          const params = currentParams();
          params.set("contains", text);
          params.set("size", "50");
          try {
            const response = await fetch("/api/facets/" + encodeURIComponent(facet) + "?" + params.toString(),
              { headers: { Accept: "application/json" } });
            if (!response.ok || mine !== seq) return;
            renderValues(list, facet, label, await response.json(), text);
          } catch (err) {
            /* the form still works: Enter submits it */
          }
        }, 150);
      });
    });
  }

  // Histogram: a click on a bar follows its link (one period); a drag from one bar to another
  // selects the range between them, keyboard users have the From/To form below the chart.
  function enhanceHistograms() {
    document.querySelectorAll("svg.histogram").forEach((svg) => {
      const bars = Array.from(svg.querySelectorAll("a.bar"));
      let start = null;
      let moved = false;
      const barAt = (event) => {
        const el = document.elementFromPoint(event.clientX, event.clientY);
        return el ? el.closest("a.bar") : null;
      };
      const mark = (a, b) => {
        const [i, j] = [bars.indexOf(a), bars.indexOf(b)].sort((x, y) => x - y);
        bars.forEach((bar, k) => bar.classList.toggle("dragging", k >= i && k <= j));
      };
      svg.addEventListener("pointerdown", (event) => {
        const bar = barAt(event);
        if (!bar || event.button !== 0) return;
        start = bar;
        moved = false;
        mark(bar, bar);
      });
      svg.addEventListener("pointermove", (event) => {
        if (!start) return;
        const bar = barAt(event);
        if (bar && bar !== start) moved = true;
        if (bar) mark(start, bar);
      });
      svg.addEventListener("pointerup", (event) => {
        if (!start) return;
        const end = barAt(event) || start;
        const first = start;
        start = null;
        if (!moved || end === first) {
          bars.forEach((bar) => bar.classList.remove("dragging"));
          return; // a plain click: the link does it
        }
        event.preventDefault();
        const [a, b] = [bars.indexOf(first), bars.indexOf(end)].sort((x, y) => x - y);
        // Each bar links to its page's state with its own period: keep that state, widen the period.
        const url = new URL(bars[a].getAttribute("href"), window.location.href);
        url.searchParams.delete("date");
        url.searchParams.delete("page");
        url.searchParams.append("date", bars[a].dataset.key + ".." + bars[b].dataset.key);
        window.location.assign(url.pathname + url.search);
      });
      svg.addEventListener("click", (event) => {
        if (moved) {
          event.preventDefault(); // the drag already navigated
          moved = false;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    enhanceFacetFinders();
    enhanceHistograms();
  });
})();
