"""The helpdesk's side of §5 (create_call / update_call over multipart), as a test double.

Stricter than the real service is known to be, so that a sink's mistakes show: unknown field
names, a missing required field or two of an "only one of" set are answered 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from itertools import count
from typing import TYPE_CHECKING, Any

from telephony.simulator.protocol import HttpError, Reply

if TYPE_CHECKING:
    from telephony.simulator.receivers_record import Ledger

PREFIX = "/helpdesk/api/v2/telephony/calls/"
SERVICE = "helpdesk"
STATUSES = frozenset({"ringing", "in-progress", "canceled", "missed", "failed", "answered", "busy"})
AUDIENCES = ("user_ids[]", "group_ids[]", "pbx_user_ids[]")  # only one at a time (§5.4)
COMMON = {"action", "call_status", "pbx_call_id", "audio_record", "comment"}
CREATE_FIELDS = frozenset({*COMMON, "direction", "phone", *AUDIENCES})
UPDATE_FIELDS = frozenset({*COMMON, "call_id", "user_id", "pbx_user_id"})
# The doc's example reply (fixture helpdesk.create_call) numbers the first call and ticket.
FIRST_CALL_ID, FIRST_TICKET_ID = 725, 8592

Form = tuple[tuple[str, str], ...]


def parse_form(content_type: str, body: bytes) -> Form:
    """The fields of a multipart/form-data body in order; ValueError when it is not one."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if message.get_content_type() != "multipart/form-data" or not message.is_multipart():
        raise ValueError("expected a multipart/form-data body")
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            raise ValueError("every part needs a name and a value")
        fields.append((name, payload.decode()))
    return tuple(fields)


@dataclass
class HelpdeskCall:
    call_id: int
    ticket_id: int
    direction: str
    phone: str
    call_status: str
    pbx_call_id: str | None
    pbx_user_id: str | None
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """How the ledger names the call: its PBX id, else the helpdesk's own."""
        return self.pbx_call_id or f"#{self.call_id}"

    def reply(self) -> dict[str, Any]:
        # The doc's reply keys (§5.4, §5.5). No employees exist here, so user_id stays null.
        data = {
            "call_id": self.call_id,
            "pbx_call_id": self.pbx_call_id,
            "user_id": None,
            "pbx_user_id": self.pbx_user_id,
            "call_status": self.call_status,
            "audio_record": None,
            "ticket_id": self.ticket_id,
        }
        return {"data": data}


class HelpdeskReceiver:
    def __init__(self, channel_key: str, ledger: Ledger) -> None:
        self.calls: dict[int, HelpdeskCall] = {}
        self._path = f"{PREFIX}@{channel_key}"
        self._ledger = ledger
        self._call_ids = count(FIRST_CALL_ID)
        self._ticket_ids = count(FIRST_TICKET_ID)

    def handle(self, path: str, form: Form) -> Reply:
        if path.rstrip("/") != self._path:
            raise HttpError(HTTPStatus.NOT_FOUND, "no such channel")
        action = dict(form).get("action")
        if action == "create_call":
            return Reply.json(self._create(form).reply())
        if action == "update_call":
            return Reply.json(self._update(form).reply())
        raise HttpError(HTTPStatus.BAD_REQUEST, "action must be create_call or update_call")

    # Reference: API_REFERENCE.md §5.4
    def _create(self, form: Form) -> HelpdeskCall:
        fields = checked(form, CREATE_FIELDS, required=("direction", "phone"))
        if fields["direction"] not in ("incoming", "outgoing"):
            raise HttpError(HTTPStatus.BAD_REQUEST, "direction must be incoming or outgoing")
        if sum(name in fields for name in AUDIENCES) > 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, "only one of " + ", ".join(AUDIENCES))
        users = [value for name, value in form if name == "pbx_user_ids[]"]
        call = HelpdeskCall(
            call_id=next(self._call_ids),
            ticket_id=next(self._ticket_ids),
            direction=fields["direction"],
            phone=fields["phone"],
            call_status=status_of(fields, default="ringing"),
            pbx_call_id=fields.get("pbx_call_id"),
            pbx_user_id=users[0] if len(users) == 1 else None,
        )
        call.comments.extend(filter(None, [fields.get("comment")]))
        self.calls[call.call_id] = call
        self._ledger.delivered(SERVICE, call.key, "create_call")
        return call

    # Reference: API_REFERENCE.md §5.5
    def _update(self, form: Form) -> HelpdeskCall:
        fields = checked(form, UPDATE_FIELDS, required=("call_status",))
        for pair in (("call_id", "pbx_call_id"), ("user_id", "pbx_user_id")):
            if all(name in fields for name in pair):
                raise HttpError(HTTPStatus.BAD_REQUEST, "only one of {} or {}".format(*pair))
        status = status_of(fields, default="")
        call = self._find(fields)
        call.call_status = status
        call.pbx_user_id = fields.get("pbx_user_id", call.pbx_user_id)
        call.comments.extend(filter(None, [fields.get("comment")]))
        self._ledger.delivered(SERVICE, call.key, ("update_call", call.call_status))
        return call

    def _find(self, fields: dict[str, str]) -> HelpdeskCall:
        if "call_id" in fields:
            if not fields["call_id"].isdigit():
                raise HttpError(HTTPStatus.BAD_REQUEST, "call_id must be a number")
            call = self.calls.get(int(fields["call_id"]))
        elif "pbx_call_id" in fields:
            matching = [c for c in self.calls.values() if c.pbx_call_id == fields["pbx_call_id"]]
            call = matching[-1] if matching else None
        else:
            raise HttpError(HTTPStatus.BAD_REQUEST, "call_id or pbx_call_id is required")
        if call is None:
            raise HttpError(HTTPStatus.NOT_FOUND, "call not found")
        return call


def checked(form: Form, allowed: frozenset[str], required: tuple[str, ...]) -> dict[str, str]:
    fields = dict(form)
    if unknown := sorted(set(fields) - allowed):
        raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown fields: {', '.join(unknown)}")
    if missing := [name for name in required if not fields.get(name)]:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"missing fields: {', '.join(missing)}")
    return fields


def status_of(fields: dict[str, str], default: str) -> str:
    status = fields.get("call_status", default)
    if status not in STATUSES:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown call_status {status!r}")
    return status
