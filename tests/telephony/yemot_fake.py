"""Yemot behind an httpx.MockTransport: answers by command, and records what each request sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

from telephony.http import make_client
from telephony.yemot import YemotClient

BASE = "https://yemot.test/ym/api"
PASSWORD = "pw-7f3c9e"
CREDENTIALS = f"0773137770:{PASSWORD}"
SESSION = "N1eBwpAyJ6qtuVPS"  # a Login token as a public client shows one

# An answer: a JSON object, a function of the fields sent, or a list of either taken in turn.
Answer = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | list[Any]

MEMBERS = [
    {
        "agent": "SIP/0773137770",
        "Status": "2",
        "CallsTaken": 3,
        "LastCallUnitTime": "1700000000",
        "LastCall": "11/14/2023, 10:13:20 PM",
        "LastCallAgo": "00:05:00",
        "Paused": False,
        "Penalty": "0",
    },
    {"agent": "0773137771", "Status": "1", "CallsTaken": 0, "Paused": True, "Penalty": "0"},
]
ENTRIES = [
    {
        "phone": "0501234567",
        "Wait": 40,
        "WaitAgo": "0:00:40",
        "Position": 2,
        "CallId": "f6657b78a2f35d6d04dd203400828362",
    },
    {
        "phone": "0527654321",
        "Wait": 95,
        "WaitAgo": "0:01:35",
        "Position": 1,
        "CallId": "805c3b221d4b76bb53769aac9e2c57c1",
    },
]
QUEUE_DATA = {"Abandoned": 1, "Calls": 2, "Completed": 9, "TalkTime": 80, "Holdtime": 30}


def queue_answer(members: Any = None, entries: Any = None, **fields: Any) -> dict[str, Any]:
    """A GetQueueRealTime answer in the public client's shape (PUBLIC_CLIENTS.md §1a)."""
    return {
        "responseStatus": "OK",
        "queueData": {**QUEUE_DATA, "Max": 0, "Strategy": "rrmemory"},
        "members": MEMBERS if members is None else members,
        "entries": ENTRIES if entries is None else entries,
        **fields,
    }


class FakeYemot:
    def __init__(self, vendor_fixtures: dict[str, Any], **answers: Answer) -> None:
        self.answers: dict[str, Answer] = {
            "Login": {"responseStatus": "OK", "token": SESSION, "yemotAPIVersion": 6},
            "GetQueueRealTime": queue_answer(),
            "GetSipAccountsRegisteredStatus": vendor_fixtures[
                "yemot.GetSipAccountsRegisteredStatus.assembled"
            ],
            **answers,
        }
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        command = request.url.path.rsplit("/", 1)[-1]
        answer = self.answers[command]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if callable(answer):
            answer = answer(fields(request))
        return httpx.Response(200, json=answer)

    def client(self, token: str = CREDENTIALS, queues: tuple[str, ...] = ("/1",)) -> YemotClient:
        http = make_client(BASE, transport=httpx.MockTransport(self))
        return YemotClient(token, BASE, list(queues), http=http)

    def sent(self, command: str) -> list[dict[str, Any]]:
        """The fields of every request for ``command``, in order."""
        return [fields(r) for r in self.requests if r.url.path.endswith(f"/{command}")]

    def commands(self) -> list[str]:
        return [request.url.path.rsplit("/", 1)[-1] for request in self.requests]


def fields(request: httpx.Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return json.loads(request.content)
    return dict(parse_qsl(request.content.decode()))
