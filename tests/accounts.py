"""Signed-in test clients: a user with exactly the named permissions, logged in."""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.test import Client


def signed_in(username: str, *codenames: str, client: Client | None = None) -> Client:
    user = User.objects.create_user(username, password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = client or Client()
    client.force_login(user)
    return client
