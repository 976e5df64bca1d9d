"""Monitor benchmark: 8 moving sources on a real JACK server (dummy backend) while 10 cues/s arrive.

Starts a private jackd (dummy backend, 48 kHz, 256 frames), then ``oscbridge serve --monitor``
as a separate process. Eight sources get moving cues (orbits and lines, each restarted when it
ends), and a sender process keeps 10 cues/s coming for --seconds. At the end the daemon is
stopped and its monitor summary is read: blocks played, xruns (PortAudio's underflow flags, set
from JACK's xrun callback), and the audio callback's own time per block (p50/p99/max), which the
target compares with the block period (p99 <= 25 % of 5.33 ms).

    .venv/bin/python tests/bench/monitor.py [--seconds 60] [--predictor keyword|model]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from iem import server_xruns, start_jackd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import start_daemon  # noqa: E402
from oscbridge.daemon import encode_cue  # noqa: E402

MOVES = [
    "a bee circles around my head every 2 seconds",
    "a car drives from left to right over 3 seconds",
    "a helicopter circles slowly overhead",
    "the train moves from right to left over 4 seconds",
    "a fly buzzes around me in circles",
    "footsteps walk from behind me to the front over 3 seconds",
    "a synth pans from hard left to hard right over 2 seconds",
    "a drone orbits clockwise around the listener",
]
STATIC = ["a dog barks on the left", "a violin at 10 o'clock, 3 metres", "a voice right behind me",
          "a bell far away on the right", "rain all around", "a cough in front, close"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=10.0, help="cues per second")
    ap.add_argument("--predictor", default="keyword", choices=["keyword", "model"])
    ap.add_argument("--no-realtime", action="store_true", help="run jackd without realtime scheduling")
    ap.add_argument("--baseline", action="store_true",
                    help="first run JACK's own jack_rec alone for --seconds on the same kind of server: the "
                         "xruns this machine's dummy driver makes with no oscbridge at all")
    args = ap.parse_args()
    log = Path("/tmp") / f"oscbridge-bench-jack-{os.getpid()}.log"
    baseline = None
    if args.baseline:
        base_log = Path("/tmp") / f"oscbridge-bench-jack-base-{os.getpid()}.log"
        with contextlib.ExitStack() as stack:
            env = dict(os.environ)
            start_jackd(stack, env, base_log, realtime=not args.no_realtime)
            subprocess.run(["jack_rec", "-f", "/dev/null", "-d", str(int(args.seconds)), "system:capture_1"],
                           env=env, capture_output=True, timeout=args.seconds + 30)
        text = base_log.read_text(errors="replace")
        baseline = {"driver_xruns": len(re.findall(r"JackTimedDriver::Process XRun", text)),
                    "client_not_finished": len(re.findall(r"jackrec was not finished", text))}
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        server = start_jackd(stack, env, log, realtime=not args.no_realtime)
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind(("127.0.0.1", 0))
        stack.callback(sink.close)
        proc, port = start_daemon("--monitor", "--predictor", args.predictor,
                                  "--send", f"adm-osc@127.0.0.1:{sink.getsockname()[1]}", env=env)
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i, text in enumerate(MOVES):
            out.sendto(encode_cue(text, i + 1), ("127.0.0.1", port))
        t0 = time.perf_counter()
        k = 0
        while time.perf_counter() - t0 < args.seconds:
            k += 1
            time.sleep(max(0.0, t0 + k / args.rate - time.perf_counter()))
            if k % 2:  # restart a motion (some end after a few seconds)
                src = (k // 2) % 8
                out.sendto(encode_cue(MOVES[src], src + 1), ("127.0.0.1", port))
            else:  # a static cue for a source beyond the eight movers
                out.sendto(encode_cue(STATIC[k % len(STATIC)], 9 + k % 4), ("127.0.0.1", port))
        proc.terminate()
        err = proc.stderr.read()
        proc.wait(10)
    line = next((x for x in err.splitlines() if "monitor:" in x and "blocks" in x), None)
    if line is None:
        raise SystemExit("no monitor summary:\n" + err)
    m = re.search(r"(\d+) blocks of (\d+) frames, (\d+) xruns.*p50 ([\d.]+) ms p99 ([\d.]+) ms max ([\d.]+) ms "
                  r"\(block ([\d.]+) ms\)", line)
    assert m is not None, line
    blocks, frames, xruns = int(m.group(1)), int(m.group(2)), int(m.group(3))
    p50, p99, mx, period = (float(m.group(i)) for i in range(4, 8))
    result = {
        "jackd": "realtime" if server.realtime else "no-realtime", "predictor": args.predictor,
        "seconds": args.seconds, "cues_sent": k + len(MOVES), "blocks": blocks, "frames": frames, "xruns": xruns,
        "callback_p50_ms": p50, "callback_p99_ms": p99, "callback_max_ms": mx, "block_ms": period,
        "p99_share_of_block": round(p99 / period, 4), "summary": line.split("oscbridge: ")[-1],
        "jackd_log": server_xruns(log),
        "baseline_jack_rec_alone": baseline,
    }
    print(json.dumps(result, indent=1))
    late = int(re.search(r"(\d+) late callbacks", line).group(1))
    own = late + result["jackd_log"]["ours"]
    print(f"{'PASS' if p99 <= 0.25 * period else 'MISS'}: callback p99 {p99:.3f} ms = {100 * p99 / period:.1f} % of the "
          f"{period:.2f} ms block (target <= 25 %)")
    print(f"{'PASS' if xruns == 0 else 'MISS'}: {xruns} xruns reported by PortAudio over {blocks} blocks (target 0); "
          f"of the monitor's own making (late blocks, or our client still running while the JACK driver was on "
          f"time): {own}; JACK driver's own missed deadlines: {result['jackd_log']['driver']}"
          + (f"; baseline, jack_rec alone: {baseline['driver_xruns']} driver xruns" if baseline else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
