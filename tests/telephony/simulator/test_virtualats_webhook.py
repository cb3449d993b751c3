import logging
import socket
import threading

import pytest

from telephony.simulator.virtualats_webhook import WebhookSender
from tests.telephony.simulator.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def test_events_are_posted_as_json_in_the_order_they_were_sent(receiver):
    sender = WebhookSender(receiver.url)
    sender.start()
    try:
        for state in ("NEW", "UPDATE", "HANGUP"):
            sender.send({"callId": "c1", "state": state, "callerId": "Əli\u00a0 <101>"})
        events = [receiver.next_event() for _ in range(3)]
    finally:
        sender.stop()
    assert [event["state"] for event in events] == ["NEW", "UPDATE", "HANGUP"]
    assert events[0]["callerId"] == "Əli\u00a0 <101>"
    assert receiver.received.empty()


def test_it_sends_json_content_type(receiver):
    sender = WebhookSender(receiver.url)
    sender.start()
    try:
        sender.send({"state": "NEW"})
        headers, raw = receiver.received.get(timeout=5)
    finally:
        sender.stop()
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert raw == b'{"state": "NEW"}'


def test_failures_are_dropped_and_logged_once_until_the_receiver_answers_again(receiver, caplog):
    receiver.status = 500
    sender = WebhookSender(receiver.url)
    sender.start()
    try:
        with caplog.at_level(logging.INFO, logger="telephony.simulator.virtualats_webhook"):
            for n in range(3):
                sender.send({"n": n})
            for _ in range(3):
                receiver.next_event()
            receiver.status = 200
            sender.send({"n": 3})
            receiver.next_event()
            sender.stop()
    finally:
        sender.stop()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "dropping events" in warnings[0].getMessage()
    assert "500" in warnings[0].getMessage() and "/hooks" not in warnings[0].getMessage()
    assert any("answers again; 3 events dropped" in r.getMessage() for r in caplog.records)


def test_an_unreachable_receiver_never_blocks_the_sender(caplog):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    sender = WebhookSender(f"http://127.0.0.1:{port}/hook", timeout=0.5)
    sender.start()
    done = threading.Event()

    def burst() -> None:
        for n in range(2000):  # more than the queue holds: the rest is dropped, not waited for
            sender.send({"n": n})
        done.set()

    with caplog.at_level(logging.WARNING):
        threading.Thread(target=burst).start()
        assert done.wait(2)
        sender.stop()
    assert sum("dropping events" in r.getMessage() for r in caplog.records) == 1


def test_stop_without_start_is_harmless():
    WebhookSender("http://127.0.0.1:9/").stop()
