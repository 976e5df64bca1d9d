"""The real daemon process against real OSC peers: liblo's oscsend in, liblo's oscdump out.

Each shipped profile is checked on the wire (address, type tags, values) against its target's
documented convention (../shared/reference/osc-targets.md): "on the left" is ADM-OSC azimuth
+90, SPAT native -90, REAPER StereoEncoder value 0.75, SpatGRIS -90, IEM +90.
"""

from __future__ import annotations

import math
import signal
import socket
import time

import pytest

from oscbridge.daemon import encode_cue
from oscbridge.osc import decode_packet, encode_message
from peers import DaemonProcess, OscDump, UdpSink, free_udp_port, oscsend, require_tools

pytestmark = pytest.mark.peers


@pytest.fixture(autouse=True)
def _liblo():
    require_tools("oscsend", "oscdump")


LEFT_CUE = "a dog barks on the left, 3 meters away"

# profile -> [(address, typetags, expected args (None = not checked))] for LEFT_CUE on source 1
EXPECTED_LEFT = {
    "adm-osc": [("/adm/obj/1/aed", "fff", (90.0, 0.0, 3 / 20)), ("/adm/obj/1/w", "f", None), ("/adm/obj/1/gain", "f", None)],
    "spat-revolution": [("/source/1/aed", "fff", (-90.0, 0.0, 3.0)), ("/source/1/gain", "f", None), ("/source/1/spread", "f", None)],
    "reaper-iem": [("/track/1/fx/1/fxparam/7/value", "f", (0.75,)), ("/track/1/fx/1/fxparam/8/value", "f", (0.5,)),
                   ("/track/1/fx/1/fxparam/10/value", "f", None)],
    "iem-stereo-encoder": [("/StereoEncoder/azimuth", "f", (90.0,)), ("/StereoEncoder/elevation", "f", (0.0,)),
                           ("/StereoEncoder/width", "f", None)],
    "iem-multi-encoder": [("/MultiEncoder/azimuth0", "f", (90.0,)), ("/MultiEncoder/elevation0", "f", (0.0,)),
                          ("/MultiEncoder/gain0", "f", None)],
    "iem-room-encoder": [("/RoomEncoder/sourceX", "f", (0.0,)), ("/RoomEncoder/sourceY", "f", (3.0,)),
                         ("/RoomEncoder/sourceZ", "f", (0.0,)), ("/RoomEncoder/listenerX", "f", (0.0,))],
    "spatgris": [("/spat/serv", "sifffff", ("deg", 1, -90.0, 0.0, 3 / 20, None, 0.0))],
}


def assert_args(got: tuple, expected: tuple | None) -> None:
    if expected is None:
        return
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected):
        if e is None:
            continue
        if isinstance(e, float):
            assert g == pytest.approx(e, abs=1e-4), (got, expected)
        else:
            assert g == e, (got, expected)


@pytest.mark.parametrize("profile", sorted(EXPECTED_LEFT))
def test_left_cue_on_the_wire_for_every_profile(profile):
    with OscDump() as dump, DaemonProcess("--send", f"{profile}@127.0.0.1:{dump.port}") as d:
        d.send_cue(LEFT_CUE)
        for address, typetags, args in EXPECTED_LEFT[profile]:
            m = dump.wait_address(address)
            assert m.typetags == typetags
            assert_args(m.args, args)
        d.wait_line(r"\[1\] az  \+90\.0")


def test_violin_at_10_oclock_for_object_2_adm():
    """The issue's acceptance cue, typed on stdin as a user would."""
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}", stdin=True) as d:
        d.type_line("2: a violin at 10 o'clock, 3 meters away")
        aed = dump.wait_address("/adm/obj/2/aed")
        assert aed.typetags == "fff"
        assert aed.args == pytest.approx((60.0, 0.0, 0.15), abs=1e-5)
        gain = dump.wait_address("/adm/obj/2/gain")
        assert 0 < gain.args[0] <= 4.0
        line = d.wait_line(r"^\[2\] az  \+60\.0 el  \+0\.0 dist   3\.0m")
        assert "adm-osc" in line and "a violin at 10 o'clock" in line


