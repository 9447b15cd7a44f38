/*
 * Runs courses/static/courses/activities/scorm-player.js with scorm-again from
 * node_modules in a bare window: reads the player's configuration (JSON) on stdin,
 * plays a SCO that resumes, completes with a score and finishes, and prints what
 * the SCO read, what was committed and what the lesson page was told (JSON).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..", "..");
const config = JSON.parse(fs.readFileSync(0, "utf8"));
const replies = JSON.parse(process.argv[2]);
const out = { read: {}, commits: [], told: [], frame: null };
const elements = {
    "player-config": { textContent: JSON.stringify(config) },
    "player-error": { hidden: true },
    "player-frame": { src: "" },
};

class XMLHttpRequest {
    open(method, url, async) {
        this.url = url;
        this.async = async;
    }
    setRequestHeader() {}
    send(body) {
        out.commits.push({ url: this.url, sync: this.async === false, body: JSON.parse(body) });
        this.status = 200;
        this.responseText = JSON.stringify(replies.shift() || { result: true, errorCode: 0 });
    }
}
const window = {
    parent: { postMessage: (message, origin) => out.told.push({ message, origin }) },
    addEventListener: () => {},
};
window.window = window;
const context = vm.createContext({
    window,
    document: { getElementById: (id) => elements[id] },
    XMLHttpRequest,
    navigator: { sendBeacon: () => true },
    Blob: class {},
    console,
    setTimeout,
    clearTimeout,
});
const library = config.version === "1.2" ? "scorm12.js" : "scorm2004.js";
const source = fs.readFileSync(path.join(root, "node_modules/scorm-again/dist", library), "utf8");
vm.runInContext(source.replace(/^this\./, "window."), context);
vm.runInContext(
    fs.readFileSync(path.join(root, "courses/static/courses/activities/scorm-player.js"), "utf8"),
    context
);

if (config.version === "1.2") {
    const api = window.API;
    api.LMSInitialize("");
    for (const name of ["cmi.core.lesson_location", "cmi.suspend_data", "cmi.core.entry"]) {
        out.read[name] = api.LMSGetValue(name);
    }
    api.LMSSetValue("cmi.core.lesson_status", "completed");
    api.LMSSetValue("cmi.core.score.raw", "85");
    api.LMSCommit("");
    api.LMSFinish("");
} else {
    const api = window.API_1484_11;
    api.Initialize("");
    for (const name of ["cmi.location", "cmi.suspend_data", "cmi.entry"]) {
        out.read[name] = api.GetValue(name);
    }
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.score.scaled", "0.85");
    api.Commit("");
    api.Terminate("");
}
out.frame = elements["player-frame"].src;
process.stdout.write(JSON.stringify(out));
process.exit(0);
