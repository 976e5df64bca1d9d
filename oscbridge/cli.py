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
@predictor_options
def serve(listen: str, tcp: str | None, use_stdin: bool, sends: tuple[str, ...], sets: tuple[str, ...],
          allow: tuple[str, ...], reply_port: int | None, rate_hz: float, glide_s: float, predictor_kind: str,
          model: str | None) -> None:
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
        daemon = Daemon(_predictor(predictor_kind, model), targets, config)
        daemon_ref.append(daemon)
        daemon.start()
    except OscbridgeError as e:
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


@main.command()
@click.option("--out", "out", default="models/oscbridge-minilm.pt", show_default=True, help="Checkpoint to write.")
@click.option("--n-train", default=60000, show_default=True, help="Synthetic training cues.")
@click.option("--n-valid", default=3000, show_default=True, help="Synthetic validation cues (unseen templates).")
@click.option("--epochs", default=6, show_default=True)
@click.option("--batch-size", default=64, show_default=True)
@click.option("--seed", default=0, show_default=True, help="Seeds the corpus and the training.")
@click.option("--trainable-layers", default=2, show_default=True, help="Encoder layers fine-tuned (the rest frozen, cached).")
@click.option("--tiny", is_flag=True, help="A tiny randomly initialised encoder (for tests and smoke runs).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def train(out: str, n_train: int, n_valid: int, epochs: int, batch_size: int, seed: int, trainable_layers: int,
          tiny: bool, quiet: bool) -> None:
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
                          trainable_layers=1 if tiny else trainable_layers)
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
def evaluate(model: str | None, out: str, plot_path: str | None, n_test: int, probe_n: int, seed: int,
             handwritten: str | None) -> None:
    """The paper's metrics and ours for keyword rule, linear probe, model and model+parser."""
    import json
    from pathlib import Path

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

        tok, bert = load_encoder(with_parser.model.config.encoder) if with_parser.model.config.encoder_sha256 else (
            with_parser.tokenizer, with_parser.model.bert)
        probe = LinearProbePredictor(tok, bert, corpus.generate(probe_n, seed=seed + 7, split="train"))
        predictors = {"keyword": KeywordPredictor(), "linear probe": probe, "model": bare, "model+parser": with_parser}
        hw_path = Path(handwritten) if handwritten else ev.HANDWRITTEN
        sets = {"synthetic test": ev.items_from_corpus(corpus.generate(n_test, seed=seed + 2, split="test")),
                "handwritten": ev.load_handwritten(hw_path)}
        results = ev.evaluate_all(predictors, sets)
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
    Path(out).write_text(json.dumps({"model": str(path), "meta": with_parser.meta.get("best"), "results": clean}, indent=1))
    click.echo(f"metrics: {out}", err=True)
