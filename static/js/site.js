// Enhancements only: every page works without this file.
(function () {
  "use strict";

  // 【验证码】: fetch a new picture without reloading the form (and losing what was typed).
  function setUpCaptchaRefresh(button) {
    var row = button.closest(".captcha-row");
    var image = row.querySelector("img.captcha-image");
    var keyInput = row.querySelector("input[type=hidden]");
    var answer = row.querySelector("input[type=text]");
    button.hidden = false;
    function refresh() {
      fetch(button.dataset.refreshUrl, { headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          image.src = data.image_url;
          keyInput.value = data.key;
          if (answer) { answer.value = ""; answer.focus(); }
        });
    }
    button.addEventListener("click", refresh);
    image.addEventListener("click", refresh);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-captcha-refresh").forEach(setUpCaptchaRefresh);
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
