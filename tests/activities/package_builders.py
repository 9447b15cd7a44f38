"""Tiny SCORM 1.2, SCORM 2004 and H5P packages, made in memory for tests (no
third-party package is kept in the repository).

Each builder returns the ZIP file's bytes. The SCORM pages find the player's API
(``API`` or ``API_1484_11``) in a parent window and, when the learner presses
"Finish", report a score of 80 %, passed and completed; the H5P package carries a
small library of our own, ``H5P.StemCheck-1.0``, whose one button reports a full
score with xAPI ``answered`` and ``completed`` statements.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

Files = Mapping[str, bytes | str]

SCORM12_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p id="status">Not started</p>
<button type="button" id="finish">Finish</button>
<script>
function findAPI(win) {{
  for (var depth = 0; win && depth < 10; depth++) {{
    if (win.API) return win.API;
    if (win.parent === win) break;
    win = win.parent;
  }}
  return window.opener && window.opener.API;
}}
var api = findAPI(window.parent);
var statusLine = document.getElementById("status");
if (api && api.LMSInitialize("") === "true") statusLine.textContent = "Started";
document.getElementById("finish").addEventListener("click", function () {{
  api.LMSSetValue("cmi.core.score.raw", "80");
  api.LMSSetValue("cmi.core.score.min", "0");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
  api.LMSFinish("");
  statusLine.textContent = "Finished";
}});
</script>
</body></html>
"""

SCORM2004_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p id="status">Not started</p>
<button type="button" id="finish">Finish</button>
<script>
function findAPI(win) {{
  for (var depth = 0; win && depth < 10; depth++) {{
    if (win.API_1484_11) return win.API_1484_11;
    if (win.parent === win) break;
    win = win.parent;
  }}
  return window.opener && window.opener.API_1484_11;
}}
var api = findAPI(window.parent);
var statusLine = document.getElementById("status");
if (api && api.Initialize("") === "true") statusLine.textContent = "Started";
document.getElementById("finish").addEventListener("click", function () {{
  api.SetValue("cmi.score.scaled", "0.8");
  api.SetValue("cmi.score.raw", "80");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.completion_status", "completed");
  api.Commit("");
  api.Terminate("");
  statusLine.textContent = "Finished";
}});
</script>
</body></html>
"""

SCORM12_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.stem" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="sco1">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormtype="sco"
        href="{launch}">
      <file href="{launch}"/>
    </resource>
  </resources>
</manifest>
"""

SCORM2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.stem2004" version="1.0"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>{version}</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="sco1">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormType="sco"
        href="{launch}">
      <file href="{launch}"/>
    </resource>
  </resources>
</manifest>
"""

STEM_CHECK_LIBRARY = {
    "title": "STEM check",
    "machineName": "H5P.StemCheck",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "stem-check.js"}],
}

STEM_CHECK_JS = """var H5P = H5P || {};
H5P.StemCheck = (function () {
  function StemCheck(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
  }
  StemCheck.prototype = Object.create(H5P.EventDispatcher.prototype);
  StemCheck.prototype.constructor = StemCheck;
  StemCheck.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get ? $container.get(0) : $container;
    root.textContent = "";
    var question = document.createElement("p");
    question.textContent = this.params.question || "";
    root.appendChild(question);
    var answer = document.createElement("button");
    answer.type = "button";
    answer.className = "stem-check-answer";
    answer.textContent = this.params.answer || "Answer";
    answer.addEventListener("click", function () {
      answer.disabled = true;
      self.triggerXAPIScored(1, 1, "answered", true, true);
      self.triggerXAPIScored(1, 1, "completed", true, true);
    });
    root.appendChild(answer);
  };
  return StemCheck;
})();
"""


def zip_bytes(files: Files, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive of ``files`` (name → bytes or text), in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def scorm12_files(
    title: str = "Inquiry-based learning",
    launch_html: str | None = None,
    launch: str = "index.html",
) -> dict[str, bytes | str]:
    """The files of :func:`scorm12_zip`, for a test that changes one of them."""
    return {
        "imsmanifest.xml": SCORM12_MANIFEST.format(
            title=escape(title), launch=escape(launch, {'"': "&quot;"})
        ),
        launch: launch_html or SCORM12_PAGE.format(title=escape(title)),
    }


def scorm12_manifest_with(body: str, root: str = "manifest") -> str:
    """A SCORM 1.2 manifest of ``body`` (organisations, resources) alone."""
    return (
        f'<?xml version="1.0"?><{root} xmlns:adlcp='
        f'"http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2'
        f"</schemaversion></metadata>{body}</{root}>"
    )


def scorm12_zip(
    title: str = "Inquiry-based learning",
    launch_html: str | None = None,
    launch: str = "index.html",
    extra_files: Files | None = None,
) -> bytes:
    """A SCORM 1.2 package of one SCO, ``launch``."""
    return zip_bytes(
        {**scorm12_files(title, launch_html, launch), **(extra_files or {})}
    )


def scorm2004_files(
    title: str = "Inquiry-based learning",
    launch_html: str | None = None,
    launch: str = "index.html",
    version: str = "2004 4th Edition",
) -> dict[str, bytes | str]:
    """The files of :func:`scorm2004_zip`, for a test that changes one of them."""
    return {
        "imsmanifest.xml": SCORM2004_MANIFEST.format(
            title=escape(title),
            launch=escape(launch, {'"': "&quot;"}),
            version=escape(version),
        ),
        launch: launch_html or SCORM2004_PAGE.format(title=escape(title)),
    }


def scorm2004_zip(
    title: str = "Inquiry-based learning",
    launch_html: str | None = None,
    launch: str = "index.html",
    version: str = "2004 4th Edition",
    extra_files: Files | None = None,
) -> bytes:
    """A SCORM 2004 package (``version`` as its ``<schemaversion>``) of one SCO."""
    files = scorm2004_files(title, launch_html, launch, version)
    return zip_bytes({**files, **(extra_files or {})})


def h5p_files(
    title: str = "Which question is open?",
    question: str = "Which question invites inquiry?",
    answer: str = "Why does ice float?",
) -> dict[str, bytes | str]:
    """The files of :func:`h5p_zip`, for a test that changes one of them."""
    manifest = {
        "title": title,
        "language": "und",
        "mainLibrary": "H5P.StemCheck",
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.StemCheck", "majorVersion": 1, "minorVersion": 0}
        ],
    }
    return {
        "h5p.json": json.dumps(manifest),
        "content/content.json": json.dumps({"question": question, "answer": answer}),
        "H5P.StemCheck-1.0/library.json": json.dumps(STEM_CHECK_LIBRARY),
        "H5P.StemCheck-1.0/stem-check.js": STEM_CHECK_JS,
    }


def h5p_zip(
    title: str = "Which question is open?",
    question: str = "Which question invites inquiry?",
    answer: str = "Why does ice float?",
    extra_files: Files | None = None,
) -> bytes:
    """An H5P package of the ``H5P.StemCheck`` library: one question, one
    button that answers it."""
    return zip_bytes({**h5p_files(title, question, answer), **(extra_files or {})})
