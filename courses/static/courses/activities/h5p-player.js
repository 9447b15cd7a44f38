/*
 * The H5P player on the content origin (h5p-standalone). The results H5P reports
 * as xAPI statements (completed, answered, passed, failed, with a result) go to
 * the runtime, which decides by the activity's rule; the parts of a content
 * (its sub-content) report nothing the lesson counts.
 */
(function () {
    "use strict";

    var config = JSON.parse(document.getElementById("player-config").textContent);
    var VERBS = ["completed", "answered", "passed", "failed"];
    var SUB_CONTENT = "http://h5p.org/x-api/h5p-subContentId";

    function counts(statement) {
        var verb = String((statement.verb && statement.verb.id) || "").split("/").pop();
        var definition = (statement.object && statement.object.definition) || {};
        var extensions = definition.extensions || {};
        return VERBS.indexOf(verb) !== -1 && !!statement.result && !(SUB_CONTENT in extensions);
    }

    function showError(failed) {
        document.getElementById("player-error").hidden = !failed;
    }

    function send(statement) {
        fetch(config.xapiUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(statement),
            // Sent even if the lesson is closed right after the last answer.
            keepalive: true,
        })
            .then(function (response) {
                return response.json().then(function (reply) {
                    var ok = response.ok && reply.result === true;
                    showError(!ok);
                    if (ok && (reply.met || reply.lessonDone)) {
                        window.parent.postMessage(
                            { type: "lms-activity", met: !!reply.met, lessonDone: !!reply.lessonDone },
                            config.siteOrigin
                        );
                    }
                });
            })
            .catch(function () {
                showError(true);
            });
    }

    var options = {
        h5pJsonPath: config.h5pJsonPath,
        frameJs: config.frameJs,
        frameCss: config.frameCss,
        fullScreen: true,
    };
    new window.H5PStandalone.H5P(document.getElementById("h5p-container"), options).then(
        function () {
            window.H5P.externalDispatcher.on("xAPI", function (event) {
                var statement = event.data && event.data.statement;
                if (statement && counts(statement)) {
                    send(statement);
                }
            });
        }
    );
})();
