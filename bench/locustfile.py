"""Teachers working through a course, for locust (run by bench/scale.py).

Each simulated teacher takes one signed-in session from the file named by
``LMS_BENCH_TEACHERS`` (written by bench/scale.py), then looks at the dashboard
and the course, opens the next lesson and marks it complete, with a short pause
between steps, until the time is up. Any answer but a 200 (after redirects) is
a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import threading

from locust import HttpUser, between, task

with open(os.environ["LMS_BENCH_TEACHERS"], encoding="utf-8") as source:
    PLAN = json.load(source)
_sessions = itertools.cycle(PLAN["teachers"])
_lock = threading.Lock()


class Teacher(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with _lock:
            session = next(_sessions)
        self.client.cookies.set("sessionid", session["sessionid"])
        self.next_lesson = 0

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/lv/my/", name="dashboard")

    @task(1)
    def course(self) -> None:
        self.client.get(PLAN["course"], name="course")

    @task(4)
    def work_through_a_lesson(self) -> None:
        lessons = PLAN["lessons"]
        lesson = lessons[self.next_lesson % len(lessons)]
        self.client.get(lesson["url"], name="lesson")
        # The lesson page set the CSRF cookie; Django accepts its value as the token.
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            lesson["complete"],
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": self.host + lesson["url"]},
            name="complete lesson",
        )
        self.next_lesson += 1
