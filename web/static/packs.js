/* 素材包 — the "加入素材包" dialog, and reordering on a pack's page (editors only).
 *
 * Every control works without this script: "加入素材包" is a link to the form at
 * /packs/add, and 上移 / 下移 / 移到分组 are plain POST forms. With it:
 * - "加入素材包" opens a dialog that lists the editor's packs (GET /api/packs), can make a
 *   new one, adds through the JSON API and says "已加入《…》" without leaving the page;
 * - the document page gets "加入本段" on each passage;
 * - a pack's items and sections can be dragged by their handles (HTML5 drag and drop),
 *   and 上移 / 下移 move them in place; both save through the API.
 */
(function () {
  "use strict";

  var LAST_PACK = "kb.packs.last";
  var NEW = "new";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Call the JSON API; rejects with an Error whose message is the server's (Chinese). */
  function api(method, url, body) {
    var headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(
      function (response) {
        if (response.status === 204) return null;
        return response.json().catch(function () { return null; }).then(function (data) {
          if (response.ok) return data;
          var error = new Error(data && data.error ? data.error.message
                                                   : "操作失败（" + response.status + "）");
          error.fromServer = true;
          throw error;
        });
      },
      function () {
        var error = new Error("网络连接出错，请稍后重试");
        error.fromServer = true;
        throw error;
      }
    );
  }

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  /* -- the "加入素材包" dialog ---------------------------------------------------------- */

  var DIALOG_HTML =
    '<form class="pack-dialog-form" novalidate>' +
    '<h2 id="pack-dialog-title">加入素材包</h2>' +
    '<p class="pack-dialog-what"></p>' +
    '<label for="pack-dialog-pack">素材包</label>' +
    '<select id="pack-dialog-pack"></select>' +
    '<div class="pack-dialog-new">' +
    '<label for="pack-dialog-new-title">新素材包标题</label>' +
    '<input type="text" id="pack-dialog-new-title" maxlength="200" autocomplete="off">' +
    "</div>" +
    '<label for="pack-dialog-section">分组（可不填）</label>' +
    '<input type="text" id="pack-dialog-section" maxlength="200" placeholder="未分组"' +
    ' list="pack-dialog-sections" autocomplete="off">' +
    '<datalist id="pack-dialog-sections"></datalist>' +
    '<p class="pack-dialog-error" role="alert"></p>' +
    '<div class="pack-dialog-buttons">' +
    '<button type="submit">加入</button>' +
    '<button type="button" class="button-secondary" data-dialog-close>取消</button>' +
    "</div></form>";

  function AddDialog() {
    var dialog = document.createElement("dialog");
    dialog.className = "pack-dialog";
    dialog.setAttribute("aria-labelledby", "pack-dialog-title");
    dialog.innerHTML = DIALOG_HTML; // fixed markup: every value below goes in as text
    document.body.appendChild(dialog);

    var form = dialog.querySelector("form");
    var what = dialog.querySelector(".pack-dialog-what");
    var select = dialog.querySelector("#pack-dialog-pack");
    var newBox = dialog.querySelector(".pack-dialog-new");
    var newTitle = dialog.querySelector("#pack-dialog-new-title");
    var section = dialog.querySelector("#pack-dialog-section");
    var sections = dialog.querySelector("#pack-dialog-sections");
    var error = dialog.querySelector(".pack-dialog-error");
    var submit = form.querySelector('button[type="submit"]');
    var packs = [];
    var trigger = null;

    function option(value, text) {
      var node = document.createElement("option");
      node.value = value;
      node.textContent = text;
      return node;
    }

    function chosen() {
      for (var i = 0; i < packs.length; i++) {
        if (String(packs[i].id) === select.value) return packs[i];
      }
      return null;
    }

    function showChoice() {
      var pack = chosen();
      newBox.hidden = pack !== null;
      sections.replaceChildren();
      var titles = pack ? pack.section_titles || [] : [];
      for (var i = 0; i < titles.length; i++) sections.appendChild(option(titles[i], titles[i]));
    }

    function fill(rows, selected) {
      packs = rows;
      select.replaceChildren();
      for (var i = 0; i < rows.length; i++) {
        select.appendChild(option(String(rows[i].id), rows[i].title + "（" + rows[i].items + " 条）"));
      }
      select.appendChild(option(NEW, "＋ 新建素材包"));
      var wanted = selected || recall(LAST_PACK);
      select.value = rows.length ? String(rows[0].id) : NEW;
      for (var j = 0; j < rows.length; j++) {
        if (String(rows[j].id) === wanted) select.value = wanted;
      }
      select.disabled = false;
      showChoice();
    }

    function load(selected) {
      select.disabled = true;
      select.replaceChildren(option("", "正在载入…"));
      return api("GET", "/api/packs").then(
        function (rows) { fill(rows || [], selected); },
        function (problem) { fill([], null); error.textContent = problem.message; }
      );
    }

    function focusFirst() {
      (select.value === NEW ? newTitle : select).focus();
    }

    this.open = function (link) {
      trigger = link;
      var passage = link.getAttribute("data-passage");
      var title = link.getAttribute("data-title") || "";
      what.textContent = "《" + title + "》" +
        (passage === null ? "全文" : "第" + (Number(passage) + 1) + "段");
      error.textContent = "";
      newTitle.value = "";
      submit.disabled = false;
      dialog.showModal();
      select.focus();
      load(null).then(focusFirst);
    };

    function done(item) {
      remember(LAST_PACK, String(item.pack.id));
      dialog.close();
      var box = trigger && trigger.parentNode.querySelector(".pack-add-status");
      if (box) {
        box.replaceChildren();
        var link = document.createElement("a");
        link.href = "/packs/" + item.pack.id + "#item-" + item.id;
        link.textContent = "已加入《" + item.pack.title + "》";
        box.appendChild(link);
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.textContent = "";
      var pack = chosen();
      var title = newTitle.value.trim();
      if (pack === null && !title) {
        error.textContent = "请填写新素材包的标题";
        newTitle.focus();
        return;
      }
      var body = { document_id: Number(trigger.getAttribute("data-document-id")) };
      var passage = trigger.getAttribute("data-passage");
      if (passage !== null) body.passage = Number(passage);
      if (section.value.trim()) body.section = section.value.trim();
      submit.disabled = true;
      var created = null;
      var packId = pack
        ? Promise.resolve(pack.id)
        : api("POST", "/api/packs", { title: title }).then(function (data) {
          created = data.id;
          return data.id;
        });
      packId
        .then(function (id) { return api("POST", "/api/packs/" + id + "/items", body); })
        .then(done, function (problem) {
          error.textContent = problem.message;
          submit.disabled = false;
          // a pack made before the add failed is there now: offer it, not a second one
          if (created !== null) load(String(created));
        });
    });

    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.hasAttribute("data-dialog-close")) dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (trigger) trigger.focus();
    });
    select.addEventListener("change", function () {
      showChoice();
      if (select.value === NEW) newTitle.focus();
    });
  }

  function passageControls(text) {
    var addUrl = text.getAttribute("data-add-url");
    var documentId = text.getAttribute("data-document-id");
    var title = text.getAttribute("data-title") || "";
    var current = text.getAttribute("data-current-passage");
    var blocks = text.querySelectorAll('[id^="p-"], #passage');
    var back = window.location.pathname + window.location.search;
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var ordinal = block.id === "passage" ? current : block.id.slice(2);
      if (ordinal === null || !/^\d+$/.test(ordinal)) continue;
      var wrap = document.createElement("span");
      wrap.className = "pack-add pack-add-inline no-print";
      var link = document.createElement("a");
      link.className = "pack-add-link";
      link.href = addUrl + "?document_id=" + documentId + "&passage=" + ordinal +
        "&next=" + encodeURIComponent(back);
      link.setAttribute("data-pack-add", "");
      link.setAttribute("data-document-id", documentId);
      link.setAttribute("data-passage", ordinal);
      link.setAttribute("data-title", title);
      link.textContent = "加入本段";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = "：第" + (Number(ordinal) + 1) + "段";
      link.appendChild(hidden);
      var status = document.createElement("span");
      status.className = "pack-add-status";
      status.setAttribute("role", "status");
      wrap.appendChild(link);
      wrap.appendChild(status);
      if (/^H\d$/.test(block.tagName)) block.insertAdjacentElement("afterend", wrap);
      else block.appendChild(wrap);
    }
  }

  /* -- a pack's page: drag and drop, 上移 / 下移 in place ----------------------------- */

  function packPage(root) {
    var base = root.getAttribute("data-api");
    var live = document.getElementById("pack-live");

    function say(text) {
      if (live) live.textContent = text;
    }

    function fail(problem) {
      say(problem.message);
      var note = document.querySelector(".pack-error");
      if (!note) {
        note = document.createElement("p");
        note.className = "flash flash-error pack-error";
        note.setAttribute("role", "alert");
        root.parentNode.insertBefore(note, root);
      }
      note.textContent = "未能保存顺序：" + problem.message + "。请刷新页面后重试。";
    }

    function index(el) {
      return Array.prototype.indexOf.call(el.parentNode.children, el);
    }

    function isItem(el) {
      return el.classList.contains("pack-item");
    }

    function place(el) {
      return isItem(el)
        ? el.parentNode.getAttribute("data-section-id") + ":" + index(el)
        : String(index(el));
    }

    function sectionTitle(sectionEl) {
      var heading = sectionEl.querySelector(".pack-section-title");
      return heading ? heading.textContent : "";
    }

    function tidy() {
      var all = root.querySelectorAll(".pack-section");
      for (var i = 0; i < all.length; i++) {
        all[i].classList.toggle("is-empty", !all[i].querySelector(".pack-item"));
      }
    }

    function save(el) {
      tidy();
      var position = index(el);
      if (isItem(el)) {
        var sectionId = Number(el.parentNode.getAttribute("data-section-id"));
        var select = el.querySelector("[data-move-select]");
        if (select) select.value = String(sectionId);
        var where = sectionTitle(el.closest(".pack-section"));
        return api("PATCH", base + "/items/" + el.getAttribute("data-item-id"),
                   { section: sectionId, position: position })
          .then(function () { say("已移到“" + where + "”第 " + (position + 1) + " 条"); }, fail);
      }
      return api("PATCH", base + "/sections/" + el.getAttribute("data-section-id"),
                 { position: position })
        .then(function () { say("分组已移到第 " + (position + 1) + " 位"); }, fail);
    }

    // 上移 / 下移 without a reload; the focus stays on the button pressed.
    root.addEventListener("submit", function (event) {
      var form = event.target;
      var direction = form.getAttribute("data-move");
      if (direction !== "up" && direction !== "down") return;
      event.preventDefault();
      var el = form.closest(".pack-item") || form.closest(".pack-section");
      var button = form.querySelector("button");
      var other = direction === "up" ? el.previousElementSibling : el.nextElementSibling;
      if (!other) {
        var first = direction === "up";
        say(isItem(el) ? (first ? "已是本分组第一条" : "已是本分组最后一条")
                       : (first ? "已是第一个分组" : "已是最后一个分组"));
        return;
      }
      el.parentNode.insertBefore(el, direction === "up" ? other : other.nextElementSibling);
      if (button) button.focus();
      save(el);
    });

    var dragged = null;
    var origin = null;

    // The handles are what is dragged (text elsewhere in an item stays selectable); the
    // whole item or section is what moves.
    var handles = root.querySelectorAll("[data-drag-handle]");
    for (var i = 0; i < handles.length; i++) handles[i].setAttribute("draggable", "true");

    root.addEventListener("dragstart", function (event) {
      var handle = event.target.closest && event.target.closest("[data-drag-handle]");
      if (!handle) return;
      var el = handle.closest(".pack-item") || handle.closest(".pack-section");
      dragged = el;
      origin = { parent: el.parentNode, next: el.nextElementSibling, place: place(el) };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", el.id);
      if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(el, 16, 16);
      el.classList.add("is-dragging");
    });

    function before(event, over) {
      var box = over.getBoundingClientRect();
      return event.clientY < box.top + box.height / 2;
    }

    root.addEventListener("dragover", function (event) {
      if (!dragged) return;
      if (isItem(dragged)) {
        var sectionEl = event.target.closest(".pack-section");
        if (!sectionEl) return;
        var list = sectionEl.querySelector(".pack-items");
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        var over = event.target.closest(".pack-item");
        if (over && over !== dragged) {
          list.insertBefore(dragged, before(event, over) ? over : over.nextElementSibling);
        } else if (!over && dragged.parentNode !== list) {
          list.appendChild(dragged);
        }
        return;
      }
      var target = event.target.closest(".pack-section");
      if (!target) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      if (target !== dragged) {
        root.insertBefore(dragged, before(event, target) ? target : target.nextElementSibling);
      }
    });

    function finish(cancelled) {
      var el = dragged;
      dragged = null;
      el.classList.remove("is-dragging");
      if (cancelled) {
        origin.parent.insertBefore(el, origin.next);
        tidy();
      } else if (place(el) !== origin.place) {
        save(el);
      }
    }

    root.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      finish(false);
    });
    root.addEventListener("dragend", function (event) {
      if (dragged) finish(event.dataTransfer.dropEffect === "none");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var canDialog = window.fetch && typeof HTMLDialogElement === "function";
    var dialog = null;
    if (canDialog) {
      document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[data-pack-add]");
        if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        if (!dialog) dialog = new AddDialog();
        dialog.open(link);
      });
      var text = document.querySelector("[data-pack-passages]");
      if (text) passageControls(text);
    }
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
    var root = document.querySelector("[data-pack-sections][data-api]");
    if (root && window.fetch) packPage(root);
  });
})();
