import re
from collections import defaultdict

import pytest

from telephony.simulator.callcentre import (
    DIALING,
    HOLD,
    LOGIN,
    LOGOUT,
    LUNCH,
    RINGING,
    STATUS_NAMES,
    TALKING,
    CallCentre,
    Dialect,
)

T0 = 1_700_000_000.0
HEBREW = re.compile(r"[\u05d0-\u05ea]")
AZERBAIJANI_SURNAME = re.compile(r"(ov|ev)a?$")


def started(agents: int = 20, queues: int = 4, seed: int = 1, speed: float = 1.0) -> CallCentre:
    centre = CallCentre(agents=agents, queues=queues, seed=seed, speed=speed)
    centre.advance(T0)
    return centre


def advance_by(centre: CallCentre, seconds: float, step: float = 1.0) -> None:
    end = centre.now + seconds
    while centre.now < end:
        centre.advance(min(end, centre.now + step))


def test_same_seed_and_same_advances_give_the_same_state():
    first, second = started(seed=7), started(seed=7)
    advance_by(first, 600, step=5)
    advance_by(second, 600, step=5)
    assert first.snapshot() == second.snapshot()


def test_different_seeds_give_different_centres():
    assert started(seed=1).snapshot() != started(seed=2).snapshot()


def test_state_does_not_depend_on_how_time_is_sliced():
    sliced, whole = started(seed=3), started(seed=3)
    advance_by(sliced, 900, step=0.7)
    whole.advance(T0 + 900)
    assert sliced.snapshot() == whole.snapshot()


def test_about_a_tenth_of_agents_are_logged_out_at_start():
    centre = started(agents=1000, queues=100)
    logged_out = sum(agent.status == LOGOUT for agent in centre.agents)
    assert 50 <= logged_out <= 170


def test_logged_out_agent_has_no_online_user_id():
    centre = started()
    for agent in centre.agents:
        expected = 0 if agent.status == LOGOUT else agent.user_id
        assert agent.online_user_id == expected
    assert any(agent.status == LOGOUT for agent in centre.agents)


def test_extensions_are_sip_usernames_with_unique_ids():
    centre = CallCentre(agents=50)
    assert [agent.username for agent in centre.agents][:3] == ["SIP1001", "SIP1002", "SIP1003"]
    assert len({agent.extension_id for agent in centre.agents}) == 50
    assert len({agent.user_id for agent in centre.agents}) == 50


def test_agent_names_mix_english_hebrew_and_azerbaijani():
    names = [agent.name for agent in CallCentre(agents=200).agents]
    hebrew = [name for name in names if HEBREW.search(name)]
    azerbaijani = [name for name in names if AZERBAIJANI_SURNAME.search(name)]
    english = [name for name in names if name.isascii() and name not in azerbaijani]
    assert min(len(hebrew), len(azerbaijani), len(english)) >= 30
    assert any("ə" in name.lower() for name in azerbaijani)


def test_queues_have_voicenter_like_ids_names_and_weights():
    queues = CallCentre(agents=20, queues=6).queues
    assert [queue.id for queue in queues] == list(range(12345001, 12345007))
    assert [queue.name for queue in queues] == [
        "Sales",
        "Support",
        "Billing",
        "VIP",
        "Queue 5",
        "Queue 6",
    ]
    assert all(isinstance(queue.weight, int) and queue.weight >= 0 for queue in queues)


def test_a_thousand_agents_in_a_hundred_queues_are_all_staffed_and_busy():
    centre = started(agents=1000, queues=100)
    centre.advance(T0 + 2)
    assert len(centre.agents) == 1000 and len(centre.queues) == 100
    assert all(queue.members for queue in centre.queues)
    assert sum(agent.call is not None for agent in centre.agents) > 400


def test_busy_share_of_agents_in_login_is_realistic():
    centre = started(agents=200, queues=20, seed=5)
    shares = []
    for _ in range(240):
        centre.advance(centre.now + 30)
        ready = [agent for agent in centre.agents if agent.status == LOGIN]
        shares.append(sum(agent.call is not None for agent in ready) / len(ready))
    assert 0.6 <= sum(shares) / len(shares) <= 0.85


def test_added_caller_waits_in_its_queue_with_a_unique_id_and_phone():
    centre = started()
    centre.freeze()
    queue = centre.queues[1]
    first = centre.add_caller(queue.id)
    second = centre.add_caller(queue.id, phone="0501234567")
    waiting = {call.call_id: call for call in queue.waiting}
    assert first != second and {first, second} <= waiting.keys()
    assert re.fullmatch(r"0\d{8,9}", waiting[first].phone)
    assert waiting[second].phone == "0501234567"
    assert waiting[second].started == T0


