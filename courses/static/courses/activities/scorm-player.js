/*
 * The SCORM player on the content origin: scorm-again's API for SCORM 1.2
 * (window.API) or 2004 (window.API_1484_11), started from the attempt's saved
 * data, committing to the runtime; then the package's launch file in the frame,
 * where the SCO finds the API in its parent.
 *
 * Commits are synchronous requests, as SCORM expects (the SCO waits for the
 * answer), the final one too, so that its answer reaches the lesson page. Only
 * while the page goes away, when browsers refuse synchronous requests, is a
 * commit sent as a beacon, which outlives the tab.
 */
(function () {
    "use strict";

    var config = JSON.parse(document.getElementById("player-config").textContent);
    var scorm12 = config.version === "1.2";
    var unloading = false;
    var GENERAL_ERROR = 101;

    function tellLessonPage(reply) {
        if (reply.met || reply.lessonDone) {
            window.parent.postMessage(
                { type: "lms-activity", met: !!reply.met, lessonDone: !!reply.lessonDone },
                config.siteOrigin
            );
        }
    }

    function showError(failed) {
        document.getElementById("player-error").hidden = !failed;
    }

    function beacon(url, body) {
        var sent = navigator.sendBeacon(url, new Blob([body], { type: "text/plain;charset=UTF-8" }));
        return { result: sent ? "true" : "false", errorCode: sent ? 0 : GENERAL_ERROR };
    }

    // scorm-again's IHttpService: it hands over the flattened commit.
    var commits = {
        processHttpRequest: function (url, params) {
            var body = JSON.stringify(params);
            if (unloading) {
                return beacon(url, body);
            }
            var xhr = new XMLHttpRequest();
            try {
                xhr.open("POST", url, false);
                xhr.setRequestHeader("Content-Type", "application/json");
                xhr.send(body);
            } catch (error) {
                // A synchronous request during the page's dismissal (a SCO that
                // finishes from its unload handler) is refused: send a beacon.
                return beacon(url, body);
            }
            var reply = {};
            try {
                reply = JSON.parse(xhr.responseText);
            } catch (error) {
                reply = {};
            }
            var ok = xhr.status >= 200 && xhr.status < 300 && reply.result === true;
            showError(!ok);
            if (!ok) {
                return { result: "false", errorCode: reply.errorCode || GENERAL_ERROR };
            }
            tellLessonPage(reply);
            return { result: "true", errorCode: 0 };
        },
        updateSettings: function () {},
    };

    var settings = {
        lmsCommitUrl: config.commitUrl,
        dataCommitFormat: "flattened",
        autocommit: true,
        autocommitSeconds: 5,
    };
    var api = scorm12
        ? new window.Scorm12API(settings, commits)
        : new window.Scorm2004API(settings, commits);

    // The attempt's saved data (elements never set are left out by the server).
    api.loadFromFlattenedJSON(config.cmi);
    if (scorm12) {
        window.API = api;
    } else {
        window.API_1484_11 = api;
    }

    // The lesson page is closed or left while the SCO is still running: keep
    // what it has set so far.
    window.addEventListener("pagehide", function () {
        unloading = true;
        if (api.isInitialized()) {
            if (scorm12) {
                api.LMSCommit("");
            } else {
                api.Commit("");
            }
        }
    });
    // Back from the browser's page cache: requests may wait for answers again.
    window.addEventListener("pageshow", function () {
        unloading = false;
    });

    document.getElementById("player-frame").src = config.launchUrl;
})();