def test_every_target_gets_every_cue_and_sources_are_addressed():
    with OscDump() as adm, OscDump() as spat, DaemonProcess(
        "--send", f"adm-osc@127.0.0.1:{adm.port}", "--send", f"spat-revolution@127.0.0.1:{spat.port}"
    ) as d:
        d.send_cue("a trumpet at 2 o'clock", source=5)
        oscsend(d.port, "/source/7/cue", "s", "a bell straight behind me")
        assert adm.wait_address("/adm/obj/5/aed").args[0] == pytest.approx(-60)
        assert spat.wait_address("/source/5/aed").args[0] == pytest.approx(60)
        assert abs(adm.wait_address("/adm/obj/7/aed").args[0]) == pytest.approx(180)
        spat.wait_address("/source/7/aed")


def test_ack_carries_the_prediction_to_the_sender():
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}") as d, UdpSink() as me:
        me.sock.sendto(encode_cue("a violin at 10 o'clock, 3 meters away", 2), ("127.0.0.1", d.port))
        [ack] = decode_packet(me.recv())
        assert ack.address == "/cue/ack" and ack.typetags == "isffffffffss"
        assert ack.args[0] == 2 and ack.args[1] == "a violin at 10 o'clock, 3 meters away"
        assert ack.args[2] == pytest.approx(60) and ack.args[4] == pytest.approx(3)
        import json

        contract = json.loads(ack.args[11])
        assert contract["source"] == 2 and "azimuth_deg" in contract["explicit"]


def test_reply_port_option():
    with UdpSink() as replies, OscDump() as dump, DaemonProcess(
        "--send", f"adm-osc@127.0.0.1:{dump.port}", "--reply-port", str(replies.port)
    ) as d:
        d.send_cue("rain on the right")  # oscsend's own port is gone by now; the reply port is not
        [ack] = decode_packet(replies.recv())
        assert ack.address == "/cue/ack" and ack.args[2] == pytest.approx(-90)


@pytest.mark.parametrize(
    "packet, reason",
    [
        (encode_message("/cue", []), "expected /cue s TEXT"),
        (encode_message("/cue", [3]), "got /cue ,i"),
        (encode_message("/cue", [""]), "empty cue"),
        (encode_message("/cue", ["x" * 2001]), "over the limit"),
        (b"/cue\x00\x00\x00\x00,fs\x00\x7f\x80\x00\x00left\x00\x00\x00\x00", "finite"),  # +inf source
        (b"/cue\x00\x00\x00\x00,fs\x00\x7f\xc0\x00\x00left\x00\x00\x00\x00", "finite"),  # NaN source
        (b"/cue\x00\x00\x00\x00,s\x00\x00\xc3\x28\x00\x00", "not valid UTF-8"),
        (encode_message("/source/999/cue", ["left"]), "outside 1..128"),
    ],
)
def test_bad_cues_get_a_one_line_error_and_the_daemon_goes_on(packet, reason):
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}") as d, UdpSink() as me:
        me.sock.sendto(packet, ("127.0.0.1", d.port))
        [err] = decode_packet(me.recv())
        assert err.address == "/cue/error" and err.typetags == "is"
        assert reason in err.args[1] and "\n" not in err.args[1]
        me.sock.sendto(encode_cue("a dog on the left"), ("127.0.0.1", d.port))
        [ack] = decode_packet(me.recv())
        assert ack.address == "/cue/ack"
        assert d.alive()


def test_unknown_address_and_garbage_are_counted_drops():
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}") as d, UdpSink() as me:
        me.sock.sendto(encode_message("/foo/bar", [1.0]), ("127.0.0.1", d.port))
        me.sock.sendto(b"\x00\x01garbage", ("127.0.0.1", d.port))
        me.sock.sendto(encode_cue("a dog on the left"), ("127.0.0.1", d.port))
        [ack] = decode_packet(me.recv())
        assert ack.address == "/cue/ack"  # no reply for the two drops: the first answer is the ack
        d.wait_line("unknown address /foo/bar", stream="stderr")
        code, _ = d.stop()
        assert code == 0
        d.wait_line(r"dropped: 1 malformed, 1 unknown address", stream="stderr")


