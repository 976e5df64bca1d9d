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


def default_predictor():
    from oscbridge.keywords import KeywordPredictor

    return KeywordPredictor()


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
def serve(listen: str, tcp: str | None, use_stdin: bool, sends: tuple[str, ...], sets: tuple[str, ...],
          allow: tuple[str, ...], reply_port: int | None) -> None:
    """Run the daemon: cues over OSC (/cue s TEXT) and stdin ('N: TEXT') to every --send target."""
    from oscbridge.daemon import Daemon, ServeConfig
    from oscbridge.targets import open_targets, parse_hostport, parse_send

    try:
        listen_addr = parse_hostport(listen, "--listen")
        tcp_addr = parse_hostport(tcp, "--tcp") if tcp else None
        specs = [parse_send(s) for s in (sends or DEFAULT_SEND)]
        daemon_ref: list[Daemon] = []
        targets = open_targets(specs, _parse_sets(sets), lambda text: daemon_ref[0].console.warn(text))
        config = ServeConfig(listen_addr, tcp_addr, use_stdin, tuple(allow), reply_port)
        daemon = Daemon(default_predictor(), targets, config)
        daemon_ref.append(daemon)
        daemon.start()
    except OscbridgeError as e:
        _fail(e)
    sys.exit(daemon.run())


@main.command()
@click.argument("texts", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cue (JSON Lines), the contract of conventions.md §2.")
def predict(texts: tuple[str, ...], as_json: bool) -> None:
    """Predict the spatial parameters of cues (TEXT..., or one per line on stdin)."""
    import json

    from oscbridge.cues import clean_text, split_prefix
    from oscbridge.daemon import summary_line
    from oscbridge.errors import CueError

    try:
        predictor = default_predictor()
    except OscbridgeError as e:
        _fail(e)
    lines = list(texts) if texts else [line.rstrip("\n") for line in sys.stdin]
    failed = 0
    for raw in lines:
        try:
            source, text = split_prefix(raw.strip())
            text = clean_text(text)
            p = predictor.predict([text])[0].with_source(source)
        except CueError as e:
            failed += 1
            if as_json:
                click.echo(json.dumps({"text": raw, "error": str(e)}, ensure_ascii=False))
            else:
                click.echo(f"error: {e}: {raw!r}")
            continue
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
