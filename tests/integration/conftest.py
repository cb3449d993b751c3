from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts import signed_in


@pytest.fixture
def supervisor(transactional_db: None) -> Client:
    """A logged-in user who may watch and act, for the action endpoint over real HTTP."""
    return signed_in("supervisor", "view_board", "act")
