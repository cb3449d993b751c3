from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client


@pytest.fixture
def supervisor(transactional_db: None) -> Client:
    """A logged-in user who may watch and act, for the action endpoint over real HTTP."""
    user = User.objects.create_user("supervisor", password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_board", "act"]))
    client = Client()
    client.force_login(user)
    return client
