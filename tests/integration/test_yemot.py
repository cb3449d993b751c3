"""Yemot and Voicenter queue/agent actions through the real action endpoint, over loopback."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from django.test import Client

from telephony.simulator.server import SimulatorServer
from wallboard.board import sms, store
from wallboard.board.tasks import poll_source
from wallboard.models import AuditEntry, Board

pytestmark = pytest.mark.django_db(transaction=True)


def act(client: Client, name: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/api/actions/{name}/", fields, content_type="application/json")
    return response.status_code, response.json()


def poll(source: str) -> None:
    assert poll_source.apply(args=[source]).get().startswith("ok")


def test_queues_and_members_are_on_the_board_with_phone_registration(simulator) -> None:
    poll("yemot")
    snapshot = store.load_snapshot("yemot")
    assert set(snapshot.queues) == {"yemot:/1", "yemot:/2"}
    agents = snapshot.agents.values()
    assert agents and all(a.queue_ids for a in agents)
    assert {a.registered for a in agents} >= {True, None}  # mobiles have no SIP account


def test_kicking_a_waiting_caller_removes_them_and_shows_the_status_map(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    httpx.post(f"{simulator.base_url}/_sim/yemot/queues/1/callers", json={"phone": "0501112233"})
    poll("yemot")
    [caller] = [
        w
        for w in store.load_snapshot("yemot").queues["yemot:/1"].waiting
        if w.phone == "0501112233"
    ]
    status, body = act(
        supervisor, "kick", call_id=caller.call_id, queue_id="yemot:/1", board="floor"
    )
    assert (status, body["ok"]) == (200, True), body
    assert json.loads(body["vendor_response"])["status"] == {
        caller.call_id.removeprefix("yemot:"): "OK"
    }
    poll("yemot")
    assert caller.call_id not in {
        w.call_id for w in store.load_snapshot("yemot").queues["yemot:/1"].waiting
    }
    assert AuditEntry.objects.get().target == caller.call_id


def test_kicking_a_caller_who_already_left_says_so(simulator: SimulatorServer, supervisor) -> None:
    poll("yemot")
    status, body = act(supervisor, "kick", call_id="yemot:gone-already", queue_id="yemot:/1")
    assert status == 502
    assert "not found" in body["message"].lower()


def test_pause_and_unpause_work_the_same_for_yemot_and_voicenter_agents(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    poll("yemot")
    poll("voicenter")
    yemot_agent = next(iter(store.load_snapshot("yemot").agents))
    voicenter_agent = next(
        a.id for a in store.load_snapshot("voicenter").agents.values() if a.state == "available"
    )
    for agent_id, source in [(yemot_agent, "yemot"), (voicenter_agent, "voicenter")]:
        status, body = act(supervisor, "pause", agent_id=agent_id)
        assert (status, body["ok"]) == (200, True), body
        poll(source)
        assert store.load_snapshot(source).agents[agent_id].state == "paused"
        status, body = act(supervisor, "unpause", agent_id=agent_id)
        assert (status, body["ok"]) == (200, True), body
        poll(source)
        assert store.load_snapshot(source).agents[agent_id].state != "paused"
    assert AuditEntry.objects.filter(ok=True).count() == 4


def test_yemot_click_to_call_bridges_a_number_into_an_ivr_path_within_its_limits(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    status, body = act(supervisor, "bridge", source="yemot", number="0501234567", path="/1")
    assert (status, body["ok"]) == (200, True), body
    status, body = act(supervisor, "bridge", source="yemot", number="0501234567", path="")
    assert (status, body["error"]) == (400, "'path' is required")


def test_the_sms_ticker_is_read_only_while_a_board_shows_it(simulator: SimulatorServer) -> None:
    Board.objects.get_or_create(slug="floor", defaults={"name": "Floor"})
    assert sms.refresh_sms("yemot") is None
    Board.objects.filter(slug="floor").update(sms_ticker=True)
    assert sms.refresh_sms("yemot") > 0
    assert store.client().get(store.extra_key("sms", "yemot"))
