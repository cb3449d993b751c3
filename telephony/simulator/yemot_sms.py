"""The simulated Yemot's incoming SMS: a few messages, in Hebrew and English, always recent.

Reference: API_REFERENCE.md §4.8. ``phone`` and ``dest`` are typed int in the doc (12-digit
numbers, 972...); ``server_date`` is local time, ``yyyy-mm-dd hh:mm:ss`` (odd shapes:
``dd/mm/yyyy hh:mm`` and strings for the numbers).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Jerusalem")
DEST = 972773137770  # the system's number, as the doc's 972... form
MESSAGES = (
    "שלום, אשמח שיחזרו אליי בהקדם",
    "Hi, please call me back about my order",
    "תודה רבה על השירות המהיר!",
    "What are your opening hours on Friday?",
    "מתי אפשר לקבוע תור?",
)
SPACING = 7 * 60  # seconds between messages, newest first
DATE, ODD_DATE = "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"


class SmsLog:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self._senders = [972_500_000_000 + rng.randrange(10**8) for _ in MESSAGES]

    def rows(self, now: float, limit: int | None, odd: bool) -> list[dict[str, Any]]:
        """The latest ``limit`` messages (all without one), newest first."""
        rows = []
        for index, (sender, text) in enumerate(zip(self._senders, MESSAGES, strict=True)):
            received = datetime.fromtimestamp(now - (index + 1) * SPACING, ZONE)
            rows.append(
                {
                    "dest": str(DEST) if odd else DEST,
                    "phone": str(sender) if odd else sender,
                    "message": text,
                    "server_date": received.strftime(
                        "%d/%m/%Y %H:%M" if odd else "%Y-%m-%d %H:%M:%S"
                    ),
                }
            )
        return rows[:limit]
