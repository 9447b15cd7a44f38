/* A SCORM 1.2 SCO: three slides and a question. It resumes on the slide where
   the learner stopped and reports "passed" or "failed" with its score. */
(function () {
  "use strict";

  function findAPI(win) {
    for (var depth = 0; win && depth < 10; depth += 1) {
      if (win.API) {
        return win.API;
      }
      if (win.parent === win) {
        break;
      }
      win = win.parent;
    }
    return null;
  }

  var api = findAPI(window);
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var back = document.getElementById("back");
  var next = document.getElementById("next");
  var where = document.getElementById("where");
  var verdict = document.getElementById("verdict");
  var current = 0;
  var finished = false;

  function set(name, value) {
    if (api) {
      api.LMSSetValue(name, String(value));
    }
  }

  function show(index) {
    current = Math.max(0, Math.min(index, slides.length - 1));
    slides.forEach(function (slide, n) {
      slide.hidden = n !== current;
    });
    back.disabled = current === 0;
    next.disabled = current === slides.length - 1;
    where.textContent = current + 1 + " / " + slides.length;
  }

  function go(index) {
    show(index);
    set("cmi.core.lesson_location", current);
    set("cmi.suspend_data", JSON.stringify({ slide: current }));
    if (api) {
      api.LMSCommit("");
    }
  }

  if (api) {
    api.LMSInitialize("");
    var status = api.LMSGetValue("cmi.core.lesson_status");
    if (!status || status === "not attempted") {
      set("cmi.core.lesson_status", "incomplete");
    }
    show(parseInt(api.LMSGetValue("cmi.core.lesson_location"), 10) || 0);
  } else {
    show(0);
  }

  back.addEventListener("click", function () {
    go(current - 1);
  });
  next.addEventListener("click", function () {
    go(current + 1);
  });

  document.getElementById("question").addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = this.querySelector("input[name=answer]:checked");
    if (!chosen) {
      return;
    }
    var right = chosen.value === "b";
    verdict.textContent = right ? verdict.dataset.right : verdict.dataset.wrong;
    verdict.hidden = false;
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", right ? 100 : 0);
    set("cmi.core.lesson_status", right ? "passed" : "failed");
    set("cmi.core.exit", right ? "" : "suspend");
    if (api) {
      api.LMSCommit("");
    }
    if (right && api) {
      finished = true;
      api.LMSFinish("");
    }
  });

  // Leaving mid-way keeps the attempt open, to resume on the same slide.
  window.addEventListener("pagehide", function () {
    if (api && !finished) {
      finished = true;
      set("cmi.core.exit", "suspend");
      api.LMSFinish("");
    }
  });
})();
