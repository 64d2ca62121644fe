// Small browser helpers for the Blazor app. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  function applyTheme(theme) {
    var t = theme === "light" || theme === "dark" ? theme : "system";
    document.documentElement.dataset.theme = t;
  }
  try { applyTheme(localStorage.getItem("msc-theme")); } catch (e) { applyTheme("system"); }

  function copyText(text, button) {
    var done = function () {
      if (!button) return;
      var old = button.textContent;
      button.textContent = "Copied";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = old; button.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, done);
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); } catch (e) { }
      area.remove(); done();
    }
  }

  document.addEventListener("click", function (e) {
    var codeButton = e.target.closest("[data-copy-code]");
    if (codeButton) {
      var block = codeButton.closest(".code-block");
      var code = block && block.querySelector("code");
      if (code) copyText(code.textContent, codeButton);
    }
  });

  document.addEventListener("keydown", function (e) {
    // Esc stops a running answer, wherever the focus is.
    if (e.key === "Escape") {
      var stop = document.querySelector("[data-stop]");
      if (stop) { e.preventDefault(); stop.click(); }
      return;
    }
    // Enter sends, Shift+Enter breaks the line (not while an input method composes).
    var t = e.target;
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && t && t.matches && t.matches("textarea[data-send-on-enter]")) {
      e.preventDefault();
      var form = t.form;
      if (form) {
        var submit = form.querySelector("[type=submit]");
        if (!submit || !submit.disabled) form.requestSubmit(submit || undefined);
      }
    }
  });

  // The message list follows the stream while the user is at the bottom; scrolling up pauses it.
  document.addEventListener("scroll", function (e) {
    var el = e.target;
    if (el && el.dataset && el.hasAttribute("data-follow")) {
      el.dataset.atBottom = (el.scrollHeight - el.scrollTop - el.clientHeight < 80) ? "1" : "0";
    }
  }, true);

  window.msc = {
    setTheme: function (theme) {
      try { localStorage.setItem("msc-theme", theme); } catch (e) { }
      applyTheme(theme);
    },
    getTheme: function () {
      try { return localStorage.getItem("msc-theme") || "system"; } catch (e) { return "system"; }
    },
    follow: function (el, force) {
      if (!el) return;
      if (force || el.dataset.atBottom !== "0") {
        el.scrollTop = el.scrollHeight;
        el.dataset.atBottom = "1";
      }
    },
    focus: function (el) { if (el) el.focus(); },
    copy: function (text) { copyText(text, null); },
    download: function (name, type, text) {
      var url = URL.createObjectURL(new Blob([text], { type: type }));
      var a = document.createElement("a");
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    },
    confirm: function (message) { return window.confirm(message); }
  };
})();
