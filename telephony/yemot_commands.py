"""Yemot commands: the checks their inputs pass before sending, and what their answers mean.

Reference: API_REFERENCE.md §4.2 (QueueManagement), §4.5 (CallExtensionBridging).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from telephony.base import ActionResult, TelephonyError
from telephony.phones import normalise_phone
from telephony.yemot_presence import SOURCE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from telephony.model import Agent
    from telephony.yemot_http import Answer
    from telephony.yemot_wire import BridgingReply

MAX_BRIDGING_NUMBERS = 500  # §4.5: "at most 500 numbers" per campaign
MAX_CALLS_TIMEOUT = 35  # §4.5: callsTimeOut, default 30, maximum 35
IVR_SCHEME = "ivr2:"
_PATH = re.compile(r"[\w:/.+-]+")  # "/1", "1/2", "ivr2:/1/100"; Hebrew folder names are \w
_CALL_ID = re.compile(r"[\w.-]+")  # 32 hex in the doc; Asterisk's "1695290243.12" too
_GOTO = re.compile(r"GOTO:/[\w/.-]*")  # §4.2: "GOTO:/1" moves the caller to extension 1
NOT_FOUND = "Call not found"


def queue_path(raw: str) -> str:
    """A queue or extension path as configured (``/1``), or as the board's id (``yemot:/1``)."""
    path = raw.strip().removeprefix(f"{SOURCE}:")
    if not _PATH.fullmatch(path):
        raise ValueError(f"a Yemot path must look like /1 or /1/2, not {raw!r}")
    return path


def bare_call_ids(raw: Sequence[str]) -> list[str]:
    """Bare call ids, each given bare or as ``yemot:<id>``, without repeats."""
    bare = [str(call_id).strip().removeprefix(f"{SOURCE}:") for call_id in raw]
    bad = [call_id for call_id in bare if not _CALL_ID.fullmatch(call_id)]
    if not bare or bad:
        raise ValueError(f"call ids must be letters, digits, '.', '-' or '_', not {list(raw)!r}")
    return list(dict.fromkeys(bare))


def goto(more_data: str) -> str:
    if not _GOTO.fullmatch(more_data):
        raise ValueError(f"moreData must look like GOTO:/1 (an extension path), not {more_data!r}")
    return more_data


def member_of(agent: Agent) -> tuple[str, list[str]]:
    """The member's name, as GetQueueRealTime gave it, and the paths of its queues."""
    name = agent.extension.strip()
    if agent.source != SOURCE or not name:
        raise ValueError(f"{agent.id} is not a Yemot queue member")
    paths = [queue_path(queue_id) for queue_id in agent.queue_ids]
    if not paths:
        raise ValueError(f"{agent.id} is a member of no Yemot queue")
    return name, paths


def bridging_request(numbers: Sequence[str], path: str, calls_timeout: int) -> dict[str, Any]:
    if not 1 <= len(numbers) <= MAX_BRIDGING_NUMBERS:
        raise ValueError(f"Yemot bridges 1 to {MAX_BRIDGING_NUMBERS} numbers, not {len(numbers)}")
    in_range = isinstance(calls_timeout, int) and 1 <= calls_timeout <= MAX_CALLS_TIMEOUT
    if isinstance(calls_timeout, bool) or not in_range:
        raise ValueError(f"calls_timeout must be 1 to {MAX_CALLS_TIMEOUT} s, not {calls_timeout!r}")
    # Yemot dials national (05...) or 972... numbers: digits only.
    phones = [normalise_phone(number).lstrip("+") for number in numbers]
    target = queue_path(path).removeprefix(IVR_SCHEME)
    ivr_path = f"{IVR_SCHEME}/{target.lstrip('/')}"
    return {"phones": phones, "ivrPath": ivr_path, "callsTimeOut": calls_timeout}


def kick_result(
    sent: list[str], statuses: Mapping[str, str], text: str, more_data: str | None
) -> ActionResult:
    """ok only if every call sent came back "OK": responseStatus is OK even when none did."""
    removed = sum(statuses.get(call_id) == "OK" for call_id in sent)
    failed: dict[str, list[str]] = {}
    for call_id in sent:
        status = statuses.get(call_id, "no answer")
        if status != "OK":
            reason = "not found" if status == NOT_FOUND else status[:60]
            failed.setdefault(reason, []).append(short(call_id))
    target = f" to {more_data.removeprefix('GOTO:')}" if more_data else ""
    verb = "Moved" if more_data else "Removed"
    parts = [f"{verb} {counted(removed, 'caller')}{target}"]
    parts += [f"{len(ids)} {reason}: {', '.join(ids)}" for reason, ids in failed.items()]
    return ActionResult(ok=not failed, message="; ".join(parts), vendor_response=text)


def pause_result(
    name: str, action: str, outcomes: Mapping[str, Answer | TelephonyError]
) -> ActionResult:
    """One request per queue: the message names where it worked and where it did not; the
    vendor response is every queue's answer, by path."""
    done = [path for path, outcome in outcomes.items() if not isinstance(outcome, TelephonyError)]
    errors = {p: o.message for p, o in outcomes.items() if isinstance(o, TelephonyError)}
    verb = "Paused" if action == "pause" else "Unpaused"
    message = f"{verb} {name} in {', '.join(done)}" if done else f"Could not {action} {name}"
    if errors:
        message += "; failed in " + "; ".join(f"{path} ({error})" for path, error in errors.items())
    answers = {
        path: {"error": outcome.message} if isinstance(outcome, TelephonyError) else outcome.data
        for path, outcome in outcomes.items()
    }
    return ActionResult(
        ok=not errors, message=message, vendor_response=json.dumps(answers, ensure_ascii=False)
    )


def bridging_result(
    request: Mapping[str, Any], reply: BridgingReply, errors: Mapping[str, str], text: str
) -> ActionResult:
    phones: list[str] = request["phones"]
    rejected = {phone: errors[phone] for phone in phones if phone in errors}
    target = request["ivrPath"].removeprefix(IVR_SCHEME)
    who = phones[0] if len(phones) == 1 else counted(len(phones) - len(rejected), "number")
    campaign = f" (campaign {reply.campaignId})" if reply.campaignId else ""
    message = f"Calling {who} into {target}{campaign}"
    refused = ", ".join(f"{phone}: {reason}" for phone, reason in rejected.items())
    if len(rejected) == len(phones):
        message = f"Yemot refused {refused}"
    elif rejected:
        message += f"; refused {refused}"
    return ActionResult(ok=not rejected, message=message, vendor_response=text)


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def short(call_id: str) -> str:
    """Enough of a 32-hex id to tell callers apart on a screen."""
    return f"{call_id[:4]}…" if len(call_id) > 6 else call_id
