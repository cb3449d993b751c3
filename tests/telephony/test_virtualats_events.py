"""The CRM webhook event: strict parsing, and the pure folding of events and polls."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from telephony.model import Agent, Call, Snapshot
from telephony.virtualats_events import (
    CrmEvent,
    CrmEventError,
    api_key_matches,
    apply_crm_event,
    merge_poll,
    parse_crm_event,
)

CALL_ID = "3489655c982f4e46b9c9ca975b031781"
PREFIXED = f"virtualats:{CALL_ID}"
STARTED = 1546326336.0  # the doc's callDate, 1.01.2019 10:05:36+0300
T = STARTED + 5


def agent(extension: str, registered: bool | None = True, reason: str = "", **fields: Any) -> Agent:
    state = {True: "available", False: "offline", None: "unknown"}[registered]
    return Agent(
        id=f"virtualats:{extension}",
        source="virtualats",
        extension=extension,
        name=f"Agent {extension}",
        state=fields.pop("state", state),
        state_reason=reason,
        state_since=fields.pop("state_since", 1.0),
        registered=registered,
        **fields,
    )


def polled(*agents: Agent) -> Snapshot:
    return Snapshot(source="virtualats", agents={a.id: a for a in agents})


@pytest.fixture
def board() -> Snapshot:
    return polled(agent("100"), agent("101"), agent("102", False, "Disconnected"))


@pytest.fixture
def doc_event(vendor_fixtures: dict[str, Any]) -> dict[str, Any]:
    return dict(vendor_fixtures["virtualats.crm_event.request"])


def event(doc_event: dict[str, Any], state: str, **fields: str) -> CrmEvent:
    return parse_crm_event(json.dumps({**doc_event, "state": state, **fields}).encode())


def test_the_documented_event_parses_with_every_field(doc_event):
    parsed = parse_crm_event(json.dumps(doc_event).encode())
    assert msgspec.structs.asdict(parsed) == doc_event
    assert parsed.recordConversation.strip().endswith("/storageFile/download/12345")


def test_only_api_key_call_id_and_state_are_required():
    parsed = parse_crm_event(b'{"apiKey": "k", "callId": "c1", "state": "NEW"}')
    assert (parsed.direction, parsed.answeredNumber, parsed.callDate) == ("INBOUND", "", "")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"apiKey": "k", "state": "NEW"}', "Object missing required field `callId`"),
        (b'{"callId": "c1", "state": "NEW"}', "Object missing required field `apiKey`"),
        (b'{"apiKey": "k", "callId": "c1"}', "Object missing required field `state`"),
        (b'{"apiKey": "k", "callId": "c1", "state": "RINGING"}', r"at `\$.state`"),
        (
            b'{"apiKey": "k", "callId": 7, "state": "NEW"}',
            r"Expected `str`, got `int` - at `\$.callId`",
        ),
        (b'{"apiKey": "k", "callId": "c1", "state": "NEW", "duration": 75}', r"at `\$.duration`"),
        (
            b'{"apiKey": "k", "callId": "c1", "state": "NEW", "direction": "IN"}',
            r"at `\$.direction`",
        ),
        (b'{"apiKey": "k", "callId": " ", "state": "NEW"}', "`callId` is empty"),
        (
            b'{"apiKey": "k", "callId": "c1", "state": "NEW", "callDate": "2019-01-01"}',
            "`callDate`",
        ),
        (b'{"apiKey": "k",', "malformed JSON"),
        (b'["apiKey"]', "Expected `object`, got `array`"),
    ],
)
def test_a_bad_event_names_the_field_that_is_wrong(body, message):
    with pytest.raises(CrmEventError, match=message) as caught:
        parse_crm_event(body)
    assert isinstance(caught.value, ValueError)
    assert caught.value.args[0].startswith("CRM event: ")


def test_the_api_key_is_compared_exactly(doc_event):
    parsed = parse_crm_event(json.dumps(doc_event).encode())
    assert api_key_matches(parsed, "1234567890abcdef")
    assert not api_key_matches(parsed, "1234567890abcdeF")
    assert not api_key_matches(parsed, "")


def test_new_inbound_call_rings_on_nobody_until_answered(board, doc_event):
    update = apply_crm_event(board, event(doc_event, "NEW", answeredNumber=""), T, set())
    call = update.snapshot.calls[PREFIXED]
    assert (call.direction, call.status, call.agent_id) == ("inbound", "ringing", None)
    assert (call.caller, call.callee, call.did) == ("994557967473", "994124886606", "994124886606")
    assert (call.started_at, call.answered_at, update.ended_call_id) == (STARTED, None, None)
    assert update.snapshot.agents == board.agents


def test_new_inbound_call_offered_to_an_extension_makes_it_ring(board, doc_event):
    snapshot = apply_crm_event(board, event(doc_event, "NEW"), T, set()).snapshot
    assert snapshot.calls[PREFIXED].agent_id == "virtualats:100"
    ringing = snapshot.agents["virtualats:100"]
    assert (ringing.state, ringing.state_since, ringing.call_ids) == ("ringing", T, [PREFIXED])


def test_update_answers_the_call_on_the_answering_extension(board, doc_event):
    ringing = apply_crm_event(board, event(doc_event, "NEW", answeredNumber=""), T, set()).snapshot
    answered = apply_crm_event(ringing, event(doc_event, "UPDATE"), T + 3, set()).snapshot
    call = answered.calls[PREFIXED]
    assert (call.status, call.answered_at, call.agent_id) == ("talking", T + 3, "virtualats:100")
    talking = answered.agents["virtualats:100"]
    assert (talking.state, talking.state_since, talking.call_ids) == ("talking", T + 3, [PREFIXED])


def test_hangup_removes_the_call_and_the_agent_returns_to_its_presence(board, doc_event):
    snapshot = board
    for state, now in (("NEW", T), ("UPDATE", T + 3)):
        snapshot = apply_crm_event(snapshot, event(doc_event, state), now, set()).snapshot
    update = apply_crm_event(snapshot, event(doc_event, "HANGUP"), T + 60, set())
    assert update.ended_call_id == PREFIXED and update.snapshot.calls == {}
    back = update.snapshot.agents["virtualats:100"]
    assert (back.state, back.state_since, back.call_ids) == ("available", T + 60, [])


@pytest.mark.parametrize(
    ("registered", "reason", "presence"),
    [
        (True, "", "available"),
        (False, "Disconnected", "offline"),
        (None, "Not monitored", "unknown"),
    ],
)
def test_after_a_call_each_presence_comes_back_with_its_reason(
    doc_event, registered, reason, presence
):
    snapshot = polled(agent("100", registered, reason))
    snapshot = apply_crm_event(snapshot, event(doc_event, "UPDATE"), T, set()).snapshot
    assert snapshot.agents["virtualats:100"].state == "talking"
    snapshot = apply_crm_event(snapshot, event(doc_event, "HANGUP"), T + 9, set()).snapshot
    back = snapshot.agents["virtualats:100"]
    assert (back.state, back.state_reason, back.registered) == (presence, reason, registered)


def test_new_after_update_is_ignored(board, doc_event):
    answered = apply_crm_event(board, event(doc_event, "UPDATE"), T, set()).snapshot
    late = apply_crm_event(answered, event(doc_event, "NEW"), T + 1, set())
    assert late.snapshot is answered and late.ended_call_id is None


@pytest.mark.parametrize("state", ["NEW", "UPDATE"])
def test_a_repeated_event_changes_nothing(board, doc_event, state):
    once = apply_crm_event(board, event(doc_event, state), T, set()).snapshot
    twice = apply_crm_event(once, event(doc_event, state), T + 2, set())
    assert twice.snapshot is once and twice.ended_call_id is None


@pytest.mark.parametrize("state", ["NEW", "UPDATE", "HANGUP"])
def test_anything_for_an_ended_call_is_ignored(board, doc_event, state):
    update = apply_crm_event(board, event(doc_event, state), T, {PREFIXED})
    assert update.snapshot is board and update.ended_call_id is None


def test_a_hangup_before_its_new_leaves_no_ghost(board, doc_event):
    ended: set[str] = set()
    first = apply_crm_event(board, event(doc_event, "HANGUP"), T, ended)
    assert first.ended_call_id == PREFIXED and first.snapshot.calls == {}
    ended.add(first.ended_call_id)
    late_new = apply_crm_event(first.snapshot, event(doc_event, "NEW"), T + 1, ended)
    assert late_new.snapshot.calls == {}


def test_an_outbound_call_from_an_extension_is_dialling(board, doc_event):
    outbound = event(
        doc_event,
        "NEW",
        direction="OUTBOUND",
        source="101",
        destination="0124886606",
        answeredNumber="",
    )
    snapshot = apply_crm_event(board, outbound, T, set()).snapshot
    call = snapshot.calls[PREFIXED]
    assert (call.direction, call.status, call.caller, call.callee) == (
        "outbound",
        "dialing",
        "101",
        "0124886606",
    )
    assert (call.agent_id, call.did) == ("virtualats:101", "")
    assert snapshot.agents["virtualats:101"].state == "dialing"


def test_an_outbound_call_shown_from_the_company_number_belongs_to_the_answered_extension(
    board, doc_event
):
    outbound = event(
        doc_event, "NEW", direction="OUTBOUND", source="994124886606", answeredNumber="101"
    )
    call = apply_crm_event(board, outbound, T, set()).snapshot.calls[PREFIXED]
    assert (call.caller, call.agent_id) == ("101", "virtualats:101")


def test_an_update_whose_new_was_lost_starts_the_call_as_talking(board, doc_event):
    snapshot = apply_crm_event(board, event(doc_event, "UPDATE"), T, set()).snapshot
    call = snapshot.calls[PREFIXED]
    assert (call.status, call.started_at, call.answered_at) == ("talking", STARTED, T)


def test_an_update_naming_another_extension_moves_the_call(board, doc_event):
    snapshot = apply_crm_event(board, event(doc_event, "UPDATE"), T, set()).snapshot
    moved = apply_crm_event(
        snapshot, event(doc_event, "UPDATE", answeredNumber="101"), T + 30, set()
    )
    agents = moved.snapshot.agents
    assert moved.snapshot.calls[PREFIXED].answered_at == T  # still answered when it was
    assert (agents["virtualats:100"].state, agents["virtualats:101"].state) == (
        "available",
        "talking",
    )


def test_events_before_any_poll_start_an_empty_snapshot(doc_event):
    snapshot = apply_crm_event(None, event(doc_event, "NEW"), T, set()).snapshot
    assert snapshot.source == "virtualats" and snapshot.agents == {}
    assert snapshot.calls[PREFIXED].agent_id == "virtualats:100"


def test_nothing_passed_in_is_modified(board, doc_event):
    before = msgspec.json.encode(board)
    ended: set[str] = set()
    for state in ("NEW", "UPDATE", "HANGUP"):
        apply_crm_event(board, event(doc_event, state), T, ended)
    assert msgspec.json.encode(board) == before and ended == set()


def talking_call(agent_id: str = "virtualats:100") -> Call:
    return Call(
        id=PREFIXED,
        source="virtualats",
        direction="inbound",
        status="talking",
        caller="994557967473",
        callee="994124886606",
        agent_id=agent_id,
        answered_at=T,
    )


def test_merge_poll_without_a_previous_snapshot_is_the_poll_with_an_empty_incoming_queue(board):
    merged = merge_poll(None, board)
    assert merged.agents == board.agents and merged.calls == {}
    assert merged.queues["virtualats:incoming"].waiting == []


def test_an_inbound_call_waits_in_the_incoming_queue_until_an_extension_answers(board, doc_event):
    ringing = apply_crm_event(board, event(doc_event, "NEW", answeredNumber=""), 10.0, set())
    [waiting] = ringing.snapshot.queues["virtualats:incoming"].waiting
    assert (waiting.call_id, waiting.phone) == (
        "virtualats:3489655c982f4e46b9c9ca975b031781",
        "994557967473",
    )
    answered = apply_crm_event(ringing.snapshot, event(doc_event, "UPDATE"), 20.0, set())
    assert answered.snapshot.queues["virtualats:incoming"].waiting == []
    assert answered.snapshot.agents["virtualats:100"].state == "talking"


def test_merge_poll_keeps_live_calls_and_their_agents_state(board):
    previous = msgspec.structs.replace(
        board,
        calls={PREFIXED: talking_call()},
        agents={
            **board.agents,
            "virtualats:100": agent("100", state="talking", state_since=T, call_ids=[PREFIXED]),
        },
    )
    fresh = polled(
        agent("100", False, "Disconnected", state_since=T + 50), agent("101", state_since=T + 50)
    )
    merged = merge_poll(previous, fresh)
    assert merged.calls == {PREFIXED: talking_call()}
    on_call = merged.agents["virtualats:100"]
    # The call wins over presence, but the new presence is kept for when the call ends.
    assert (on_call.state, on_call.state_since, on_call.call_ids) == ("talking", T, [PREFIXED])
    assert (on_call.registered, on_call.state_reason) == (False, "Disconnected")
    assert set(merged.agents) == {"virtualats:100", "virtualats:101"}


def test_merge_poll_keeps_state_since_while_presence_is_unchanged(board):
    fresh = polled(agent("100", state_since=T + 50), agent("101", False, state_since=T + 50))
    merged = merge_poll(board, fresh)
    assert merged.agents["virtualats:100"].state_since == 1.0  # still available: same timer
    assert merged.agents["virtualats:101"].state_since == T + 50  # went offline at this poll


def test_a_call_ended_after_a_poll_returns_the_agent_to_the_polled_presence(board, doc_event):
    snapshot = apply_crm_event(board, event(doc_event, "UPDATE"), T, set()).snapshot
    snapshot = merge_poll(snapshot, polled(agent("100", None, "Not monitored", state_since=T + 5)))
    snapshot = apply_crm_event(snapshot, event(doc_event, "HANGUP"), T + 9, set()).snapshot
    assert snapshot.agents["virtualats:100"].state == "unknown"
