/*
 * The lesson page's side of the player: the player (on the content origin) says
 * when a result meets the activity's rule and when the lesson is done; the
 * status line and the lesson's done state follow. Only messages from the
 * player's own frame and origin are read.
 */
(function () {
    "use strict";

    var frame = document.getElementById("activity-frame");
    var status = document.getElementById("activity-status");
    if (!frame || !status) {
        return;
    }
    window.addEventListener("message", function (event) {
        var data = event.data;
        if (event.source !== frame.contentWindow || event.origin !== frame.dataset.contentOrigin) {
            return;
        }
        if (!data || data.type !== "lms-activity") {
            return;
        }
        if (data.lessonDone) {
            status.textContent = status.dataset.done;
            document.querySelectorAll("[data-activity-pending]").forEach(function (element) {
                element.hidden = true;
            });
            document.querySelectorAll("[data-activity-done]").forEach(function (element) {
                element.hidden = false;
            });
        } else if (data.met) {
            status.textContent = status.dataset.met;
        }
    });
})();
