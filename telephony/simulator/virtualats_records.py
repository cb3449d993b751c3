"""The simulated centre's calls as VirtualATS call records, and the last day of finished ones.

One record shape serves callRecord/history (§3.3) and, with ``apiKey`` and ``state`` added, the
CRM webhook (§3.9): field names and order as in the doc's examples (fixtures.json).
"""

from __future__ import annotations

import io
import itertools
import math
import struct
import wave
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from telephony.simulator.callcentre import INCOMING

if TYPE_CHECKING:
    from telephony.simulator.callcentre import Agent, Call, CallCentre

# The doc's examples all say +0300 (Azerbaijan is +0400): dates carry their offset, and a
# client that assumed its own zone would be caught out, as by the real service.
ZONE = timezone(timedelta(hours=3))
KEEP_SECONDS = 24 * 3600
FIRST_FILE_ID = 12345  # the doc's example recording id


@dataclass(frozen=True, slots=True)
class Finished:
    started: float
    sequence: int  # end order, to keep calls that started in the same second in a stable order
    record: dict[str, Any]
    file_id: str | None  # a recording, for answered calls that were recorded


def call_date(epoch: float) -> str:
    """``d.MM.yyyy HH:mm:ssZ``: the day is not zero-padded."""
    moment = datetime.fromtimestamp(epoch, ZONE)
    return f"{moment.day}{moment:.%m.%Y %H:%M:%S%z}"


def caller_id(name: str, number: str) -> str:
    # The doc's examples put a no-break space after non-ASCII names ("Əli\u00a0 <101>").
    spacer = " " if name.isascii() else "\u00a0 "
    return f"{name}{spacer}<{number}>"


def disposition(call: Call) -> str:
    if call.answered_at:
        return "ANSWERED"
    if not call.ended:
        return "RING"
    # A quarter of unanswered outbound calls find the line busy. Decided by the id's last hex
    # digit: one more random draw in the engine would change the course of every seeded centre.
    if call.direction != INCOMING and int(call.call_id[-1], 16) % 4 == 0:
        return "BUSY"
    return "NO_ANSWERED"


def calling_party(call: Call, agent: Agent | None) -> str:
    if call.direction == INCOMING or agent is None:
        return caller_id(call.caller_name, call.phone)
    return caller_id(agent.name, agent.username)


class CallRecords:
    def __init__(self, centre: CallCentre) -> None:
        self._centre = centre
        self._finished: deque[Finished] = deque()  # in the order calls ended
        self._recordings: dict[str, str] = {}  # file id -> call id
        self._sequence = itertools.count()
        self._file_ids = itertools.count(FIRST_FILE_ID)

    def render(self, call: Call, moment: float) -> dict[str, Any]:
        """The record of ``call`` as of ``moment``, without its recording URL."""
        inbound = call.direction == INCOMING
        agent = self._centre.find_agent(call.agent) if call.agent else None
        extension = agent.username if agent else ""
        return {
            "callDate": call_date(call.started),
            "callerId": calling_party(call, agent),
            "callId": call.call_id,
            "source": call.phone if inbound else extension,
            "destination": call.did if inbound else call.phone,
            "answeredNumber": extension if call.answered_at or not inbound else "",
            "duration": str(int(moment - call.started)),
            "talkTime": str(int(moment - call.answered_at)) if call.answered_at else "0",
            "direction": "INBOUND" if inbound else "OUTBOUND",
            "disposition": disposition(call),
            "recordConversation": "",
        }

    def finish(self, call: Call, record: dict[str, Any]) -> str | None:
        """Keep an ended call for history; returns its recording's file id, if it has one."""
        file_id = None
        if call.answered_at and call.recorded:
            file_id = str(next(self._file_ids))
            self._recordings[file_id] = call.call_id
        self._finished.append(Finished(call.started, next(self._sequence), record, file_id))
        self._forget_before(call.ended_at - KEEP_SECONDS)
        return file_id

    def has_recording(self, file_id: str) -> bool:
        return file_id in self._recordings

    def select(self, since: float, until: float, filters: dict[str, str]) -> list[Finished]:
        """Finished calls that started in [since, until], oldest first, matching ``filters``.

        Compared to the second, as callDate shows them and as the bounds are given.
        """
        chosen = [
            item
            for item in self._finished
            if since <= math.floor(item.started) <= until
            and all(item.record[key] == value for key, value in filters.items())
        ]
        return sorted(chosen, key=lambda item: (item.started, item.sequence))

    def _forget_before(self, epoch: float) -> None:
        while self._finished and self._finished[0].started < epoch:
            gone = self._finished.popleft()
            if gone.file_id is not None:
                del self._recordings[gone.file_id]


def _tone(seconds: float = 0.5, rate: int = 8000, pitch: float = 440.0) -> bytes:
    """A short, quiet tone as a WAV file: what every simulated recording plays."""
    frames = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * pitch * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return buffer.getvalue()


RECORDING = _tone()
RECORDING_TYPE = "audio/wav"
