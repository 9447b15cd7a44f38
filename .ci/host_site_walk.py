"""Walk a freshly installed host site over HTTP as its first users would:
`python .ci/host_site_walk.py BASE_URL PROJECT_DIR PROJECT_PYTHON`. Exits non-zero
on any server error or a page that does not say what it should. An administrator's
step (issuing a certificate by hand) runs `manage.py` in PROJECT_DIR."""

import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, PROJECT, PYTHON = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def call(path, data=None, *, expect=200, headers=None):
    body = None
    headers = dict(headers or {})
    if data is not None:
        token = next((c.value for c in jar if c.name == "csrftoken"), "")
        headers.update({"X-CSRFToken": token, "Referer": BASE + path})
        if path.startswith("/api/"):
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": token}
            ).encode()
    request = urllib.request.Request(BASE + path, data=body, headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    if status >= 500 or status != expect:
        sys.exit(f"{path}: {status}, expected {expect}\n{content[:2000]!r}")
    print(f"{status} {path}")
    return content


courses = json.loads(call("/api/v1/courses"))
course = next(c for c in courses if c["language"] == "lv")
course_path = urllib.parse.urlparse(course["url"]).path
catalogue = call("/lv/").decode()
assert course_path in catalogue, "the catalogue lists the course"
# The plugin's pages come styled inside the host site.
stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+lms\.css)"', catalogue)
assert stylesheet, "the catalogue links the plugin's stylesheet"
assert b".site-header" in call(stylesheet.group(1))
page = call(course_path).decode()
assert "Pierakstieties" in page or "Pierakstīties" in page, "offers to sign in"
course_links = re.escape(course_path)
lesson_path = re.findall(rf'href="({course_links}[^"#]+/)"', page)[1]
call(lesson_path, expect=403)  # asks an anonymous visitor to sign in and enrol

call("/lv/accounts/login/")
call(
    "/lv/accounts/login/",
    {"login": "author@example.edu", "password": "author-demo-2026"},
)
enrolment = json.loads(call(f"/api/v1/courses/{course['id']}/enrol", {}, expect=201))
assert enrolment["status"] == "active", enrolment
# The first lesson the learner marks as done themselves.
for path in re.findall(rf'href="({course_links}[^"#]+/[^"#]+/)"', page):
    found = re.search(r"/lessons/(\d+)/complete/", call(path).decode())
    if found:
        lesson_id = found.group(1)
        break
progress = json.loads(call(f"/api/v1/lessons/{lesson_id}/complete", {}))
assert progress["completed_items"] >= 1, progress
print(f"course {course['id']} enrolled and a lesson completed")

subprocess.run(
    [
        PYTHON,
        "manage.py",
        "issue_certificate",
        "--course",
        str(course["id"]),
        "--user",
        "author@example.edu",
        "--reason",
        "Attended the programme in person",
    ],
    cwd=PROJECT,
    check=True,
)
mine = call("/certificates/mine/").decode()
pdf_path = re.search(r'href="(/certificates/\d+/pdf/)"', mine).group(1)
pdf = call(pdf_path)
assert pdf.startswith(b"%PDF"), pdf[:20]
verify_path = re.search(r'href="(/verify/[^"]+/)"', mine).group(1)
verification = call(verify_path).decode()
assert "Māris Bērziņš" in verification, "the verification page names the holder"
print("certificate downloaded and verified")
