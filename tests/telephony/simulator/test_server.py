import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from telephony.simulator import CallCentre, SimulatorServer
from telephony.simulator.__main__ import parse_args

T0 = 1_700_000_000.0
CODE = "test-code"
VOICENTER = "/voicenter/comet/API"
REPO = Path(__file__).parents[3]


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> Iterator[SimulatorServer]:
    centre = CallCentre(agents=20, queues=4, seed=1)
    with SimulatorServer(centre, voicenter_code=CODE, clock=clock) as running:
        yield running


@pytest.fixture
def client(server: SimulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        yield http


def test_base_url_is_loopback_with_the_bound_port(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    assert not server.base_url.endswith(":0")


def test_get_and_post_json_give_the_same_answer(client):
    for method in ("GetExtensionsCalls", "GetQueuesCallers"):
        got = client.get(f"{VOICENTER}/{method}", params={"code": CODE})
        posted = client.post(f"{VOICENTER}/{method}", json={"code": CODE})
        assert got.status_code == posted.status_code == 200
        assert got.headers["content-type"] == "application/json; charset=utf-8"
        assert got.json() == posted.json()
        assert got.json()["ERR"] == 0


def test_a_client_rooted_at_the_voicenter_base_url_works(server):
    # The project's client joins "/<Method>" onto VOICENTER_BASE_URL, as on the real service.
    with httpx.Client(base_url=f"{server.base_url}{VOICENTER}") as voicenter:
        answer = voicenter.post("/GetExtensionsCalls", json={"code": CODE}).json()
    assert answer["DESC"] == "OK" and len(answer["EXTENSIONS"]) == 20


def test_bad_code_is_authorization_failed_with_http_200(client):
    for response in (
        client.get(f"{VOICENTER}/GetQueuesCallers", params={"code": "nope"}),
        client.post(f"{VOICENTER}/GetExtensionsCalls", json={"code": "nope"}),
        client.post(f"{VOICENTER}/GetExtensionsCalls"),
    ):
        assert response.status_code == 200
        assert response.json() == {"ERR": 1, "DESC": "Authorization failed"}


def test_extension_filter_works_in_query_and_body(client):
    url = f"{VOICENTER}/GetExtensionsCalls"
    got = client.get(url, params={"code": CODE, "extension": "SIP1003"}).json()
    posted = client.post(url, json={"code": CODE, "extension": "SIP1003"}).json()
    assert got == posted
    assert [extension["username"] for extension in got["EXTENSIONS"]] == ["SIP1003"]
    unknown = client.post(url, json={"code": CODE, "extension": "SIP0000"}).json()
    assert unknown == {"ERR": 2, "DESC": "Internal error"}


def test_queue_filter_works_in_query_and_body(client):
    url = f"{VOICENTER}/GetQueuesCallers"
    got = client.get(url, params={"code": CODE, "queue": "12345004"}).json()
    posted = client.post(url, json={"code": CODE, "queue": 12345004}).json()
    assert got == posted
    assert [queue["Name"] for queue in got["QUEUES"]] == ["VIP"]


def test_each_request_advances_the_centre_to_the_clock(server, client, clock):
    clock.now = T0 + 42
    client.get(f"{VOICENTER}/GetQueuesCallers", params={"code": CODE})
    assert server.app.centre.now == T0 + 42


def test_state_endpoint_returns_the_whole_snapshot(client):
    state = client.get("/_sim/state").json()
    assert len(state["agents"]) == 20 and len(state["queues"]) == 4
    assert state["now"] == T0 and state["frozen"] is False


def test_freeze_and_unfreeze_endpoints(client, clock):
    assert client.post("/_sim/freeze").json() == {"frozen": True}
    before = client.get("/_sim/state").json()
    clock.now = T0 + 600
    after = client.get("/_sim/state").json()
    assert before["agents"] == after["agents"] and before["stats"] == after["stats"]
    assert client.post("/_sim/unfreeze", json={}).json() == {"frozen": False}
    clock.now = T0 + 1200
    assert client.get("/_sim/state").json()["stats"] != after["stats"]


def test_agent_status_endpoint_changes_the_extension_status(client):
    answer = client.post("/_sim/agents/SIP1002/status", json={"status": 3})
    assert answer.json() == {"username": "SIP1002", "status": 3}
    extensions = client.post(
        f"{VOICENTER}/GetExtensionsCalls", json={"code": CODE, "extension": "SIP1002"}
    ).json()["EXTENSIONS"]
    assert extensions[0]["onlineUserStatus"] == 3


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/_sim/agents/SIP1002/status", {"status": "lunch"}, 400),
        ("/_sim/agents/SIP1002/status", {}, 400),
        ("/_sim/agents/SIP9999/status", {"status": 3}, 404),
        ("/_sim/queues/12345001/callers", {"phone": 501234567}, 400),
        ("/_sim/queues/99/callers", {}, 404),
    ],
)
def test_control_endpoints_reject_bad_input(client, path, body, status):
    response = client.post(path, json=body)
    assert response.status_code == status
    assert response.json()["error"]


