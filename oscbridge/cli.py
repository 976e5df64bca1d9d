"""The command line: ``oscbridge serve | predict | profiles``.

Only this module exits. Library code raises ``oscbridge.errors`` classes; here each becomes
one line on stderr and the class's exit code (profile/config 2, audio 3, model 4, port 5).
Heavy imports live inside the commands so ``oscbridge --help`` stays instant.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from oscbridge import __version__
from oscbridge.errors import ConfigError, OscbridgeError, ProfileError

DEFAULT_LISTEN = "127.0.0.1:7700"
DEFAULT_SEND = ("adm-osc",)


def _fail(e: OscbridgeError) -> None:
    if isinstance(e, ProfileError):
        click.echo(f"oscbridge: error: {e.source}: {len(e.problems)} problem(s)", err=True)
        for p in e.problems:
            click.echo(f"  {p}", err=True)
    else:
        click.echo(f"oscbridge: error: {e}", err=True)
    sys.exit(e.exit_code)


def _parse_sets(values: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """--set PROFILE.KEY=VALUE -> {PROFILE: {KEY: VALUE}} (VALUE read as a YAML scalar)."""
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for item in values:
        key, eq, value = item.partition("=")
        profile, dot, name = key.partition(".")
        if not eq or not dot or not profile or not name:
            raise ConfigError(f"--set {item!r}: expected PROFILE.KEY=VALUE, e.g. reaper-iem.fx=2")
        try:
            parsed = yaml.safe_load(value) if value else value
        except yaml.YAMLError:
            parsed = value
        out.setdefault(profile, {})[name] = parsed
    return out


def _predictor(kind: str, model: str | None):
    from pathlib import Path

    from oscbridge.predictor import load_predictor

    return load_predictor(kind, Path(model) if model else None)


def predictor_options(f):
    f = click.option("--model", "model", default=None, metavar="PATH",
                     help="Model checkpoint [default: models/oscbridge-minilm.pt, the shipped model].")(f)
    f = click.option("--predictor", "predictor_kind", type=click.Choice(["model", "keyword"]), default="model",
                     show_default=True, help="The trained model (with the explicit parser) or the keyword rules.")(f)
    return f


def monitor_options(f):
    """The binaural monitor's options (serve and play)."""
    for opt in reversed([
        click.option("--monitor", is_flag=True, help="Play the scene binaurally through an audio device (headphones)."),
        click.option("--device", default=None, metavar="INDEX|NAME", help="Monitor output device ('oscbridge devices' lists them)."),
        click.option("--hrtf", "hrtf_path", default=None, metavar="FILE.sofa",
                     help="Monitor HRTF set [default: hrtf/MIT_KEMAR_normal_pinna.sofa]."),
        click.option("--monitor-source", "monitor_sources", multiple=True, metavar="N=FILE.wav|N=input:CH",
                     help="What source N sounds like on the monitor [default: a test signal per source]."),
        click.option("--monitor-gain", default=-6.0, show_default=True, metavar="DB", help="Monitor master gain."),
        click.option("--block", default=256, show_default=True, type=click.IntRange(32, 256),
                     help="Monitor block size (frames at 48 kHz)."),
    ]):
        f = opt(f)
    return f


def default_serve_threads() -> int:
    """One core fewer than the machine has, at least one, and no more than PyTorch would take."""
    import os

    import torch

    return max(1, min(torch.get_num_threads(), (os.cpu_count() or 2) - 1))


def _serve_threads(predictor_kind: str, threads: int | None) -> None:
    """The daemon's inference threads: ``--threads``, else ``default_serve_threads()``.

    A cue is one small forward pass; the daemon's other threads (OSC readers, the motion
    player), the monitor's audio process and the programs beside it (a DAW) need a core too.
    PyTorch's own default takes every core, and its OpenMP workers spin between the passes: on
    this 2-core VM that held the daemon's reader and the sender off the CPU, and one cue took
    p50 10.9-11.9 ms end to end with two threads against 4.5-5.1 ms with one (three alternating
    rounds of tests/bench/latency.py; the answers are identical). ``predict`` and ``evaluate``
    keep every core for their batches."""
    if predictor_kind != "model":
        return
    import torch

    torch.set_num_threads(threads or default_serve_threads())


