"""The real Yemot and Voicenter clients against the simulator, over loopback HTTP."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from telephony.base import TelephonyError
from telephony.simulator import CallCentre, SimulatorServer
from telephony.simulator.yemot_wire import new_centre
from telephony.voicenter import VoicenterClient
from telephony.yemot import YemotClient

HEBREW = re.compile(r"[\u05d0-\u05ea]")


@pytest.fixture
def server() -> Iterator[SimulatorServer]:
    with SimulatorServer(
        CallCentre(agents=12, queues=2, seed=5), yemot_centre=new_centre(agents=6, seed=3)
    ) as running:
        httpx.post(f"{running.base_url}/_sim/freeze")  # only the tests' own changes from now on
        yield running


@pytest.fixture
def client(server: SimulatorServer) -> YemotClient:
    return YemotClient("sim-system:sim-password", f"{server.base_url}/yemot/ym/api", ["/1", "/2"])


def sim(server: SimulatorServer, path: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{server.base_url}/_sim/yemot/{path}", json=body)
    response.raise_for_status()
    return response.json()


def waiting_ids(client: YemotClient, queue: str) -> list[str]:
    return [w.call_id for w in client.fetch_snapshot(time.time()).queues[queue].waiting]


def test_the_client_polls_queues_members_and_registration(client: YemotClient) -> None:
    snapshot = client.fetch_snapshot(time.time())
    assert list(snapshot.queues) == ["yemot:/1", "yemot:/2"]
    queue = snapshot.queues["yemot:/1"]
    assert queue.offered_today == queue.answered_today + queue.abandoned_today + len(queue.waiting)
    agents = snapshot.agents.values()
    assert {agent.source for agent in agents} == {"yemot"}
    assert all(agent.queue_ids for agent in agents)
    memberships = [(agent.id, queue) for agent in agents for queue in agent.queue_ids]
    assert all(agent in snapshot.queues[queue].member_ids for agent, queue in memberships)
    # SIP accounts of the system have a registration; a mobile number member has none.
    assert snapshot.agents["yemot:0773137770"].registered in (True, False)
    assert snapshot.agents["yemot:0524000004"].registered is None


def test_a_waiting_caller_is_kicked_and_an_unknown_one_reported(server, client) -> None:
    call_id = sim(server, "queues/1/callers", phone="0501234567")["call_id"]
    assert f"yemot:{call_id}" in waiting_ids(client, "yemot:/1")

    result = client.kick("yemot:/1", [f"yemot:{call_id}", "805c3b221d4b76bb53769aac9e2c57c1"])

    assert (result.ok, result.message) == (False, "Removed 1 caller; 1 not found: 805c…")
    assert f"yemot:{call_id}" not in waiting_ids(client, "yemot:/1")


def test_a_kicked_caller_sent_to_another_queue_waits_there(server, client) -> None:
    call_id = sim(server, "queues/1/callers", phone="0501234567")["call_id"]
    result = client.kick("/1", [call_id], more_data="GOTO:/2")
    assert (result.ok, result.message) == (True, "Moved 1 caller to /2")
    phones = [w.phone for w in client.fetch_snapshot(time.time()).queues["yemot:/2"].waiting]
    assert "0501234567" in phones


def test_a_member_is_paused_and_unpaused_in_all_its_queues(client: YemotClient) -> None:
    snapshot = client.fetch_snapshot(time.time())
    agent = next(a for a in snapshot.agents.values() if a.state == "available")

    paused = client.pause(agent)
    after = client.fetch_snapshot(time.time())

    assert paused.ok and paused.message.startswith(f"Paused {agent.extension} in /")
    assert (after.agents[agent.id].state, after.agents[agent.id].state_reason) == (
        "paused",
        "Paused",
    )
    assert all(agent.id in after.queues[q].paused_member_ids for q in agent.queue_ids)
    assert client.unpause(agent).ok
    assert client.fetch_snapshot(time.time()).agents[agent.id].state == "available"


def test_a_logged_out_sip_account_shows_unregistered_at_the_next_registration_poll(
    server, client
) -> None:
    now = time.time()
    assert client.fetch_snapshot(now).agents["yemot:0773137771"].registered is True
    sim(server, "agents/0773137771/status", status=2)  # Logout
    assert client.fetch_snapshot(now + 1).agents["yemot:0773137771"].registered is True  # cached
    agent = client.fetch_snapshot(now + 31).agents["yemot:0773137771"]
    assert (agent.registered, agent.state) == (False, "offline")


def test_bridging_into_a_queue_puts_the_number_there(client: YemotClient) -> None:
    result = client.bridge("0501112233", "/2")
    assert result.ok and result.message.startswith("Calling 0501112233 into /2 (campaign YA-1-")
    phones = [w.phone for w in client.fetch_snapshot(time.time()).queues["yemot:/2"].waiting]
    assert "0501112233" in phones


def test_bridging_into_another_extension_is_accepted(client: YemotClient) -> None:
    assert client.bridge("0501112233", "/5/1").ok


def test_the_sms_log_has_messages_in_hebrew_and_english(client: YemotClient) -> None:
    messages = client.sms_log(limit=4)
    assert len(messages) == 4
    assert any(HEBREW.search(m.message) for m in messages)
    assert any(m.message.isascii() for m in messages)
    assert all(m.phone.startswith("972") and m.received_at for m in messages)
    times = [m.received_at for m in messages]
    assert times == sorted(times, reverse=True)


def test_an_expired_session_is_renewed_by_logging_in_again(server, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="telephony")
    client.fetch_snapshot(time.time())
    assert sim(server, "tokens/expire") == {"expired": 1}
    assert client.fetch_snapshot(time.time()).queues
    assert "the session has ended; logging in again" in caplog.text


def test_odd_shapes_give_the_same_snapshot_with_warnings(server, client, caplog) -> None:
    sim(server, "queues/1/callers", phone="0501234567")
    now = time.time()
    plain = client.fetch_snapshot(now)
    sim(server, "odd-shapes", on=True)
    odd = client.fetch_snapshot(now)
    assert odd == plain
    assert "read leniently" in caplog.text
    assert client.sms_log(limit=1)[0].received_at is not None  # dd/mm/yyyy hh:mm


def test_wrong_credentials_are_a_permanent_error(server) -> None:
    base = f"{server.base_url}/yemot/ym/api"
    with pytest.raises(TelephonyError) as raised:
        YemotClient("sim-system:wrong", base, ["/1"]).fetch_snapshot(time.time())
    assert raised.value.message == "Yemot Login: FORBIDDEN user name or password do not match"
    assert raised.value.permanent


def test_the_voicenter_client_pauses_an_agent_and_the_next_poll_shows_it(server) -> None:
    voicenter = VoicenterClient(
        "sim-code",
        f"{server.base_url}/voicenter/comet/API",
        status_api_url=f"{server.base_url}/voicenter-api",
    )
    snapshot = voicenter.fetch_snapshot(time.time())
    agent = next(a for a in snapshot.agents.values() if a.state == "available")  # no call

    assert voicenter.pause(agent).message == f"Paused {agent.extension} (Other)"
    paused = voicenter.fetch_snapshot(time.time()).agents[agent.id]
    assert (paused.state, paused.state_reason) == ("paused", "Other")

    assert voicenter.unpause(agent).ok
    assert voicenter.fetch_snapshot(time.time()).agents[agent.id].state == "available"
