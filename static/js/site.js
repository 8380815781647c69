// Enhancements only: every page works without this file.
(function () {
  "use strict";

  // 【验证码】: fetch a new picture without reloading the form (and losing what was typed).
  // Without this the 换一张 link reloads the page, which also gives a new picture.
  function setUpCaptchaRefresh(button) {
    var row = button.closest(".captcha-row");
    var image = row.querySelector("img.captcha-image");
    var keyInput = row.querySelector("input[type=hidden]");
    var answer = row.querySelector("input[type=text]");
    var large = row.querySelector(".js-captcha-large");
    var audio = row.querySelector(".js-captcha-audio");
    function refresh(event) {
      event.preventDefault();
      fetch(button.dataset.refreshUrl, { headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          // The double-size picture, as the page first showed it.
          var doubled = data.image_url.replace(/\/$/, "@2/");
          image.src = doubled;
          if (large) { large.href = doubled; }
          if (audio && data.audio_url) { audio.href = data.audio_url; }
          keyInput.value = data.key;
          if (answer) { answer.value = ""; answer.focus(); }
        });
    }
    button.addEventListener("click", refresh);
    image.addEventListener("click", refresh);
  }

  // 用户中心 below md: the menu (after the content in the page) becomes an offcanvas that
  // the 菜单 button opens; without this the button is a link down to the menu.
  function setUpCenterMenu(panel) {
    var toggle = document.querySelector(".center-menu-toggle");
    if (!toggle || !window.bootstrap) { return; }
    panel.classList.add("offcanvas-md", "offcanvas-start");
    toggle.setAttribute("role", "button");
    toggle.setAttribute("data-bs-toggle", "offcanvas");
    toggle.setAttribute("data-bs-target", "#center-menu");
    panel.querySelectorAll(".js-offcanvas-only").forEach(function (el) { el.hidden = false; });
  }

  // 找服务 / 需求大厅 on a phone: the filters fold behind 筛选 so the results come first.
  // A form with errors stays open, so the message next to the field is seen.
  function setUpFilterPanel(panel) {
    var toggle = document.querySelector(".filter-toggle");
    if (!toggle || !window.bootstrap) { return; }
    var open = panel.classList.contains("has-errors");
    panel.classList.add("collapse");
    if (open) { panel.classList.add("show"); }
    toggle.hidden = false;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.setAttribute("data-bs-toggle", "collapse");
    toggle.setAttribute("data-bs-target", "#filter-panel");
  }

  // 打印: the browser's print dialog; the print stylesheet leaves only the record.
  function setUpPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-captcha-refresh").forEach(setUpCaptchaRefresh);
    document.querySelectorAll("#center-menu").forEach(setUpCenterMenu);
    document.querySelectorAll("#filter-panel").forEach(setUpFilterPanel);
    document.querySelectorAll(".js-print").forEach(setUpPrint);
  });
})();

// Forms: Enter on a checkbox or radio button toggles nothing and must not submit
// the form half-filled (browsers submit on Enter in any input); Space still ticks it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement &&
        (target.type === "checkbox" || target.type === "radio") && target.form) {
      event.preventDefault();
    }
  });
})();