def _open_monitor(monitor: bool, device: str | None, hrtf_path: str | None, monitor_sources: tuple[str, ...],
                  monitor_gain: float, block: int):
    """The monitor process, its device open (exit 3 here, before anything starts), or None."""
    if not monitor:
        if device or monitor_sources or hrtf_path:
            raise ConfigError("--device, --hrtf and --monitor-source only apply with --monitor")
        return None
    from oscbridge.monitor import parse_monitor_source
    from oscbridge.monitor_proc import MonitorProcess

    # the audio runs in a process of its own: the daemon's threads never hold up its callback
    mon = MonitorProcess(device, hrtf_path, dict(parse_monitor_source(m) for m in monitor_sources),
                         gain_db=monitor_gain, block=block)
    mon.open()
    return mon


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oscbridge")
def main() -> None:
    """Place and move sound with words: plain-language spatial cues in, OSC out."""


@main.command()
@click.option("--listen", default=DEFAULT_LISTEN, show_default=True, metavar="HOST:PORT",
              help="UDP address for cues. Binds loopback unless told otherwise (0.0.0.0:PORT for all).")
@click.option("--tcp", "tcp", default=None, metavar="HOST:PORT", help="Also take OSC over TCP (SLIP framing, OSC 1.1).")
@click.option("--stdin/--no-stdin", "use_stdin", default=True, show_default=True, help="Read cues typed on standard input.")
@click.option("--send", "sends", multiple=True, metavar="PROFILE[@HOST:PORT]",
              help="A target; repeat for several. PROFILE is a name from mappings/ or a YAML path. [default: adm-osc]")
@click.option("--set", "sets", multiple=True, metavar="PROFILE.KEY=VALUE",
              help="Override a profile setting or var, e.g. --set reaper-iem.fx=2 --set adm-osc.dmax_m=30.")
@click.option("--allow", multiple=True, metavar="ADDR[/BITS]", help="Only take cues from these senders (repeatable).")
@click.option("--reply-port", type=click.IntRange(1, 65535), default=None,
              help="Send /cue/ack and /cue/error to this port on the sender's host instead of its source port.")
@click.option("--rate", "rate_hz", default=50.0, show_default=True, metavar="HZ",
              help="Moving sources are streamed to every target at this rate.")
@click.option("--glide", "glide_s", default=0.1, show_default=True, metavar="S",
              help="A new cue for a moving source glides from where it is over this time.")