def test_waiting_caller_is_rung_then_answered_by_a_free_agent():
    centre = started()
    centre.freeze()
    queue = centre.queues[0]
    agent = next(member for member in queue.members if member.call is None)
    centre.set_agent_status(agent.username, LOGIN)
    call_id = centre.add_caller(queue.id)
    centre.unfreeze()
    seen = []
    for _ in range(60):
        centre.advance(centre.now + 0.5)
        call = next((a.call for a in centre.agents if a.call and a.call.call_id == call_id), None)
        if call is not None and (not seen or seen[-1][0] != call.status):
            seen.append((call.status, call.answered_at))
    assert seen[0] == (RINGING, 0.0)
    assert seen[1][0] == TALKING and seen[1][1] > T0
    assert call_id not in {call.call_id for call in queue.waiting}


def test_a_member_paused_in_a_queue_is_not_offered_its_callers_until_unpaused():
    centre = started(agents=1, queues=1)
    centre.freeze()
    agent, queue = centre.agents[0], centre.queues[0]
    if agent.call is not None:
        centre.hang_up(agent.call.call_id)
    centre.set_agent_status(agent.username, LOGIN)
    centre.pause_member(agent.username, queue.id, paused=True)
    call_id = centre.add_caller(queue.id)
    centre.unfreeze()
    centre.advance(centre.now + 5)
    assert agent.call is None and agent.paused_queues == {queue.id}
    assert centre.snapshot()["agents"][0]["paused_queues"] == [queue.id]

    centre.pause_member(agent.username, queue.id, paused=False)
    centre.advance(centre.now + 0.1)
    assert agent.call is not None and agent.call.call_id == call_id


def test_pausing_outside_the_members_queues_is_an_error():
    centre = started(agents=1, queues=1)
    with pytest.raises(ValueError, match="not a member"):
        centre.pause_member(centre.agents[0].username, 999, paused=True)
    with pytest.raises(KeyError):
        centre.pause_member("nobody", centre.queues[0].id, paused=True)


def test_caller_abandons_when_no_agent_is_free():
    centre = started()
    centre.freeze()
    for agent in centre.agents:
        centre.set_agent_status(agent.username, LUNCH)
    abandoned = centre.stats["abandoned"]
    call_id = centre.add_caller(centre.queues[0].id)
    centre.unfreeze()
    advance_by(centre, 15 * 60, step=5)
    assert call_id not in {call.call_id for queue in centre.queues for call in queue.waiting}
    assert centre.stats["abandoned"] > abandoned
    assert all(agent.call is None or agent.call.call_id != call_id for agent in centre.agents)


def test_every_caller_is_eventually_answered_or_abandons():
    centre = started(agents=50, queues=5, seed=4)
    advance_by(centre, 3600, step=10)
    still_waiting = sum(len(queue.waiting) for queue in centre.queues)
    stats = centre.stats
    assert stats["answered"] + stats["abandoned"] + still_waiting == stats["inbound"]
    assert stats["answered"] > 10 * stats["abandoned"] > 0
    oldest = min((call.started for queue in centre.queues for call in queue.waiting), default=T0)
    assert centre.now - oldest < 20 * 60


def test_calls_ring_or_dial_before_talking_and_some_go_on_hold():
    centre = started(seed=2)
    histories: dict[str, list[str]] = defaultdict(list)
    directions = {}
    for _ in range(1800):
        centre.advance(centre.now + 1)
        for agent in centre.agents:
            call = agent.call
            if call is not None and call.status not in histories[call.call_id][-1:]:
                histories[call.call_id].append(call.status)
                directions[call.call_id] = call.direction
    # Calls already running when we started watching have a truncated history.
    fresh = {cid: h for cid, h in histories.items() if h[0] in (RINGING, DIALING)}
    assert {directions[cid] for cid in fresh} == {"Incoming", "Outgoing"}
    for call_id, history in fresh.items():
        first = RINGING if directions[call_id] == "Incoming" else DIALING
        assert history[0] == first and set(history[1:]) <= {TALKING, HOLD}
    assert any(HOLD in history for history in histories.values())


