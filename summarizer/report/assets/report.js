/* summarizer report viewer: an index of articles and one article at a time, offline.
 *
 * Safety: every string from a results file reaches the page through textContent, title or
 * createTextNode only (never innerHTML), so article text that holds markup stays text.
 * Offsets in the data are UTF-16 code units (converted by the writer), so String slicing here
 * is exact even after astral characters.
 */
(function () {
  "use strict";

  var INDEX = JSON.parse(document.getElementById("report-index").textContent);
  var ROWS = INDEX.rows;
  var KINDS = ["speaker", "goal", "target", "initiative"];
  var KIND_TITLE = { speaker: "Speakers", goal: "Goals", target: "Targets", initiative: "Initiatives" };
  var STATUS_LABEL = {
    verified: "verified",
    misplaced: "number in the article, not at its quote",
    not_in_article: "number not in the article (likely invented)",
    unverified: "not verified",
    unchecked: "not checked"
  };
  var PAGE_SIZE = INDEX.page_size || 50;

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var key in props) {
        if (!Object.prototype.hasOwnProperty.call(props, key)) continue;
        var v = props[key];
        if (v === null || v === undefined || v === false) continue;
        if (key === "text") node.textContent = String(v);
        else if (key === "cls") node.className = v;
        else if (key === "title") node.title = String(v);
        else node.setAttribute(key, String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // ------------------------------------------------------------------ data chunks
  var chunks = {};
  var waiting = {};
  window.REPORT_CHUNK = function (n, articles) {
    chunks[n] = articles;
    (waiting[n] || []).forEach(function (w) { w.resolve(articles); });
    delete waiting[n];
  };

  function loadChunk(n) {
    if (chunks[n]) return Promise.resolve(chunks[n]);
    var inline = $("chunk-" + n);
    if (inline) {
      chunks[n] = JSON.parse(inline.textContent);
      return Promise.resolve(chunks[n]);
    }
    return new Promise(function (resolve, reject) {
      var first = !waiting[n];
      (waiting[n] = waiting[n] || []).push({ resolve: resolve, reject: reject });
      if (!first) return;
      var src = encodeURIComponent(INDEX.dir) + "/" + INDEX.files[n];  // the report's name may hold "#" or "%"
      var tag = el("script", { src: src, charset: "utf-8" });
      tag.onerror = function () {
        (waiting[n] || []).forEach(function (w) {
          w.reject(new Error("Cannot load " + src + ": keep the folder " + INDEX.dir + " next to this report."));
        });
        delete waiting[n];
        tag.remove();
      };
      document.head.appendChild(tag);
    });
  }

  function loadArticle(row) {
    return loadChunk(row.c).then(function (articles) {
      for (var i = 0; i < articles.length; i++) if (articles[i].k === row.k) return articles[i];
      throw new Error("Article " + row.k + " is missing from its data file.");
    });
  }

  // ------------------------------------------------------------------ index view
  var state = { page: 0, sortKey: "k", sortDir: 1, lang: "", unverified: false, ungrounded: false, q: "" };
  var haystack = ROWS.map(function (r) {
    return [r.t, r.id, r.n, r.d, r.sp.join(" ")].join("\n").toLowerCase();
  });
  var view = ROWS.slice();

  var COLUMNS = [
    { key: "t", label: "Title" },
    { key: "d", label: "Date" },
    { key: "l", label: "Language" },
    { key: "sp", label: "Speakers" },
    { key: "nt", label: "Targets", num: true },
    { key: "nv", label: "Verified", num: true },
    { key: "nu", label: "Unverified", num: true },
    { key: "ng", label: "Ungrounded", num: true },
    { key: "nw", label: "Warnings", num: true }
  ];

  function sortValue(r, key) {
    if (key === "sp") return r.sp.join(", ").toLowerCase();
    var v = r[key];
    return typeof v === "string" ? v.toLowerCase() : v;
  }

  function applyFilters() {
    var q = state.q.trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    view = [];
    for (var i = 0; i < ROWS.length; i++) {
      var r = ROWS[i];
      if (state.lang && r.l !== state.lang) continue;
      if (state.unverified && !(r.nu > 0)) continue;
      if (state.ungrounded && !(r.ng > 0)) continue;
      var ok = true;
      for (var j = 0; j < terms.length && ok; j++) ok = haystack[r.k].indexOf(terms[j]) >= 0;
      if (ok) view.push(r);
    }
    var key = state.sortKey, dir = state.sortDir;
    view.sort(function (a, b) {
      var x = sortValue(a, key), y = sortValue(b, key);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.k - b.k;
    });
    var pages = Math.max(1, Math.ceil(view.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    renderIndex();
  }

  function renderIndex() {
    var head = $("index-head");
    clear(head);
    var tr = el("tr");
    COLUMNS.forEach(function (c) {
      var th = el("th", { cls: c.num ? "num" : "", "data-key": c.key });
      if (state.sortKey === c.key) th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending");
      var b = el("button", { type: "button", text: c.label });
      b.addEventListener("click", function () {
        if (state.sortKey === c.key) state.sortDir = -state.sortDir;
        else { state.sortKey = c.key; state.sortDir = c.num ? -1 : 1; }
        state.page = 0;
        applyFilters();
      });
      th.appendChild(b);
      tr.appendChild(th);
    });
    head.appendChild(tr);

    var body = $("index-body");
    clear(body);
    var start = state.page * PAGE_SIZE;
    var rows = view.slice(start, start + PAGE_SIZE);
    rows.forEach(function (r) {
      var title = el("a", { href: "#a/" + r.k, text: r.t || r.n || r.id || "(untitled)" });
      var tdTitle = el("td", null, title);
      if (r.lc) tdTitle.appendChild(el("span", { cls: "badge warn", text: "low confidence" }));
      if (!r.rt) tdTitle.appendChild(el("span", { cls: "badge", text: "no raw text", title: "evidence cannot be highlighted" }));
      tdTitle.appendChild(el("div", { cls: "id", text: r.id + (r.n ? "  ·  " + r.n : "") }));
      body.appendChild(el("tr", { "data-k": r.k },
        tdTitle,
        el("td", { text: r.d }),
        el("td", { text: r.l }),
        el("td", { text: r.sp.join(", ") }),
        el("td", { cls: "num", text: r.nt }),
        el("td", { cls: "num", text: r.nv }),
        el("td", { cls: "num" + (r.nu ? " bad" : ""), text: r.nu }),
        el("td", { cls: "num" + (r.ng ? " bad" : ""), text: r.ng }),
        el("td", { cls: "num", text: r.nw })
      ));
    });
    if (!rows.length) body.appendChild(el("tr", null, el("td", { colspan: COLUMNS.length, cls: "empty", text: "No article matches the filters." })));

    var pages = Math.max(1, Math.ceil(view.length / PAGE_SIZE));
    $("count").textContent = view.length + " of " + ROWS.length + " articles";
    $("page-info").textContent = "Page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page <= 0;
    $("next").disabled = state.page >= pages - 1;
  }

  function setupIndex() {
    var langs = {};
    ROWS.forEach(function (r) { langs[r.l] = (langs[r.l] || 0) + 1; });
    var select = $("f-lang");
    Object.keys(langs).sort().forEach(function (l) {
      select.appendChild(el("option", { value: l, text: l + " (" + langs[l] + ")" }));
    });
    var timer = null;
    $("f-q").addEventListener("input", function (e) {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = e.target.value; state.page = 0; applyFilters(); }, 120);
    });
    select.addEventListener("change", function (e) { state.lang = e.target.value; state.page = 0; applyFilters(); });
    $("f-unverified").addEventListener("change", function (e) { state.unverified = e.target.checked; state.page = 0; applyFilters(); });
    $("f-ungrounded").addEventListener("change", function (e) { state.ungrounded = e.target.checked; state.page = 0; applyFilters(); });
    $("prev").addEventListener("click", function () { state.page--; renderIndex(); window.scrollTo(0, 0); });
    $("next").addEventListener("click", function () { state.page++; renderIndex(); window.scrollTo(0, 0); });
    applyFilters();
  }

  // ------------------------------------------------------------------ article view
  function renderText(pre, text, spans, labels) {
    // sweep the span boundaries: each stretch of text covered by the same set of spans becomes
    // one <span class="hl"> listing every item covering it, so overlaps stay readable
    var bounds = [0, text.length];
    spans.forEach(function (s) { bounds.push(s[0], s[1]); });
    bounds.sort(function (a, b) { return a - b; });
    var order = spans.slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var active = [];
    var next = 0;
    var frag = document.createDocumentFragment();
    var prev = -1;
    for (var i = 0; i < bounds.length - 1; i++) {
      var a = bounds[i], b = bounds[i + 1];
      if (a === prev || a === b) { continue; }
      prev = a;
      active = active.filter(function (s) { return s[1] > a; });
      while (next < order.length && order[next][0] <= a) {
        if (order[next][1] > a) active.push(order[next]);
        next++;
      }
      var piece = text.slice(a, b);
      if (!active.length) { frag.appendChild(document.createTextNode(piece)); continue; }
      var narrow = active.reduce(function (m, s) { return (s[1] - s[0] < m[1] - m[0]) ? s : m; });
      var kinds = {};
      var ids = [];
      var names = false;
      active.forEach(function (s) {
        ids.push(s[2]);
        if (s[3] !== "candidate") kinds[s[3]] = true;
        if (s[4] === "name") names = true;
      });
      var cls = "hl k-" + narrow[3];
      if (active.some(function (s) { return s[3] === "candidate"; })) cls += " k-candidate";
      if (names) cls += " nm";
      if (active.length > 1) cls += " deep";
      var seg = el("span", { cls: cls, "data-items": ids.join(" ") }, piece);
      // every other kind covering this stretch adds an underline band of its colour
      var shadows = [];
      var depth = 0;
      KINDS.forEach(function (k) {
        if (kinds[k] && k !== narrow[3]) {
          depth += 3;
          shadows.push("inset 0 -" + depth + "px 0 var(--" + k + "-line)");
        }
      });
      if (shadows.length) seg.style.boxShadow = shadows.join(", ");
      seg.title = ids.map(function (id) { return labels[id] || id; }).join("\n");
      frag.appendChild(seg);
    }
    pre.appendChild(frag);
  }

  function fieldList(fields) {
    var dl = el("dl");
    fields.forEach(function (f) { dl.appendChild(el("dt", { text: f[0] })); dl.appendChild(el("dd", { text: f[1] })); });
    return dl;
  }

  function matchBadge(it) {
    if (it.match === "none" || !it.grounded) return el("span", { cls: "badge bad", text: "not found in text" });
    var score = typeof it.score === "number" && it.match !== "exact" ? " " + it.score.toFixed(2) : "";
    return el("span", { cls: "badge" + (it.match === "exact" ? " ok" : ""), text: it.match + score });
  }

  function statusBadge(it) {
    if (!it.status) return null;
    var cls = it.status === "verified" ? "ok" : (it.status === "unchecked" ? "" : "bad");
    return el("span", { cls: "badge " + cls, text: STATUS_LABEL[it.status] || it.status });
  }

  function itemButton(it, article) {
    var b = el("button", { type: "button", cls: "item k-" + it.kind, "data-item": it.id },
      el("span", { cls: "kind", text: it.kind }),
      el("span", { cls: "label", text: it.label }),
      matchBadge(it),
      statusBadge(it)
    );
    if (it.fields.length) b.appendChild(fieldList(it.fields));
    if (it.quote) b.appendChild(el("div", { cls: "quote", text: "“" + it.quote + "”" + (it.start !== null ? "  [" + it.start + "–" + it.end + "]" : "") }));
    if (it.model_quote) b.appendChild(el("div", { cls: "quote", text: "model's quote: “" + it.model_quote + "”" }));
    b.addEventListener("click", function () { selectItem(it.id, b, article); });
    return b;
  }

  function candidateButton(c, article) {
    var b = el("button", { type: "button", cls: "item k-candidate", "data-item": c.id },
      el("span", { cls: "kind", text: "possibly missed" }),
      el("span", { text: c.text })
    );
    b.addEventListener("click", function () { selectItem(c.id, b, article); });
    return b;
  }

  function selectItem(id, button, article) {
    var pane = $("raw");
    document.querySelectorAll(".item.active").forEach(function (x) { x.classList.remove("active"); });
    button.classList.add("active");
    var old = button.querySelector(".msg");
    if (old) old.remove();
    pane.querySelectorAll(".hl.sel").forEach(function (x) { x.classList.remove("sel", "flash"); });
    var segs = pane.querySelectorAll('[data-items~="' + id + '"]');
    if (!segs.length) {
      var why = article.text === null ? "No raw text: nothing to highlight."
        : "Not highlighted: its quote was not found in the text.";
      button.appendChild(el("div", { cls: "msg", text: why }));
      return;
    }
    segs.forEach(function (s) {
      s.classList.add("sel");
      void s.offsetWidth; // restart the animation when the same item is clicked twice
      s.classList.add("flash");
    });
    scrollWithin($("text-pane"), segs[0]);
  }

  // scroll only the pane (scrollIntoView would also move the window and the side panel)
  function scrollWithin(pane, node) {
    var r = node.getBoundingClientRect(), p = pane.getBoundingClientRect();
    var top = pane.scrollTop + (r.top - p.top) - (pane.clientHeight - Math.min(r.height, pane.clientHeight)) / 2;
    pane.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
  }

  function section(title, nodes, emptyText) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h3", { text: title }));
    if (!nodes.length) frag.appendChild(el("p", { cls: "empty", text: emptyText || "none" }));
    nodes.forEach(function (n) { frag.appendChild(n); });
    return frag;
  }

  function renderArticle(a) {
    var root = $("article");
    clear(root);
    var labels = {};
    a.items.forEach(function (it) { labels[it.id] = it.kind + ": " + it.label; labels[it.id + ":name"] = "speaker name: " + it.label; });
    a.candidates.forEach(function (c) { labels[c.id] = "possibly missed: " + c.text; });

    var meta = el("div", { cls: "meta" });
    [["date", a.published], ["language", a.language], ["input", a.input_name], ["id", a.id], ["source", a.source], ["model", a.model]]
      .forEach(function (p) { if (p[1]) meta.appendChild(el("span", null, p[0] + ": ", el("b", { text: p[1] }))); });
    var head = el("div", { cls: "article-head" },
      el("a", { href: "#", cls: "back", text: "← All articles" }),
      el("h2", { id: "article-title", text: a.title || a.input_name || a.id || "(untitled)" }),
      meta
    );
    if (a.grounding) {
      var g = a.grounding;
      var gline = "grounded items " + (g.items_grounded ?? "?") + "/" + (g.items_total ?? "?") +
        ", verified targets " + (g.targets_verified ?? "?") + "/" + (g.targets_total ?? "?");
      head.appendChild(el("div", { cls: "meta", id: "grounding" }, el("span", { text: gline }),
        g.low_confidence ? el("span", { cls: "badge warn", text: "low confidence" }) : null,
        Array.isArray(g.reasons) && g.reasons.length ? el("span", { text: g.reasons.join("; ") }) : null));
    }
    if (a.summary) head.appendChild(el("p", { cls: "summary", text: a.summary }));
    var notes = a.warnings.map(function (w) { return "warning: " + w; }).concat(a.notes);
    if (notes.length) {
      var box = el("div", { cls: "notes", id: "notes" });
      notes.forEach(function (n) { box.appendChild(el("p", { text: n })); });
      head.appendChild(box);
    }
    root.appendChild(head);

    var legend = el("div", { cls: "legend", id: "legend" }, el("b", { text: "Legend:" }));
    KINDS.forEach(function (k) { legend.appendChild(el("span", { cls: "sw hl k-" + k, text: k })); });
    legend.appendChild(el("span", { cls: "sw hl k-speaker nm", text: "speaker name" }));
    legend.appendChild(el("span", { cls: "sw hl k-candidate", text: "possibly missed" }));
    legend.appendChild(el("span", { text: "overlaps: colour of the innermost span, underlines for the others" }));
    root.appendChild(legend);

    var textPane = el("div", { cls: "pane", id: "text-pane" });
    if (a.text === null) {
      textPane.appendChild(el("p", { cls: "nohl", text: "No raw text for this article; its items are listed on the right without highlighting." }));
      textPane.appendChild(el("pre", { cls: "raw", id: "raw" }));
    } else {
      if (a.html_source) textPane.appendChild(el("p", { cls: "nohl", text: "The input was HTML: its source is shown as text (the offsets point into it)." }));
      var pre = el("pre", { cls: "raw", id: "raw" });
      renderText(pre, a.text, a.spans, labels);
      textPane.appendChild(pre);
    }

    var panel = el("aside", { cls: "pane panel", id: "panel" });
    var attention = [];
    a.items.forEach(function (it) {
      var bad = !it.grounded || (it.status && it.status !== "verified" && it.status !== "unchecked");
      if (bad) attention.push(itemButton(it, a));
    });
    var cross = a.cross_check || { rules_only: [], read_differently: [] };
    var attentionBox = el("div", { id: "attention" });
    attentionBox.appendChild(section("Needs attention", attention, "every item is grounded and every target verified"));
    if (cross.rules_only.length) {
      attentionBox.appendChild(el("p", { cls: "empty", text: "Found by the rules engine, not by the model:" }));
      var ul = el("ul", { cls: "plain" });
      cross.rules_only.forEach(function (s) { ul.appendChild(el("li", { text: s })); });
      attentionBox.appendChild(ul);
    }
    if (cross.read_differently.length) {
      attentionBox.appendChild(el("p", { cls: "empty", text: "Numbers read differently by the rules engine:" }));
      var ul2 = el("ul", { cls: "plain" });
      cross.read_differently.forEach(function (s) { ul2.appendChild(el("li", { text: s })); });
      attentionBox.appendChild(ul2);
    }
    panel.appendChild(attentionBox);
    var missed = el("div", { id: "missed" });
    missed.appendChild(section("Possibly missed", a.candidates.map(function (c) { return candidateButton(c, a); })));
    panel.appendChild(missed);
    KINDS.forEach(function (k) {
      var box = el("div", { id: "items-" + k });
      box.appendChild(section(KIND_TITLE[k], a.items.filter(function (it) { return it.kind === k; }).map(function (it) { return itemButton(it, a); })));
      panel.appendChild(box);
    });

    // clicking highlighted text selects its (innermost) item in the panel
    textPane.addEventListener("click", function (e) {
      var seg = e.target.closest ? e.target.closest(".hl") : null;
      if (!seg) return;
      var ids = seg.getAttribute("data-items").split(" ");
      var id = ids[ids.length - 1].replace(/:name$/, "");
      var btn = panel.querySelector('[id^="items-"] [data-item="' + id + '"]') || panel.querySelector('[data-item="' + id + '"]');
      if (btn) { scrollWithin(panel, btn); selectItem(id, btn, a); }
    });

    root.appendChild(el("div", { cls: "body" }, textPane, panel));
    document.title = (a.title || a.id) + " — " + INDEX.title;
  }

  // ------------------------------------------------------------------ routing
  var byK = {};
  ROWS.forEach(function (r) { byK[r.k] = r; });

  function route() {
    var m = /^#a\/(\d+)$/.exec(location.hash);
    if (!m || !byK[m[1]]) {
      $("article-view").hidden = true;
      $("index-view").hidden = false;
      document.title = INDEX.title;
      return;
    }
    $("index-view").hidden = true;
    $("article-view").hidden = false;
    var root = $("article");
    clear(root);
    root.appendChild(el("p", { cls: "empty", id: "loading", text: "Loading…" }));
    window.scrollTo(0, 0);
    loadArticle(byK[m[1]]).then(renderArticle, function (err) {
      clear(root);
      root.appendChild(el("a", { href: "#", cls: "back", text: "← All articles" }));
      root.appendChild(el("p", { cls: "notes", id: "load-error", text: err.message }));
    });
  }

  setupIndex();
  window.addEventListener("hashchange", route);
  route();
  document.body.setAttribute("data-ready", "1");
})();
