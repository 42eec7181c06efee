/* 组织工作文献知识库 — small progressive enhancements; every page works without them.
 *
 * - live search: the results update while typing (debounced), from GET /?…&partial=1;
 *   the URL follows with history.replaceState, so it can still be bookmarked and shared;
 * - facets start folded on narrow screens;
 * - the copy-citation button on document pages.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var SITE_TITLE = "组织工作文献知识库";
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 50rem)") : null;

  function foldFacets(root) {
    if (!narrow || !narrow.matches) return;
    var facets = root.querySelectorAll("details[data-facets]");
    for (var i = 0; i < facets.length; i++) facets[i].removeAttribute("open");
  }

  /* The form's state as query-string arguments, as the server writes them (no empty
   * values, no default sort) so the URL stays short and stable. */
  function searchArgs(form) {
    var args = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, key) {
      value = String(value);
      if (!value.trim()) return;
      if (key === "sort" && value === "relevance") return;
      args.append(key, value);
    });
    return args;
  }

  function errorMessage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var page = doc.querySelector(".error-page");
    var paragraphs = page ? page.querySelectorAll("p") : [];
    for (var i = 0; i < paragraphs.length; i++) {
      if (!paragraphs[i].classList.contains("error-status") && !paragraphs[i].querySelector("a")) {
        return paragraphs[i].textContent;
      }
    }
    return "检索出错了，请修改检索词后重试";
  }

  function showMessage(container, text) {
    var box = document.createElement("div");
    box.className = "results";
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    box.appendChild(p);
    container.replaceChildren(box);
  }

  function liveSearch(form) {
    var container = document.querySelector("[data-results]");
    var box = form.querySelector("input[name=q]");
    var sort = form.querySelector("select[name=sort]");
    if (!container || !box || !window.fetch || !window.URLSearchParams) return;

    var timer = null;
    var sequence = 0;
    var shown = searchArgs(form).toString();

    function update() {
      window.clearTimeout(timer);
      var args = searchArgs(form);
      var key = args.toString();
      if (key === shown) return;
      shown = key;
      var mine = ++sequence;
      var url = form.getAttribute("action") || "/";
      var pageUrl = key ? url + "?" + key : url;
      args.append("partial", "1");
      container.setAttribute("aria-busy", "true");
      fetch(url + "?" + args.toString(), { headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.text().then(function (html) {
            return { ok: response.ok, html: html };
          });
        })
        .then(function (answer) {
          if (mine !== sequence) return; // a newer search has been sent since
          if (answer.ok) {
            container.innerHTML = answer.html;
            foldFacets(container);
          } else {
            showMessage(container, errorMessage(answer.html));
          }
          history.replaceState(null, "", pageUrl);
          var q = box.value.trim();
          document.title = q ? q + " · 检索 · " + SITE_TITLE : SITE_TITLE;
        })
        .catch(function () {
          if (mine !== sequence) return;
          shown = null; // let the next keystroke or Enter try again
          showMessage(container, "网络连接出错，请稍后重试");
        })
        .then(function () {
          if (mine === sequence) container.removeAttribute("aria-busy");
        });
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DEBOUNCE_MS);
    });
    if (sort) sort.addEventListener("change", update);
    form.addEventListener("submit", function (event) {
      // The results are already live: stay on the page and keep the focus in the box.
      event.preventDefault();
      shown = null;
      update();
    });
  }

  function copyCitation(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var feedback = document.querySelector("[data-copy-feedback]");
    if (!target) return;
    button.hidden = false;

    function say(text) {
      if (feedback) feedback.textContent = text;
    }

    function selectText() {
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }

    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say("已复制"); },
          function () { selectText(); say("无法自动复制，已选中引用，请按 Ctrl+C 复制"); }
        );
      } else {
        // Outside a secure context the clipboard API is missing: copy the selection.
        selectText();
        var copied = false;
        try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
        say(copied ? "已复制" : "已选中引用，请按 Ctrl+C 复制");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFacets(document);
    var form = document.querySelector("form[data-live-search]");
    if (form) liveSearch(form);
    var buttons = document.querySelectorAll("button[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) copyCitation(buttons[i]);
  });
})();
