from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.accounts import signed_in
from wallboard.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries() -> None:
    for actor, action, ok in [
        ("dana", "kick", True),
        ("omer", "pause", False),
        ("dana", "call", True),
    ]:
        AuditEntry.objects.create(
            actor=actor,
            action=action,
            ok=ok,
            target=f"yemot:{action}",
            board="floor",
            message=f"{action} done",
            vendor_response='{"responseStatus": "OK"}',
        )


def supervisor(client) -> None:
    signed_in("sup", "view_auditentry", client=client)


def rows(response) -> int:
    return response.content.decode().count('<td class="vendor">')


def test_a_supervisor_sees_who_did_what_and_the_vendors_answer(client, entries) -> None:
    supervisor(client)
    response = client.get("/audit/")
    html = response.content.decode()
    assert response.status_code == 200 and rows(response) == 3
    assert "kick done" in html and "responseStatus" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?q=dana", 2), ("?action=pause", 1), ("?outcome=failed", 1), ("?since=2999-01-01", 0)],
)
def test_the_log_filters_by_person_action_outcome_and_date(
    client, entries, query, expected
) -> None:
    supervisor(client)
    assert rows(client.get(f"/audit/{query}")) == expected


def test_a_bad_date_is_named_not_ignored(client, entries) -> None:
    supervisor(client)
    html = client.get("/audit/?since=yesterday").content.decode()
    assert "&#x27;since&#x27; must be a date like 2026-11-24, got &#x27;yesterday&#x27;" in html


def test_the_log_is_for_supervisors_only(client, entries) -> None:
    assert client.get("/audit/").status_code == 302
    client.force_login(User.objects.create_user("viewer", password="pw"))
    assert client.get("/audit/").status_code == 403