def test_adding_a_caller_puts_it_in_its_queue(client):
    client.post("/_sim/freeze")
    call_id = client.post("/_sim/queues/12345002/callers", json={"phone": "0501234567"}).json()[
        "call_id"
    ]
    anonymous = client.post("/_sim/queues/12345002/callers").json()["call_id"]
    queue = client.get(
        f"{VOICENTER}/GetQueuesCallers", params={"code": CODE, "queue": "12345002"}
    ).json()["QUEUES"][0]
    callers = {caller["CallID"]: caller["Phone"] for caller in queue["Callers"]}
    assert callers[call_id] == "0501234567"
    assert anonymous in callers and anonymous != call_id


def test_malformed_json_is_a_400_with_a_one_line_reason(client):
    response = client.post(
        f"{VOICENTER}/GetExtensionsCalls",
        content=b'{"code": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "\n" not in response.text.strip()
    assert response.json()["error"].startswith("malformed JSON body")


def test_json_body_that_is_not_an_object_is_a_400(client):
    response = client.post(f"{VOICENTER}/GetQueuesCallers", json=["code"])
    assert response.status_code == 400
    assert response.json() == {"error": "JSON body must be an object"}


def test_unknown_paths_are_404_and_wrong_methods_405(client):
    assert client.get(f"{VOICENTER}/GetEverything", params={"code": CODE}).status_code == 404
    assert client.get("/elsewhere").status_code == 404
    assert client.get("/_sim/freeze").status_code == 405


def test_stopped_server_frees_its_port():
    server = SimulatorServer(CallCentre(agents=2, queues=1))
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server:
        base_url = server.base_url
        assert httpx.get(f"{base_url}/_sim/state").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_sim/state")


def test_cli_defaults_take_the_voicenter_code_from_the_environment(monkeypatch):
    monkeypatch.setenv("VOICENTER_CODE", "from-env")
    args = parse_args([])
    assert (args.host, args.port, args.agents, args.queues) == ("127.0.0.1", 8765, 20, 4)
    assert (args.seed, args.speed, args.voicenter_code) == (1, 1.0, "from-env")
    assert parse_args(["--voicenter-code", "given"]).voicenter_code == "given"


def test_cli_prints_its_url_serves_and_exits_cleanly_on_sigterm():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "telephony.simulator", "--port", "0", "--agents", "5"]
    command += ["--voicenter-code", CODE]
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True) as cli:
        try:
            line = cli.stdout.readline()
            base_url = line.split()[3]
            answer = httpx.get(f"{base_url}{VOICENTER}/GetQueuesCallers?code={CODE}").json()
            assert answer["ERR"] == 0
        finally:
            cli.send_signal(signal.SIGTERM)
        assert cli.wait(timeout=5) == 0
    assert line.startswith("Simulator listening on http://127.0.0.1:")
    assert f"VirtualATS: {base_url}/virtualats/vats/api," in line
    assert line.endswith(f"Yemot: {base_url}/yemot/ym/api queues /1,/2)\n")


def test_cli_virtualats_flags_default_to_the_environment_then_to_sim_keys(monkeypatch):
    for name in ("VIRTUALATS_PUBLIC_KEY", "VIRTUALATS_SECRET_KEY", "VIRTUALATS_CRM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    args = parse_args([])
    assert (args.virtualats_public_key, args.virtualats_secret_key) == ("sim-public", "sim-secret")
    assert (args.virtualats_webhook_url, args.virtualats_crm_key) == (None, "")
    assert args.virtualats_extensions == 8
    monkeypatch.setenv("VIRTUALATS_SECRET_KEY", "from-env")
    monkeypatch.setenv("VIRTUALATS_CRM_API_KEY", "crm-env")
    given = parse_args(
        ["--virtualats-webhook-url", "http://127.0.0.1:8000/hooks/virtualats/"]
        + ["--virtualats-public-key", "pk", "--virtualats-extensions", "3"]
    )
    assert (given.virtualats_public_key, given.virtualats_secret_key) == ("pk", "from-env")
    assert given.virtualats_webhook_url == "http://127.0.0.1:8000/hooks/virtualats/"
    assert (given.virtualats_crm_key, given.virtualats_extensions) == ("crm-env", 3)


def test_freeze_stops_the_virtualats_centre_too(server, client):
    client.post("/_sim/freeze")
    assert server.virtualats.centre.frozen
    client.post("/_sim/unfreeze")
    assert not server.virtualats.centre.frozen


def test_virtualats_controls_report_errors_as_json(client):
    assert client.post("/_sim/virtualats/extensions/999/calls").status_code == 404
    assert client.post("/_sim/virtualats/calls/nope/answer").status_code == 409
    assert client.post("/_sim/virtualats/calls/nope/hangup").status_code == 404
    bad = client.post("/_sim/virtualats/extensions/100/status", json={"status": "AWAY"})
    assert bad.status_code == 400 and "DISCONNECTED" in bad.json()["error"]
    assert client.get("/_sim/virtualats/extensions/100/calls").status_code == 405
