"""The users of the load benchmark (`bench/load.py` runs them headless; the plan it writes
names the tokens, the session, the county and the assignments to work off).

Mode "mixed": a source system filing reports, the centre listing cases and opening its
workbench, a department reading its queues and signing and replying to its assignments.
Mode "intake": reports only. Each run stops at the plan's request budget or its time,
whichever comes first; the same file runs against the bare WSGI endpoint, which answers
every path."""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, constant, task

PLAN = json.loads(Path(os.environ["HUYING_BENCH_PLAN"]).read_text(encoding="utf-8"))
ASSIGNMENTS = list(PLAN["assignments"])  # one process, gevent users: a shared stack
SENT = [0]
MIX = ("intake", "case_list", "queues", "intake", "workbench", "sign_and_reply",
       "case_list", "intake", "queues", "case_list", "workbench", "sign_and_reply")


class Caller(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.position = 0
        self.client.cookies.set("sessionid", PLAN["session"])
        self.supervisor = {"Authorization": f"Bearer {PLAN['supervisor_token']}"}
        self.responder = {"Authorization": f"Bearer {PLAN['responder_token']}"}

    def counted(self) -> None:
        SENT[0] += 1
        if SENT[0] >= PLAN["max_requests"]:
            self.environment.runner.quit()

    def intake(self) -> None:
        lon, lat = random.choice(PLAN["points"])
        self.client.post("/api/v1/intake/12345", name="intake", headers=self.supervisor, json={
            "county": PLAN["county"], "title": "小区消防通道被占",
            "description": "楼前消防通道长期停放私家车，消防车无法通行。",
            "longitude": lon, "latitude": lat, "reporter_name": "王女士",
            "reporter_phone": "13812345678", "external_id": uuid.uuid4().hex})
        self.counted()

    @task
    def next_step(self) -> None:
        """The mix in a fixed order (3 intake : 3 lists : 2 queues : 2 workbench : 2 sign
        and reply), so that even a run of a few seconds has every kind of request and the
        bare endpoint sees the same sequence."""
        if PLAN["mode"] == "intake":
            return self.intake()
        step = MIX[self.position % len(MIX)]
        self.position += 1
        getattr(self, step)()

    def case_list(self) -> None:
        self.client.get("/api/v1/cases?limit=20", name="cases list", headers=self.supervisor)
        self.counted()

    def queues(self) -> None:
        self.client.get("/api/v1/queues", name="queues", headers=self.responder)
        self.counted()

    def workbench(self) -> None:
        self.client.get("/", name="workbench page")
        self.counted()

    def sign_and_reply(self) -> None:
        if not ASSIGNMENTS:
            return self.intake()
        pk = ASSIGNMENTS.pop()
        self.client.post(f"/api/v1/assignments/{pk}/sign", name="sign", json={},
                         headers=self.responder)
        self.counted()
        self.client.post(f"/api/v1/assignments/{pk}/reply", name="reply",
                         json={"result": "已到现场处置完毕，恢复正常。"}, headers=self.responder)
        self.counted()