def test_target_down_is_reported_once_and_others_keep_going():
    dead = free_udp_port()  # nothing listens there: the kernel answers ICMP port unreachable
    with OscDump() as dump, DaemonProcess("--send", f"spatgris@127.0.0.1:{dead}", "--send", f"adm-osc@127.0.0.1:{dump.port}") as d:
        for i in range(6):
            d.send_cue(f"a bird at {i + 1} o'clock")
        for i in range(6):
            dump.wait_for(lambda m, az=-30.0 * (i + 1): m.address == "/adm/obj/1/aed" and math.isclose(
                ((m.args[0] - az + 180) % 360) - 180, 0, abs_tol=0.01))
        d.wait_line(r"spatgris@127\.0\.0\.1:\d+ is not listening", stream="stderr")
        time.sleep(0.3)
        assert sum("is not listening" in line for line in d.stderr_lines) == 1


def test_sigterm_and_sigint_stop_cleanly_within_a_second():
    for sig in (signal.SIGTERM, signal.SIGINT):
        with DaemonProcess("--send", f"adm-osc@127.0.0.1:{free_udp_port()}") as d:
            code, took = d.stop(sig)
            assert code == 0 and took < 1.0, (sig, code, took)
            d.wait_line("stopped:", stream="stderr")


def test_port_in_use_is_one_line_and_nonzero():
    import subprocess
    import sys

    from peers import REPO

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        port = squatter.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "oscbridge", "serve", "--predictor", "keyword", "--no-stdin", "--listen", f"127.0.0.1:{port}"],
                           cwd=REPO, capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0], r.stderr


def test_bad_profile_exits_2_listing_every_problem(tmp_path):
    import subprocess
    import sys

    from peers import REPO

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nport: 0\nmessages:\n  - address: nope\n")
    r = subprocess.run([sys.executable, "-m", "oscbridge", "serve", "--predictor", "keyword", "--no-stdin", "--send", str(bad)],
                       cwd=REPO, capture_output=True, text=True, timeout=20)
    assert r.returncode == 2
    for what in ("name:", "description:", "port:", "messages[0].address:"):
        assert what in r.stderr


def test_feedback_loop_is_refused():
    import subprocess
    import sys

    from peers import REPO

    port = free_udp_port()
    r = subprocess.run([sys.executable, "-m", "oscbridge", "serve", "--predictor", "keyword", "--no-stdin", "--listen", f"127.0.0.1:{port}",
                        "--send", f"adm-osc@127.0.0.1:{port}"], cwd=REPO, capture_output=True, text=True, timeout=20)
    assert r.returncode == 2 and "feed back" in r.stderr


def test_allow_list_drops_other_senders():
    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}", "--allow", "10.1.2.3") as d:
        d.send_cue("a dog on the left")
        d.wait_line("not in --allow", stream="stderr")
        time.sleep(0.2)
        assert not dump.messages


def test_osc_over_tcp_with_slip():
    from pythonosc import slip

    with OscDump() as dump, DaemonProcess("--send", f"adm-osc@127.0.0.1:{dump.port}", "--tcp", "127.0.0.1:0") as d:
        line = d.wait_line(r"tcp://127\.0\.0\.1:(\d+)", stream="stderr")
        import re

        tcp_port = int(re.search(r"tcp://127\.0\.0\.1:(\d+)", line).group(1))
        with socket.create_connection(("127.0.0.1", tcp_port), timeout=5) as c:
            c.sendall(slip.encode(encode_cue("an owl behind me on the right", 3)) + slip.encode(b"junk"))
            buf = b""
            while buf.count(slip.END) < 2:
                buf += c.recv(65536)
            frame = buf[: buf.index(slip.END, 1) + 1]
            [ack] = decode_packet(slip.decode(frame))
            assert ack.address == "/cue/ack" and ack.args[0] == 3
        assert dump.wait_address("/adm/obj/3/aed").args[0] < -90  # behind right: between -90 and -180
