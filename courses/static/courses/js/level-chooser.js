// A module's competence rows: the target-level select offers only the levels of
// the framework the row's competence belongs to. The competence chooser fires
// "change" on its hidden input; rows added later are covered by listening on the
// document. The server refuses a mismatched level whatever the browser sends.
(function () {
  "use strict";

  function levelSelectFor(input) {
    if (!input.id || !input.id.endsWith("-competence")) {
      return null;
    }
    const select = document.getElementById(
      input.id.replace(/-competence$/, "-target_level"),
    );
    return select && select.dataset.competenceFrameworks ? select : null;
  }

  function offerLevels(select, competenceId) {
    const frameworks = JSON.parse(select.dataset.competenceFrameworks);
    const framework = competenceId ? frameworks[competenceId] : undefined;
    for (const option of select.options) {
      if (!option.value) {
        continue;
      }
      const offered = framework !== undefined && option.dataset.framework === framework;
      option.hidden = !offered;
      option.disabled = !offered;
      if (!offered && option.selected) {
        select.value = "";
      }
    }
  }

  document.addEventListener("change", function (event) {
    const select = levelSelectFor(event.target);
    if (select) {
      offerLevels(select, event.target.value);
    }
  });

  function start() {
    document
      .querySelectorAll("select[data-competence-frameworks]")
      .forEach(function (select) {
        const input = document.getElementById(
          select.id.replace(/-target_level$/, "-competence"),
        );
        if (input) {
          offerLevels(select, input.value);
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
