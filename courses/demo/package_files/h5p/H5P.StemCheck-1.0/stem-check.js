/* A small H5P content type: multiple-choice questions checked at once, reported
   as one xAPI "answered" statement with the score, completion and success. */
var H5P = H5P || {};

H5P.StemCheck = (function () {
  "use strict";

  function StemCheck(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }

  StemCheck.prototype = Object.create(H5P.EventDispatcher.prototype);
  StemCheck.prototype.constructor = StemCheck;

  StemCheck.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    var params = self.params;
    root.classList.add("h5p-stem-check");
    root.textContent = "";
    var form = document.createElement("form");
    var intro = document.createElement("p");
    intro.textContent = params.intro;
    form.appendChild(intro);
    params.questions.forEach(function (question, n) {
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = question.text;
      fieldset.appendChild(legend);
      question.options.forEach(function (option, m) {
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "q" + n;
        input.value = String(m);
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + option));
        fieldset.appendChild(label);
      });
      form.appendChild(fieldset);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = params.check;
    form.appendChild(button);
    var result = document.createElement("p");
    result.className = "result";
    result.setAttribute("role", "status");
    form.appendChild(result);
    root.appendChild(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var score = 0;
      params.questions.forEach(function (question, n) {
        var chosen = form.querySelector("input[name=q" + n + "]:checked");
        if (chosen && Number(chosen.value) === question.correct) {
          score += 1;
        }
      });
      var max = params.questions.length;
      result.textContent = params.result
        .replace("@score", String(score))
        .replace("@max", String(max));
      self.triggerXAPIScored(score, max, "answered", true, score * 2 >= max);
    });
  };

  return StemCheck;
})();