@click.option("--threads", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Inference threads for the model [default: one core fewer than the machine has, at least 1].")
@monitor_options
@predictor_options
def serve(listen: str, tcp: str | None, use_stdin: bool, sends: tuple[str, ...], sets: tuple[str, ...],
          allow: tuple[str, ...], reply_port: int | None, rate_hz: float, glide_s: float, threads: int | None,
          monitor: bool, device: str | None, hrtf_path: str | None, monitor_sources: tuple[str, ...],
          monitor_gain: float, block: int, predictor_kind: str, model: str | None) -> None:
    """Run the daemon: cues over OSC (/cue s TEXT) and stdin ('N: TEXT') to every --send target."""
    from oscbridge.daemon import Daemon, ServeConfig
    from oscbridge.targets import open_targets, parse_hostport, parse_send

    try:
        listen_addr = parse_hostport(listen, "--listen")
        tcp_addr = parse_hostport(tcp, "--tcp") if tcp else None
        specs = [parse_send(s) for s in (sends or DEFAULT_SEND)]
        daemon_ref: list[Daemon] = []
        targets = open_targets(specs, _parse_sets(sets), lambda text: daemon_ref[0].console.warn(text))
        config = ServeConfig(listen_addr, tcp_addr, use_stdin, tuple(allow), reply_port, rate_hz, glide_s)
        mon = _open_monitor(monitor, device, hrtf_path, monitor_sources, monitor_gain, block)
        _serve_threads(predictor_kind, threads)
        predictor = _predictor(predictor_kind, model)
        daemon = Daemon(predictor, targets, config, monitor=mon)
        daemon_ref.append(daemon)
        daemon.start()
    except OscbridgeError as e:
        if "mon" in locals() and mon is not None:
            mon.close()
        _fail(e)
    if mon is not None:
        try:
            mon.start()  # sound once the daemon is ready for cues
        except OscbridgeError as e:
            daemon.shutdown()
            _fail(e)
    sys.exit(daemon.run())


@main.command()
@click.argument("texts", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cue (JSON Lines), the contract of conventions.md §2.")
@click.option("--batch", default=64, show_default=True, help="Cues per forward pass.")
@predictor_options
def predict(texts: tuple[str, ...], as_json: bool, batch: int, predictor_kind: str, model: str | None) -> None:
    """Predict the spatial parameters of cues (TEXT..., or one per line on stdin)."""
    import json

    from oscbridge.cues import clean_text, split_prefix
    from oscbridge.daemon import summary_line
    from oscbridge.errors import CueError

    try:
        predictor = _predictor(predictor_kind, model)
    except OscbridgeError as e:
        _fail(e)
    lines = list(texts) if texts else [line.rstrip("\n") for line in sys.stdin]
    # read every line first (errors answered in place), then predict the good ones in batches
    parsed: list[tuple[str, int, str] | tuple[str, None, str]] = []
    for raw in lines:
        try:
            source, text = split_prefix(raw.strip())
            parsed.append((raw, source, clean_text(text)))
        except CueError as e:
            parsed.append((raw, None, str(e)))
    good = [i for i, (_, src, _) in enumerate(parsed) if src is not None]
    answers: dict[int, object] = {}
    for start in range(0, len(good), max(1, batch)):
        chunk = good[start : start + batch]
        try:
            preds = predictor.predict([parsed[i][2] for i in chunk])
        except CueError:  # one unreadable text: answer the chunk one by one
            preds = []
            for i in chunk:
                try:
                    preds.append(predictor.predict([parsed[i][2]])[0])
                except CueError as e:
                    preds.append(e)
        answers.update(zip(chunk, preds))
    failed = 0
    for i, (raw, source, text) in enumerate(parsed):
        p = answers.get(i)
        if source is None or isinstance(p, CueError):
            failed += 1
            reason = text if source is None else str(p)
            if as_json:
                click.echo(json.dumps({"text": raw, "error": reason}, ensure_ascii=False))
            else:
                click.echo(f"error: {reason}: {raw!r}")
            continue
        p = p.with_source(source)
        if as_json:
            click.echo(json.dumps(p.to_json_dict(), ensure_ascii=False))
        else:
            click.echo(summary_line(p, [], 0.0).split(" -> ")[0] + f' "{p.text}"')
    sys.exit(1 if failed else 0)


@main.group()
def profiles() -> None:
    """Mapping profiles: the OSC address spaces of targets."""


@profiles.command("list")
def profiles_list() -> None:
    """List the shipped profiles."""
    from oscbridge.mapping import MAPPINGS_DIR, available_profiles, load_profile

    for name in available_profiles():
        try:
            p = load_profile(name)
            click.echo(f"{name:20s} {p.host}:{p.port:<6d} {p.description}")
        except OscbridgeError as e:
            click.echo(f"{name:20s} BROKEN: {e}")
    click.echo(f"({MAPPINGS_DIR}; add a target by writing a YAML file, see 'oscbridge profiles show adm-osc')")


@profiles.command("show")
@click.argument("name")
def profiles_show(name: str) -> None:
    """Show what a profile sends (NAME or a YAML path)."""
    from oscbridge.mapping import load_profile

    try:
        click.echo(load_profile(name).describe())
    except OscbridgeError as e:
        _fail(e)


@profiles.command("check")
@click.argument("files", nargs=-1, required=True)
def profiles_check(files: tuple[str, ...]) -> None:
    """Validate profile files; list every problem with its path; exit 2 if any."""
    from oscbridge.mapping import check_profiles

    problems = check_profiles(files)
    for p in problems:
        click.echo(p)
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(2)
    click.echo(f"ok: {len(files)} profile(s)")


def _parse_inputs(values: tuple[str, ...]) -> dict[int, str]:
    """--input FILE (source 1) or --input N=FILE, repeatable."""
    out: dict[int, str] = {}
    for item in values:
        head, eq, tail = item.partition("=")
        if eq and head.strip().isdigit():
            n, path = int(head), tail
            if not 1 <= n <= 64:
                raise ConfigError(f"--input {item!r}: source must be within 1..64")
        else:
            n, path = (max(out) + 1 if out else 1), item
        if n in out:
            raise ConfigError(f"--input {item!r}: source {n} already has an input")
        out[n] = path
    return out


@main.command()
@click.option("--text", "texts", multiple=True, metavar="TEXT",
              help="A cue ('N: TEXT' for source N), at time 0. Repeat for several sources.")
@click.option("--cues", "cue_file", default=None, metavar="FILE",
              help="A timed cue list (YAML or CSV: time, source, text[, duration]), as `oscbridge play` takes.")
@click.option("--input", "input_specs", multiple=True, required=True, metavar="[N=]IN.wav",
              help="A source's signal (mono or mixed to mono); N= picks the source (default 1, 2, ...).")
@click.option("--output", "output", required=True, metavar="OUT.wav", help="The rendered file.")
@click.option("--format", "fmt", type=click.Choice(["binaural", "stereo", "foa"]), default="binaural",
              show_default=True, help="Binaural (HRTF), stereo (sine/cosine law) or FOA (AmbiX: ACN, SN3D).")
@click.option("--hrtf", "hrtf_path", default=None, metavar="FILE.sofa",
              help="HRTF set for binaural [default: hrtf/MIT_KEMAR_normal_pinna.sofa].")
@click.option("--rate", "fs", default=48000, show_default=True, type=click.IntRange(8000, 192000), help="Output sample rate.")
@click.option("--gain", "gain_db", default=0.0, show_default=True, metavar="DB", help="Master gain.")
@click.option("--length", "length_s", default=None, type=click.FloatRange(0.01, 36000), metavar="S",
              help="Output length [default: the longest input plus the reverb tail].")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: for long files, on a terminal].")
@predictor_options
def render(texts: tuple[str, ...], cue_file: str | None, input_specs: tuple[str, ...], output: str, fmt: str,
           hrtf_path: str | None, fs: int, gain_db: float, length_s: float | None, progress: bool | None,
           predictor_kind: str, model: str | None) -> None:
    """Render cues offline: input files placed and moved by the cues, to one binaural, stereo or FOA file."""
    import dataclasses

    from oscbridge.bounce import TimedCue, render_file
    from oscbridge.cues import clean_text, split_prefix
    from oscbridge.errors import CueError

    try:
        if bool(texts) == bool(cue_file):
            raise ConfigError("give the cues with --text TEXT (repeatable) or --cues FILE, one of the two")
        inputs = _parse_inputs(input_specs)
        from pathlib import Path

        for n, path in inputs.items():
            if not Path(path).is_file():
                raise ConfigError(f"--input {path}: no such file")
        timed: list[tuple[float, int, str, float | None]] = []
        if cue_file:
            from oscbridge.timeline import load_cues

            timed = [(c.time_s, c.source, c.text, c.duration_s) for c in load_cues(Path(cue_file))]
        else:
            for raw in texts:
                try:
                    source, text = split_prefix(raw.strip())
                    timed.append((0.0, source, clean_text(text), None))
                except CueError as e:
                    raise ConfigError(f"--text {raw!r}: {e}") from None
        predictor = _predictor(predictor_kind, model)
        try:
            preds = predictor.predict([t[2] for t in timed])
        except CueError as e:
            raise ConfigError(f"cue not readable: {e}") from None
        cues = []
        for (time_s, source, text, duration), p in zip(timed, preds):
            motion = p.motion
            if motion is not None and duration is not None:
                motion = dataclasses.replace(motion, duration_s=duration)
            cues.append(TimedCue(time_s, source, p.params, motion))
            moving = f", {motion.kind} over {motion.duration_s:g} s" if motion is not None else ""
            click.echo(f"{time_s:8.2f}s [{source}] az {p.params.azimuth_deg:+.0f} el {p.params.elevation_deg:+.0f} "
                       f"dist {p.params.distance_m:.1f} m{moving}  \"{text}\"", err=True)
        summary = render_file(inputs, cues, output, fmt, fs, hrtf_path, gain_db, length_s, progress)
    except OscbridgeError as e:
        _fail(e)
    clip = "  (clipped: lower --gain)" if summary["peak_dbfs"] > 0 else ""
    click.echo(f"{output}: {summary['seconds']:.2f} s, {summary['channels']} channels {fmt}, peak "
               f"{summary['peak_dbfs']:.1f} dBFS{clip}; rendered {summary['realtime_factor']:.0f}x real time", err=True)


def _evaluate_render(hrtfs: tuple[str, ...], step_deg: float, reverb: bool, out: str, seed: int) -> None:
    import json
    from pathlib import Path

    import numpy as np

    from oscbridge.bounce import binaural_render_fn
    from oscbridge.hrtf import DEFAULT_HRTF, Hrtf
    from oscbridge.localize import closed_loop

    fs = 48000
    azimuths = [float(a) for a in np.arange(0.0, 360.0, step_deg)]
    results = {}
    click.echo(f"closed loop: noise rendered {'with reverb' if reverb else 'dry'} at {len(azimuths)} azimuths "
               f"(every {step_deg:g} deg, elevation 0); lateral angle from the ears' ITD (GCC-PHAT) and ILD")
    click.echo(f"{'HRTF':40s} {'mean':>7s} {'p90':>7s} {'max':>7s}  worst az  L/R swaps")
    try:
        for path in hrtfs or (str(DEFAULT_HRTF),):
            h = Hrtf.load(path, fs)
            r = closed_loop(binaural_render_fn(h, reverb), azimuths, fs, seed=seed)
            sm = r["summary"]
            results[h.name] = r
            click.echo(f"{h.name:40s} {sm['mean_abs_error_deg']:6.2f}° {sm['p90_abs_error_deg']:6.2f}° "
                       f"{sm['max_abs_error_deg']:6.2f}°  {sm['worst_azimuth_deg']:+7.1f}  {sm['lr_swaps']:>9d}")
    except OscbridgeError as e:
        _fail(e)
    Path(out).write_text(json.dumps({"mode": "render", "reverb": reverb, "results": results}, indent=1))
    click.echo(f"metrics: {out}", err=True)


@main.command()
def devices() -> None:
    """List the audio output devices (for serve --monitor --device)."""
    from oscbridge.monitor import list_output_devices

    try:
        rows = list_output_devices()
    except OscbridgeError as e:
        _fail(e)
    if not rows:
        click.echo("no audio output devices (is a sound server such as JACK running?)")
    for index, name, channels, default in rows:
        click.echo(f"{'*' if default else ' '} {index:3d}  {name}  ({channels} out)")


@main.command()
@click.option("--out", "out", default="models/oscbridge-minilm.pt", show_default=True, help="Checkpoint to write.")
@click.option("--n-train", default=60000, show_default=True, help="Synthetic training cues.")
@click.option("--n-valid", default=3000, show_default=True, help="Synthetic validation cues (unseen templates).")
@click.option("--epochs", default=6, show_default=True)
@click.option("--batch-size", default=64, show_default=True)
@click.option("--seed", default=0, show_default=True, help="Seeds the corpus and the training.")
@click.option("--trainable-layers", default=2, show_default=True, help="Encoder layers fine-tuned (the rest frozen, cached).")
@click.option("--token-dropout", default=0.1, show_default=True, help="Share of word tokens hidden from the fine-tuned layers per step.")
@click.option("--encoder-dropout-from", default=1, show_default=True,
              help="First epoch with the encoder's dropout on in the fine-tuned layers (0: never).")
@click.option("--elevation-head", default=64, show_default=True, type=click.IntRange(0, 4096),
              help="Width of the word-level elevation head, trained first on the frozen layers (0: none).")
@click.option("--members", default=2, show_default=True, type=click.IntRange(1, 8),
              help="Models in the ensemble (the shipped model has 2): member k trains again on the same cached cues "
                   "with seed + k and is written beside --out as NAME.memberK.pt; the served answer combines them.")
@click.option("--tiny", is_flag=True, help="A tiny randomly initialised encoder (for tests and smoke runs).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def train(out: str, n_train: int, n_valid: int, epochs: int, batch_size: int, seed: int, trainable_layers: int,
          token_dropout: float, encoder_dropout_from: int, elevation_head: int, members: int, tiny: bool,
          quiet: bool) -> None:
    """Train the parameter model on a freshly generated synthetic corpus."""
    import json
    import time
    from pathlib import Path

    from oscbridge import corpus
    from oscbridge.train import TrainConfig, train as run_training

    try:
        t0 = time.perf_counter()
        rows_train = corpus.generate(n_train, seed=seed, split="train")
        rows_valid = corpus.generate(n_valid, seed=seed + 1, split="valid")
        click.echo(f"corpus: {len(rows_train)} train, {len(rows_valid)} valid cues in {time.perf_counter() - t0:.1f} s", err=True)
        tiny_cfg = {"vocab_size": 30522, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                    "intermediate_size": 64, "max_position_embeddings": 128} if tiny else None
        cfg = TrainConfig(epochs=epochs, batch_size=batch_size, seed=seed,
                          trainable_layers=1 if tiny else trainable_layers, token_dropout=token_dropout,
                          encoder_dropout_from=encoder_dropout_from, elevation_head=elevation_head, members=members)
        summary = run_training(rows_train, rows_valid, Path(out), cfg, random_base=tiny_cfg,
                               log=lambda m: click.echo(m, err=True), progress=not quiet)
    except OscbridgeError as e:
        _fail(e)
    click.echo(json.dumps(summary))


@main.command()
@click.option("--model", "model", default=None, metavar="PATH", help="Checkpoint [default: the shipped model].")
@click.option("--out", "out", default="eval.json", show_default=True, help="Write every metric here as JSON.")
@click.option("--plot", "plot_path", default=None, metavar="PNG", help="Polar plot of azimuth errors and a sector confusion matrix.")
@click.option("--n-test", default=3000, show_default=True, help="Synthetic test cues (unseen templates and vocabulary).")
@click.option("--probe-n", default=6000, show_default=True, help="Synthetic training cues that fit the linear probe.")
@click.option("--seed", default=0, show_default=True)
@click.option("--handwritten", "handwritten", default=None, metavar="JSONL", help="Hand-written set [default: the shipped one].")
@click.option("--batch", "batch", default=1, show_default=True, type=click.IntRange(1, 4096),
              help="Cues per forward pass; 1 is how the daemon answers (int8 per token: batches give the same "
                   "answers, up to float rounding).")
@click.option("--render", "render_mode", is_flag=True,
              help="Closed-loop check of the binaural renderer instead: render noise around the head, estimate "
                   "the lateral angle from the ears' ITD (GCC-PHAT) and ILD, report the error.")
@click.option("--hrtf", "hrtfs", multiple=True, metavar="FILE.sofa",
              help="With --render: HRTF sets to check (repeatable) [default: the shipped MIT KEMAR].")
@click.option("--step", "step_deg", default=5.0, show_default=True, help="With --render: azimuth grid step (degrees).")
@click.option("--reverb", is_flag=True, help="With --render: render with the default reverb (wet 0.2) instead of dry.")
def evaluate(model: str | None, out: str, plot_path: str | None, n_test: int, probe_n: int, seed: int,
             handwritten: str | None, batch: int, render_mode: bool, hrtfs: tuple[str, ...], step_deg: float, reverb: bool) -> None:
    """The paper's metrics and ours for keyword rule, linear probe, model and model+parser
    (or, with --render, the closed-loop localisation check of the binaural renderer)."""
    import json
    from pathlib import Path

    if render_mode:
        _evaluate_render(hrtfs, step_deg, reverb, out, seed)
        return
    if hrtfs:
        _fail(ConfigError("--hrtf applies with --render"))

    from oscbridge import corpus
    from oscbridge import evaluate as ev
    from oscbridge.keywords import KeywordPredictor
    from oscbridge.neural import NeuralPredictor
    from oscbridge.probe import LinearProbePredictor

    try:
        from oscbridge.checkpoint import DEFAULT_CHECKPOINT

        path = Path(model) if model else DEFAULT_CHECKPOINT
        with_parser = NeuralPredictor(path, use_parser=True)
        bare = with_parser.without_parser()  # one load, one copy of the weights
        from oscbridge.encoders import load_encoder

        if with_parser.model.config.encoder_sha256:
            tok, bert = load_encoder(with_parser.model.config.encoder)
        else:  # a randomly initialised encoder (tests): the checkpoint's own
            from oscbridge.checkpoint import load_checkpoint

            bare_model, tok, _ = load_checkpoint(path)
            bert = bare_model.bert
        probe = LinearProbePredictor(tok, bert, corpus.generate(probe_n, seed=seed + 7, split="train"))
        predictors = {"keyword": KeywordPredictor(), "linear probe": probe, "model": bare, "model+parser": with_parser}
        hw_path = Path(handwritten) if handwritten else ev.HANDWRITTEN
        sets = {"synthetic test": ev.items_from_corpus(corpus.generate(n_test, seed=seed + 2, split="test")),
                "handwritten": ev.load_handwritten(hw_path)}
        results = ev.evaluate_all(predictors, sets, batch)
    except OscbridgeError as e:
        _fail(e)
    names = list(predictors)
    click.echo(ev.table(results, names))
    click.echo("")
    click.echo("model+parser, all metrics:")
    click.echo(ev.detail_table(results, "model+parser"))
    if plot_path:
        ev.plot(results, sets["handwritten"], "model+parser", Path(plot_path))
        click.echo(f"plot: {plot_path}", err=True)
    clean = {s: {k: v for k, v in subs.items() if not k.startswith("_")} for s, subs in results.items()}
    Path(out).write_text(json.dumps({"model": str(path), "meta": with_parser.meta.get("best"), "batch": batch, "results": clean}, indent=1))
    click.echo(f"metrics: {out}", err=True)


@main.command()
@click.argument("cues", metavar="CUES")
@click.option("--send", "sends", multiple=True, metavar="PROFILE[@HOST:PORT]",
              help="A target; repeat for several. PROFILE is a name from mappings/ or a YAML path. [default: adm-osc]")
@click.option("--set", "sets", multiple=True, metavar="PROFILE.KEY=VALUE",
              help="Override a profile setting or var, e.g. --set reaper-iem.fx=2.")
@click.option("--follow-reaper", "follow", default=None, metavar="HOST:PORT",
              help="Follow REAPER's transport: listen here for its OSC feedback (/time, /play, /stop). "
                   "Without it the cues play on the wall clock.")
@click.option("--start", "start", default=None, metavar="TIME",
              help="Wall clock only: start from this time (seconds or MM:SS.s); earlier cues are chased.")
@click.option("--rate", "rate_hz", default=50.0, show_default=True, metavar="HZ",
              help="Moving sources are streamed to every target at this rate.")
@click.option("--glide", "glide_s", default=0.1, show_default=True, metavar="S",
              help="A new cue for a moving source glides from where it is over this time.")
@click.option("--dry-run", is_flag=True, help="Print the schedule with the predicted parameters; send nothing.")
@monitor_options
@predictor_options
def play(cues: str, sends: tuple[str, ...], sets: tuple[str, ...], follow: str | None, start: str | None,
         rate_hz: float, glide_s: float, dry_run: bool, monitor: bool, device: str | None, hrtf_path: str | None,
         monitor_sources: tuple[str, ...], monitor_gain: float, block: int, predictor_kind: str,
         model: str | None) -> None:
    """Play a cue list (YAML or CSV: time, source, text[, duration]) on the wall clock or REAPER's playhead."""
    from pathlib import Path

    from oscbridge import timeline as tl
    from oscbridge.targets import open_targets, parse_hostport, parse_send

    player_ref: list[tl.TimelinePlayer] = []

    def report(text: str) -> None:
        if player_ref:
            player_ref[0].console.warn(text)
        else:
            click.echo(f"oscbridge: {text}", err=True)

    try:
        entries = tl.load_cues(Path(cues))
        listen = parse_hostport(follow, "--follow-reaper") if follow else None
        if listen is not None and start is not None:
            raise ConfigError("--start is for wall-clock playback; with --follow-reaper REAPER's playhead decides")
        try:
            start_s = tl.parse_time(start, "--start") if start is not None else 0.0
        except ValueError as e:
            raise ConfigError(str(e)) from None
        specs = [parse_send(s) for s in (sends or DEFAULT_SEND)]
        targets = open_targets(specs, _parse_sets(sets), report)
        if listen is not None:
            tl.check_loops(listen, targets)
        predictor = _predictor(predictor_kind, model)
        schedule, problems = tl.plan(entries, predictor)
    except OscbridgeError as e:
        _fail(e)
    for problem in problems:
        click.echo(f"oscbridge: {problem}", err=True)
    if not schedule:
        click.echo("oscbridge: error: no cue left to play", err=True)
        sys.exit(1)
    if dry_run:
        for t in targets:
            t.close()
        clock = f"REAPER's playhead (feedback on {listen[0]}:{listen[1]})" if listen else "the wall clock"
        click.echo(f"oscbridge: dry run: {len(schedule)} cues on {clock}, predictor {predictor.name}; "
                   f"would send to {', '.join(t.label for t in targets)}", err=True)
        for cue in sorted(schedule, key=lambda c: c.time_s):
            click.echo(tl.describe(cue))
        sys.exit(1 if problems else 0)
    try:
        mon = _open_monitor(monitor, device, hrtf_path, monitor_sources, monitor_gain, block)
        player = tl.TimelinePlayer(schedule, targets, tl.PlayConfig(listen, start_s, rate_hz, glide_s), monitor=mon)
        player_ref.append(player)
        player.start()
        if mon is not None:
            mon.start()
    except OscbridgeError as e:
        if player_ref:
            player_ref[0].shutdown()
        elif "mon" in locals() and mon is not None:
            mon.close()
        _fail(e)
    sys.exit(player.run() or (1 if problems else 0))