def test_outgoing_calls_have_no_did_and_incoming_calls_their_queue_number():
    centre = started(agents=200, queues=8)
    calls = [agent.call for agent in centre.agents if agent.call is not None]
    dids = {queue.id: queue.did for queue in centre.queues}
    assert {call.did for call in calls if call.direction == "Outgoing"} == {""}
    incoming = [call for call in calls if call.direction == "Incoming"]
    assert incoming and all(call.did == dids[call.queue_id] for call in incoming)


def test_agents_go_through_many_statuses_over_a_simulated_day():
    centre = started(agents=40, speed=60)
    seen: dict[str, set[int]] = defaultdict(set)
    for _ in range(24 * 60):  # one real second is one simulated minute
        centre.advance(centre.now + 1)
        for agent in centre.agents:
            seen[agent.username].add(agent.status)
    assert set().union(*seen.values()) == set(STATUS_NAMES)
    assert all(len(statuses) >= 3 for statuses in seen.values())


def test_higher_speed_runs_simulated_time_faster():
    slow, fast = started(agents=200, seed=6), started(agents=200, seed=6, speed=60)
    slow_before, fast_before = slow.stats["inbound"], fast.stats["inbound"]
    slow.advance(T0 + 60)
    fast.advance(T0 + 60)
    ratio = (fast.stats["inbound"] - fast_before) / (slow.stats["inbound"] - slow_before)
    assert 30 < ratio < 120


def test_set_agent_status_changes_status_and_online_user_id():
    centre = started()
    agent = centre.agents[0]
    centre.set_agent_status(agent.username, LOGOUT)
    assert (agent.status, agent.online_user_id, agent.status_since) == (LOGOUT, 0, T0)
    centre.set_agent_status(agent.username, LOGIN)
    assert (agent.status, agent.online_user_id) == (LOGIN, agent.user_id)


def test_custom_status_codes_are_accepted_but_not_zero():
    centre = started()
    centre.set_agent_status("SIP1001", 21)
    assert centre.find_agent("SIP1001").status == 21
    with pytest.raises(ValueError):
        centre.set_agent_status("SIP1001", 0)


def test_frozen_centre_changes_only_what_a_test_forces():
    centre = started()
    centre.freeze()
    before = centre.snapshot()
    centre.set_agent_status("SIP1003", LUNCH)
    centre.advance(T0 + 3600)
    after = centre.snapshot()
    pairs = zip(before["agents"], after["agents"], strict=True)
    changed = [index for index, (old, new) in enumerate(pairs) if old != new]
    assert changed == [2]
    assert after["agents"][2]["status"] == LUNCH
    assert before["queues"] == after["queues"] and before["stats"] == after["stats"]


def test_centre_resumes_after_unfreeze():
    centre = started()
    centre.freeze()
    centre.advance(T0 + 600)
    inbound = centre.stats["inbound"]
    centre.unfreeze()
    centre.advance(T0 + 1200)
    assert centre.stats["inbound"] > inbound


def test_time_never_runs_backwards():
    centre = started()
    centre.advance(T0 + 60)
    snapshot = centre.snapshot()
    centre.advance(T0 + 30)
    assert centre.snapshot() == snapshot


def test_unknown_agent_or_queue_is_a_key_error():
    centre = started()
    with pytest.raises(KeyError):
        centre.set_agent_status("SIP9999", LUNCH)
    with pytest.raises(KeyError):
        centre.add_caller(999)


def test_control_before_the_first_advance_is_an_error():
    with pytest.raises(RuntimeError):
        CallCentre().add_caller(12345001)


def test_nonsense_sizes_are_rejected():
    with pytest.raises(ValueError):
        CallCentre(agents=0)
    with pytest.raises(ValueError):
        CallCentre(speed=0)


# --- call events, forced calls and dialects -------------------------------------------------


def listened(centre: CallCentre) -> list[tuple[str, str, str]]:
    """(event, call id, call status at that moment), as a listener sees them."""
    seen: list[tuple[str, str, str]] = []
    centre.listener = lambda event, call: seen.append((event, call.call_id, call.status))
    return seen


def test_listener_hears_each_call_start_answer_and_end_once_in_order():
    centre = started(seed=3)
    seen = listened(centre)
    advance_by(centre, 1800, step=5)
    per_call: dict[str, list[str]] = defaultdict(list)
    for event, call_id, _ in seen:
        per_call[call_id].append(event)
    # Calls already running when we started listening have a truncated history.
    fresh = [events for events in per_call.values() if events[0] == "new"]
    assert len(fresh) > 50
    assert all(
        events in (["new"], ["new", "answered"], ["new", "ended"], ["new", "answered", "ended"])
        for events in fresh
    )
    assert any(events == ["new", "ended"] for events in fresh)  # abandoned or unanswered


