/* Upload with progress: send the chosen files one by one to /edit/upload?format=json and
   fill the report table as each result arrives. Without JavaScript the form posts all the
   files at once and the server renders the same report as a page. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var jsonUrl = form.getAttribute("data-json-url");
  var documentBase = form.getAttribute("data-document-url").replace(/0$/, "");
  var panel = document.querySelector("[data-upload-progress]");
  var bar = panel.querySelector("[data-progress-bar]");
  var text = panel.querySelector("[data-progress-text]");
  var rows = panel.querySelector("[data-report-rows]");
  var summary = panel.querySelector("[data-report-summary]");
  var labelsNode = document.getElementById("edit-labels");
  var order = labelsNode ? JSON.parse(labelsNode.textContent) : []; /* [[status, label], …] */
  var labels = {};
  order.forEach(function (pair) {
    labels[pair[0]] = pair[1];
  });

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && content !== null) {
      node.textContent = content;
    }
    return node;
  }

  function documentLink(id, label) {
    var link = element("a", null, label);
    link.href = documentBase + id;
    return link;
  }

  function addRow(result) {
    var row = element("tr", "edit-status-" + result.status);
    row.appendChild(element("td", "edit-source", result.source));
    var status = element("td");
    status.appendChild(
      element("span", "edit-badge edit-badge-" + result.status, labels[result.status] || result.status)
    );
    row.appendChild(status);
    var doc = element("td");
    if (result.id) {
      doc.appendChild(documentLink(result.id, "#" + result.id));
    }
    row.appendChild(doc);
    var notes = element("td");
    if (result.reason) {
      notes.appendChild(element("p", "edit-reason", result.reason));
    }
    if (result.duplicate_of) {
      var dup = element("p", null, "原文档：");
      dup.appendChild(documentLink(result.duplicate_of, "#" + result.duplicate_of));
      notes.appendChild(dup);
    }
    (result.warnings || []).forEach(function (warning) {
      notes.appendChild(element("p", "edit-warning", warning));
    });
    row.appendChild(notes);
    rows.appendChild(row);
  }

  function failed(file, reason) {
    return { source: file.name, status: "rejected", id: null, duplicate_of: null, reason: reason, warnings: [] };
  }

  /* One file → a list of results; a refusal that will hit every later file sets `stop`. */
  function send(file) {
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("files", file, file.name);
    return fetch(jsonUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" }
    }).then(
      function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || (response.ok && type.indexOf("json") < 0)) {
          return { results: [failed(file, "登录已失效，请重新登录后再上传")], stop: true };
        }
        if (response.status === 413) {
          return { results: [failed(file, "文件超过上传大小上限")], stop: false };
        }
        if (response.status === 400 && type.indexOf("json") < 0) {
          return { results: [failed(file, "安全令牌已失效，请刷新页面后重试")], stop: true };
        }
        return response.json().then(function (data) {
          if (!response.ok) {
            var message = data && data.error ? data.error.message : "上传失败（" + response.status + "）";
            return { results: [failed(file, message)], stop: false };
          }
          return { results: data, stop: false };
        });
      },
      function (error) {
        return { results: [failed(file, "网络错误：" + error.message)], stop: false };
      }
    );
  }

  function showSummary(counts, total) {
    var parts = order.map(function (pair) {
      return pair[1] + " " + (counts[pair[0]] || 0);
    });
    summary.textContent = "共 " + total + " 个文件：" + parts.join("，");
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      return;
    }
    event.preventDefault();
    button.disabled = true;
    panel.hidden = false;
    rows.textContent = "";
    summary.textContent = "";
    bar.max = files.length;
    bar.value = 0;
    var counts = {};
    var index = 0;

    function next() {
      if (index >= files.length) {
        text.textContent = "全部 " + files.length + " 个文件处理完毕。检索索引正在后台更新。";
        button.disabled = false;
        showSummary(counts, files.length);
        return;
      }
      var file = files[index];
      text.textContent = "正在处理第 " + (index + 1) + " / " + files.length + " 个：" + file.name;
      send(file).then(function (outcome) {
        outcome.results.forEach(function (result) {
          counts[result.status] = (counts[result.status] || 0) + 1;
          addRow(result);
        });
        index += 1;
        bar.value = index;
        if (outcome.stop) {
          files.slice(index).forEach(function (rest) {
            counts.rejected = (counts.rejected || 0) + 1;
            addRow(failed(rest, "未上传：前一个文件被拒绝后已停止"));
          });
          text.textContent = "上传已停止。";
          button.disabled = false;
          showSummary(counts, files.length);
          return;
        }
        next();
      });
    }
    next();
  });
})();
