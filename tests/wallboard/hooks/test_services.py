from __future__ import annotations

import copy
from typing import Any

import pytest

from telephony.virtualats_events import CrmEvent
from wallboard.hooks.services import end_finished_calls, receive_crm_event
from wallboard.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db

CALL_ID = "virtualats:3489655c982f4e46b9c9ca975b031781"
NOW = 1_764_000_000.0


@pytest.fixture
def event(vendor_fixtures: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.WALLBOARD_SINKS = {"helpdesk": {"calls_url": "http://127.0.0.1:9/channels/calls"}}
    return copy.deepcopy(vendor_fixtures["virtualats.crm_event.request"])


def receive(body: dict[str, Any], at: float) -> None:
    receive_crm_event(CrmEvent(**body), now=at)


def ended_outcome() -> str:
    return OutboxEvent.objects.get(call_id=CALL_ID, kind="ended").payload["outcome"]


def test_a_hangup_ends_the_call_as_its_disposition_says(event: dict[str, Any]) -> None:
    receive(dict(event, state="NEW", disposition="RING"), NOW)
    receive(dict(event, state="HANGUP", disposition="BUSY"), NOW + 20)
    assert ended_outcome() == "busy"


def test_a_hangup_saying_answered_counts_even_when_its_update_was_lost(
    event: dict[str, Any],
) -> None:
    receive(dict(event, state="NEW", disposition="RING"), NOW)
    receive(event, NOW + 80)  # the fixture: HANGUP, ANSWERED
    assert ended_outcome() == "answered"


def test_a_hangup_with_an_unknown_disposition_ends_as_the_board_saw_it(
    event: dict[str, Any],
) -> None:
    receive(dict(event, state="NEW", disposition="RING"), NOW)
    receive(dict(event, state="HANGUP", disposition="TRANSFERRED"), NOW + 20)
    assert ended_outcome() == "missed"


def test_a_call_history_lists_as_finished_ends_as_history_says(event: dict[str, Any]) -> None:
    receive(dict(event, state="NEW", disposition="RING"), NOW)
    end_finished_calls({CALL_ID: "failed"}, NOW + 60)  # its HANGUP was lost
    assert ended_outcome() == "failed"