def test_ended_calls_carry_their_end_time():
    centre = started(seed=3)
    ended = []
    centre.listener = lambda event, call: ended.append(call) if event == "ended" else None
    advance_by(centre, 600, step=5)
    assert ended and all(call.started <= call.ended_at <= centre.now for call in ended)
    assert all(centre.find_call(call.call_id) is None for call in ended)


def test_a_forced_inbound_call_rings_the_extension_and_is_answered_and_hung_up_on_demand():
    centre = started()
    centre.freeze()
    agent = next(a for a in centre.agents if a.call is None and a.status != LOGOUT)
    seen = listened(centre)
    call_id = centre.ring_extension(agent.username, "0501234567")
    call = centre.find_call(call_id)
    assert (call.status, call.agent, call.phone, call.queue_id) == (
        RINGING,
        agent.username,
        "0501234567",
        None,
    )
    centre.advance(T0 + 600)  # frozen: it keeps ringing
    centre.answer(call_id)
    assert (call.status, call.answered_at) == (TALKING, T0 + 600)
    assert centre.hang_up(call_id) is True
    assert agent.call is None and centre.find_call(call_id) is None
    assert [(event, status) for event, _, status in seen] == [
        ("new", "Waiting"),
        ("answered", TALKING),
        ("ended", TALKING),
    ]


def test_a_forced_call_answered_early_is_not_answered_again_when_time_runs():
    centre = started()
    centre.freeze()
    agent = next(a for a in centre.agents if a.call is None and a.status != LOGOUT)
    call_id = centre.ring_extension(agent.username)
    centre.answer(call_id)
    seen = listened(centre)
    centre.unfreeze()
    advance_by(centre, 30)
    assert ("answered", call_id) not in {(event, cid) for event, cid, _ in seen}


def test_originate_dials_from_the_extension_and_connects_when_answered():
    centre = started()
    centre.freeze()
    agent = next(a for a in centre.agents if a.call is None and a.status != LOGOUT)
    call_id = centre.originate(agent.username, "0124886606")
    call = centre.find_call(call_id)
    assert (call.direction, call.status, call.phone, agent.call) == (
        "Outgoing",
        DIALING,
        "0124886606",
        call,
    )
    centre.answer(call_id)
    assert call.status == TALKING


def test_forced_calls_need_a_free_logged_in_extension():
    centre = started()
    centre.freeze()
    free, other = [a for a in centre.agents if a.call is None][:2]
    centre.ring_extension(free.username)
    with pytest.raises(ValueError, match="is busy"):
        centre.originate(free.username, "0501234567")
    centre.set_agent_status(other.username, LOGOUT)
    with pytest.raises(ValueError, match="is logged out"):
        centre.ring_extension(other.username)
    with pytest.raises(KeyError):
        centre.originate("SIP9999", "0501234567")


def test_answer_and_hang_up_of_unknown_calls():
    centre = started()
    with pytest.raises(ValueError, match="not ringing or dialling"):
        centre.answer("nope")
    assert centre.hang_up("nope") is False


def test_hanging_up_a_waiting_caller_takes_it_out_of_its_queue():
    centre = started()
    centre.freeze()
    queue = centre.queues[0]
    call_id = centre.add_caller(queue.id)
    abandoned = centre.stats["abandoned"]
    assert centre.hang_up(call_id)
    assert call_id not in {call.call_id for call in queue.waiting}
    assert centre.stats["abandoned"] == abandoned + 1


def test_a_dialect_names_extensions_numbers_and_calls():
    dialect = Dialect(
        username=lambda index: str(200 + index),
        name=lambda rng, index: f"Person {index}",
        contact=lambda rng: "Customer",
        phone=lambda rng: f"99450{rng.randrange(10**7):07d}",
        did=lambda rng: "994120000000",
        call_id=lambda rng, stamp, sequence: f"id{sequence}",
    )
    centre = CallCentre(agents=3, queues=1, dialect=dialect)
    assert [(a.username, a.name) for a in centre.agents] == [
        ("200", "Person 0"),
        ("201", "Person 1"),
        ("202", "Person 2"),
    ]
    centre.advance(T0)
    centre.freeze()
    call_id = centre.add_caller(centre.queues[0].id)
    call = centre.find_call(call_id)
    assert (
        call_id.startswith("id") and call.phone.startswith("99450") and call.did == "994120000000"
    )
