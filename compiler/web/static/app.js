/* gongkai: small enhancements over plain forms (everything works without this file).
   - drop a workbook on the drop zone (or anywhere on a page with one zone);
   - show the chosen file, refuse a too large one before uploading;
   - "正在检查…" while the form is sent;
   - PDF progress without reloading the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function sizeText(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }

  function showFile(zone) {
    var input = zone.querySelector("input[type=file]");
    var out = zone.querySelector(".drop-file");
    var f = input.files && input.files[0];
    input.setCustomValidity("");
    out.classList.remove("bad", "none");
    if (!f) { out.textContent = "尚未选择文件"; out.classList.add("none"); return true; }
    var limit = parseInt(input.getAttribute("data-limit") || "0", 10);
    if (limit && f.size > limit) {
      var msg = "文件太大（" + sizeText(f.size) + "），每个工作簿不能超过 " + input.getAttribute("data-limit-text") + "。";
      input.setCustomValidity(msg);
      out.textContent = msg;
      out.classList.add("bad");
      return false;
    }
    out.textContent = "已选择：" + f.name + "（" + sizeText(f.size) + "）";
    return true;
  }

  function put(zone, files) {
    if (!files || !files.length) return;
    var input = zone.querySelector("input[type=file]");
    try {
      var dt = new DataTransfer();
      dt.items.add(files[0]);
      input.files = dt.files;
    } catch (e) {
      input.files = files;
    }
    var ok = showFile(zone);
    var form = zone.closest("form");
    if (ok && form && form.hasAttribute("data-autosubmit") && form.checkValidity()) {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    } else {
      zone.querySelector(".pick").focus();
    }
  }

  var zones = Array.prototype.slice.call(document.querySelectorAll("[data-drop]"));
  zones.forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    // The browser's own file button speaks the browser's language; ours speaks Chinese.
    // The input stays in the form (and in the label) but the button takes the focus.
    var pick = document.createElement("button");
    pick.type = "button";
    pick.className = "btn pick";
    pick.textContent = "选择文件…";
    var label = zone.querySelector("label");
    if (label) {
      if (!label.id) label.id = input.id + "-label";
      pick.setAttribute("aria-describedby", label.id + (input.getAttribute("aria-describedby") ? " " + input.getAttribute("aria-describedby") : ""));
    }
    pick.addEventListener("click", function () { input.click(); });
    input.parentNode.insertBefore(pick, input);
    input.tabIndex = -1;
    input.classList.add("enhanced");
    // a file may already be chosen (picked before this script ran, or restored on "back")
    showFile(zone);
    input.addEventListener("change", function () { showFile(zone); });
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) {
        e.preventDefault(); e.stopPropagation();
        zone.classList.add("over");
      });
    });
    zone.addEventListener("dragleave", function (e) {
      if (!zone.contains(e.relatedTarget)) zone.classList.remove("over");
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault(); e.stopPropagation();
      zone.classList.remove("over");
      document.body.classList.remove("dragging");
      put(zone, e.dataTransfer && e.dataTransfer.files);
    });
  });

  // Dropping a file elsewhere must never make the browser open it (and leave the page).
  // With one drop zone on the page, a drop anywhere goes there.
  var depth = 0;
  window.addEventListener("dragenter", function (e) {
    if (zones.length) { depth++; document.body.classList.add("dragging"); }
    e.preventDefault();
  });
  window.addEventListener("dragleave", function () {
    if (--depth <= 0) { depth = 0; document.body.classList.remove("dragging"); }
  });
  window.addEventListener("dragover", function (e) { e.preventDefault(); });
  window.addEventListener("drop", function (e) {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    if (zones.length === 1) put(zones[0], e.dataTransfer && e.dataTransfer.files);
  });

  // Busy state while uploading; undone when the page comes back from the history.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
    form.noValidate = true;  // checked below: the browser's bubble would point at a hidden input
    form.addEventListener("submit", function (e) {
      var missing = Array.prototype.filter.call(form.querySelectorAll("input[type=file][required]"),
        function (i) { return !(i.files && i.files.length); });
      if (missing.length) {  // the hidden input cannot show the browser's own bubble
        e.preventDefault();
        var out = missing[0].closest("[data-drop]").querySelector(".drop-file");
        out.textContent = "请先选择工作簿文件（.xlsx）";
        out.classList.remove("none");
        out.classList.add("bad");
        missing[0].closest("[data-drop]").querySelector(".pick").focus();
        return;
      }
      var bad = Array.prototype.filter.call(form.querySelectorAll("input:not([type=file])"),
        function (i) { return !i.checkValidity(); });
      if (bad.length) { e.preventDefault(); bad[0].reportValidity(); return; }
      var btn = form.querySelector("button[type=submit]");
      if (!btn) return;
      btn.setAttribute("data-label", btn.textContent);
      btn.textContent = btn.getAttribute("data-busy") || "请稍候…";
      btn.setAttribute("aria-disabled", "true");
      form.setAttribute("aria-busy", "true");
      setTimeout(function () { btn.disabled = true; }, 0);  // after the form data is taken
    });
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload] button[data-label]"), function (btn) {
      btn.textContent = btn.getAttribute("data-label");
      btn.disabled = false;
      btn.removeAttribute("aria-disabled");
      btn.closest("form").removeAttribute("aria-busy");
    });
  });

  // PDF progress.
  var pdf = document.querySelector("[data-pdf]");
  if (pdf && /^(queued|running)$/.test(pdf.getAttribute("data-state"))) {
    var act = pdf.querySelector("[data-pdf-act]");
    var timer = setInterval(function () {
      fetch(pdf.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          var s = data.pdf;
          pdf.setAttribute("data-state", s.state);
          if (s.state === "done") {
            clearInterval(timer);
            act.textContent = "";
            var a = document.createElement("a");
            a.className = "btn primary"; a.href = s.url; a.textContent = "下载 PDF";
            a.setAttribute("download", "");
            var size = document.createElement("span");
            size.className = "size"; size.textContent = s.size;
            act.appendChild(a); act.appendChild(document.createTextNode(" ")); act.appendChild(size);
          } else if (s.state === "failed" || s.state === "idle") {
            clearInterval(timer);
            location.reload();
          } else {
            var bar = act.querySelector("progress");
            if (bar) { bar.value = s.progress; bar.textContent = s.progress + "%"; }
            var msg = act.querySelector("[data-pdf-msg]");
            if (msg) msg.textContent = s.message;
          }
        })
        .catch(function (status) {
          if (status === 404) { clearInterval(timer); location.reload(); }
        });
    }, 1000);
  }
})();
