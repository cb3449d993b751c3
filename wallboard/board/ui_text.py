"""Every word the board page shows, translated with Django's i18n for the board's language.

The page's scripts (static/board/*.js) keep the same English under the same keys and take these
from board_config.text by key; the template takes its few words from there too. Placeholders are
{name}, filled by the script after translation, so a translation may put them anywhere.
Translations live in locale/<language>/LC_MESSAGES/django.po (compile with compilemessages).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UI_TEXT = {
    # The page itself (templates/board/board.html).
    "page_title": _("Wallboard"),
    "sources_label": _("Data sources"),
    "stats_label": _("Today's statistics"),
    "queues_title": _("Queues"),
    "recent_title": _("Recent calls"),
    # Agents and queues (board.js).
    "state_available": _("Available"),
    "state_ringing": _("Ringing"),
    "state_dialing": _("Dialing"),
    "state_talking": _("Talking"),
    "state_hold": _("On hold"),
    "state_paused": _("Paused"),
    "state_offline": _("Offline"),
    "state_unknown": _("Unknown"),
    "direction_in": pgettext_lazy("call direction, a short badge", "In"),
    "direction_out": pgettext_lazy("call direction, a short badge", "Out"),
    "extension": _("ext. {extension}"),
    "not_registered": _("Phone not registered"),
    "waiting": _("Waiting"),
    "longest": _("Longest"),
    "more_callers": _("+{n} more"),
    "offered": _("Offered"),
    "answered": _("Answered"),
    "abandoned": _("Abandoned"),
    "today": _("Today"),
    "today_from": _("Today from 00:00 {time_zone}"),
    # Connection and data sources (board.js).
    "source_data_age": _("data {age} old"),
    "source_no_data": _("no data yet"),
    "age_seconds": _("{n} s"),
    "age_minutes": _("{n} min"),
    "age_hours": _("{n} h"),
    "connection_connecting": _("Connecting…"),
    "connection_live": _("Live"),
    "connection_reconnecting": _("Reconnecting"),
    "connection_silent": _("No updates"),
    "reconnecting_attempt": _("Reconnecting… attempt {n}"),
    "silent_for": _("No updates for {seconds} s"),
    "next_try": _("next try in {seconds} s"),
    "trying_now": _("connecting now"),
    # Today's figures and agents by state (board-stats.js).
    "missed": _("Missed"),
    "abandon": pgettext_lazy("share of calls abandoned, a column title", "Abandon"),
    "sl": pgettext_lazy("service level, abbreviated", "SL"),
    "sl_seconds": _("SL {seconds} s"),
    "sl_formula": _("answered within {seconds} s ÷ offered (inbound, abandoned included)"),
    "sl_below_target": _("Below the {target} target"),
    "asa": pgettext_lazy("average speed of answer, abbreviated", "ASA"),
    "asa_hint": _("Average speed of answer"),
    "aht": pgettext_lazy("average handle time, abbreviated", "AHT"),
    "aht_hint": _("Average handle time (talk)"),
    "outbound": _("Outbound"),
    "mixed_thresholds": _("sources use different SL thresholds"),
    "per_source": _(
        "{source}: {offered} offered · {answered} answered · {missed} missed · SL {sl}"
    ),
    "agents": _("Agents"),
    # The last hour's chart (board-chart.js).
    "chart_title": _("Last hour"),
    "chart_target": _("target {target}"),
    "chart_sl_weighted": _("SL: all sources, weighted by calls offered today"),
    "chart_sl_average": _("SL: average of the sources"),
    "chart_sl_source": _("SL: {source}"),
    "chart_start": _("−60 min"),
    "chart_now": _("now"),
    "chart_no_data": _("No points yet"),
    # SMS ticker, alert sound, paging (board-ticker.js, board-alerts.js, board-layout.js).
    "sms_title": _("SMS"),
    "sound_enable": _("Enable sound"),
    "sound_on": _("Sound on"),
    "sound_hint": _("A short beep when something turns red"),
    "page_of": _("Page {page}/{pages}"),
    # Supervisors' controls (board-actions.js).
    "close": _("Close"),
    "call_number": _("Call a number"),
    "call": pgettext_lazy("button: place the call", "Call"),
    "bad_number": _("Enter 3–20 digits (spaces, dashes, brackets and a leading + are fine)."),
    "pause": pgettext_lazy("button: pause the agent", "Pause"),
    "unpause": pgettext_lazy("button: end the agent's pause", "Unpause"),
    "current_calls": _("Current calls"),
    "no_calls": _("No current calls"),
    "hang_up": _("Hang up"),
    "confirm_hang_up": _("Hang up the call with {party}?"),
    "cancel": _("Cancel"),
    "panel_waiting": _("Waiting: {n}"),
    "nobody_waiting": _("Nobody is waiting"),
    "remove": _("Remove…"),
    "remove_caller": _("Remove {phone}"),
    "confirm_kick": _("Remove {phone} from {queue}?"),
    "confirm_remove": pgettext_lazy("button: remove the caller from the queue", "Remove"),
    "send_to": _("Send to"),
    "nowhere": _("Nowhere (just remove)"),
    "subject_call": _("Call {number} from {agent}"),
    "subject_pause": _("Pause {agent}"),
    "subject_unpause": _("Unpause {agent}"),
    "subject_hangup": _("Hang up the call with {party}"),
    "subject_kick": _("Remove {phone} from {queue}"),
    "subject_bridge": _("Call {number} into {path}"),
    "done": _("Done."),
    "no_answer": _("No answer from the server: check the board before trying again."),
    "http_status": _("The server answered {status} {text}"),
    "results_label": _("Action results"),
    "disposition_answered": pgettext_lazy("outcome of one call", "Answered"),
    "disposition_missed": pgettext_lazy("outcome of one call", "Missed"),
    "disposition_busy": pgettext_lazy("outcome of one call", "Busy"),
    "disposition_failed": pgettext_lazy("outcome of one call", "Failed"),
    "play_label": _("Play the recording of the call with {party} (opens a new tab)"),
    "bridge": _("Call into IVR"),
    "bridge_hint": _("Ring a number and connect it to an IVR path"),
    "bridge_source": _("Line"),
    "bridge_number": _("Number to call"),
    "bridge_path": _("IVR path"),
}


def ui_text(language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: str(text) for key, text in UI_TEXT.items()}
