/* Snippets under the search results, cut from the page texts the build wrote
   to search-texts.js (see _ext/chinese_text.py). Sphinx would fetch every
   result page instead, which browsers refuse over file:// and which shows
   untypeset TeX over http. */
"use strict";
(() => {
  const WINDOW = 220;
  const texts = window.SEARCH_PAGE_TEXTS || {};
  const han = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  const hasHan = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  const markChinese = (html) => html.replace(han, (run) => `<span lang="zh-Hans">${run}</span>`);

  const queryTerms = () => {
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const split = typeof splitQuery === "function" ? splitQuery : (q) => q.split(/\s+/);
    return split(query.trim()).filter((term) => term.length > 0);
  };

  const docnameOf = (link) => {
    const href = link.getAttribute("href") || "";
    const suffix = DOCUMENTATION_OPTIONS.LINK_SUFFIX || ".html";
    const path = href.split("#")[0];
    return path.endsWith(suffix) ? path.slice(0, -suffix.length) : path;
  };

  // First place where a term (or, failing that, its first letters) occurs.
  const firstHit = (lower, terms) => {
    let best = -1;
    for (const term of terms) {
      const t = term.toLowerCase();
      for (const probe of [t, t.slice(0, Math.max(3, t.length - 3))]) {
        const at = lower.indexOf(probe);
        if (at >= 0 && (best < 0 || at < best)) best = at;
        if (at >= 0) break;
      }
    }
    return best;
  };

  const escapeHtml = (s) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const escapeRegExp = (s) => s.replace(/[.*+\-?^${}()|[\]\\]/g, "\\$&");

  const render = (excerpt, terms) => {
    let html = escapeHtml(excerpt);
    const words = terms.filter((t) => t.length > 1 || hasHan.test(t)).map(escapeRegExp);
    if (words.length) {
      html = html.replace(new RegExp(`(${words.join("|")})`, "gi"),
                          '<span class="highlighted">$1</span>');
    }
    return markChinese(html);
  };

  const snippet = (text, terms) => {
    const flat = text.replace(/\s+/g, " ");
    const at = firstHit(flat.toLowerCase(), terms);
    const start = Math.max(0, (at < 0 ? 0 : at) - WINDOW / 3);
    let excerpt = flat.slice(start, start + WINDOW);
    if (start > 0) excerpt = "…" + excerpt;
    if (start + WINDOW < flat.length) excerpt += "…";
    return excerpt;
  };

  const addSnippet = (item, terms) => {
    const link = item.querySelector("a");
    if (!link || item.querySelector("p.context")) return;
    if (hasHan.test(link.textContent)) link.innerHTML = markChinese(link.innerHTML);
    const text = texts[docnameOf(link)];
    if (!text) return;
    const p = document.createElement("p");
    p.className = "context";
    p.innerHTML = render(snippet(text, terms), terms);
    item.appendChild(p);
  };

  const start = () => {
    const results = document.getElementById("search-results");
    if (!results) return;
    const terms = queryTerms();
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        mutation.addedNodes.forEach((node) => {
          if (node.nodeName === "LI") addSnippet(node, terms);
        });
      }
    }).observe(results, { childList: true, subtree: true });
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
