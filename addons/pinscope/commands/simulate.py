"""`pinscope simulate`: run the local Pinterest API v5 simulator on 127.0.0.1 until interrupted."""

from __future__ import annotations

import argparse
import threading
from dataclasses import replace

from pinscope.commands import CommandError
from pinscope.catalog import default_catalog
from pinscope.simulator import SimConfig, Simulator
from pinscope.simulator.access import all_features, with_features
from pinscope.simulator.app import MAX_LATENCY_MS
from pinscope.simulator.server import serve
from pinscope.simulator.state import REFRESH_READINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `simulate` subcommand."""
    parser = subparsers.add_parser(
        "simulate", help="run a local Pinterest API v5 simulator (no network needed)",
        description="Serve a simulated Pinterest API v5 on 127.0.0.1: production on --port, the "
                    "sandbox on --sandbox-port (or pick either with the Host header). Get tokens "
                    "with POST /_sim/token or /_sim/authorize; GET /_sim lists apps and faults.")
    parser.add_argument("--port", type=int, default=8765, metavar="N",
                        help="production port (0 = any free port; default 8765)")
    parser.add_argument("--sandbox-port", type=int, metavar="M", help="a second port serving the sandbox")
    parser.add_argument("--token-ttl", type=float, metavar="S", help="access token lifetime in seconds "
                        "(default 30 days, as Pinterest)")
    parser.add_argument("--rate-scale", type=float, default=1.0, metavar="F",
                        help="multiply every per-category rate-limit quota by F (e.g. 0.005 to reach 429 "
                             "within a few calls)")
    parser.add_argument("--features", metavar="LIST",
                        help="give every app these restricted (beta) features: `all`, or names separated by "
                             "commas (default: none, so beta operations answer 401 code 3)")
    parser.add_argument("--refresh-reuse", choices=REFRESH_READINGS, default="allowed",
                        help="what a refresh does to the refresh token it used: `allowed` (default) keeps it "
                             "working until its own expiry, `rotated` retires it (Pinterest documents only "
                             "that each refresh returns a new one)")
    parser.add_argument("--latency", type=int, default=0, metavar="MS",
                        help=f"delay each /v5 answer by MS milliseconds, as a round trip to Pinterest "
                             f"takes time (0..{MAX_LATENCY_MS}; default 0)")
    parser.set_defaults(run=run)


def config_from(args: argparse.Namespace) -> SimConfig:
    """The simulator configuration the options ask for."""
    if args.rate_scale <= 0:
        raise CommandError("--rate-scale must be greater than 0")
    if args.token_ttl is not None and args.token_ttl <= 0:
        raise CommandError("--token-ttl must be greater than 0")
    if not 0 <= args.latency <= MAX_LATENCY_MS:
        raise CommandError(f"--latency must be between 0 and {MAX_LATENCY_MS} milliseconds")
    config = replace(SimConfig(), rate_scale=args.rate_scale, refresh_reuse=args.refresh_reuse,
                     latency_ms=args.latency)
    if args.features:
        config = replace(config, apps=with_features(config.apps, _features(args.features)))
    return replace(config, token_ttl=args.token_ttl) if args.token_ttl is not None else config


def _features(text: str) -> frozenset[str]:
    """The features `--features` names: `all`, or known names separated by commas."""
    known = all_features(default_catalog())
    if text.strip() == "all":
        return known
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    if unknown := sorted(names - known):
        raise CommandError(f"--features: unknown feature {unknown[0]!r} (`all`, or e.g. {min(known)})")
    return names


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; prints where, and how to get a token (never a secret)."""
    simulator = Simulator(config_from(args))
    try:
        server = serve(simulator, args.port, args.sandbox_port)
    except OSError as err:
        raise CommandError(f"cannot listen on 127.0.0.1: {err.strerror or err}") from err
    with server:
        try:  # from the first line on: a client may send Ctrl-C as soon as it reads where to connect
            print(f"production: {server.url('production')}", flush=True)
            if "sandbox" in server.servers:
                print(f"sandbox:    {server.url('sandbox')}", flush=True)
            apps = ", ".join(f"{a.app_id} ({a.tier})" for a in simulator.config.apps)
            print(f"apps: {apps}", flush=True)
            base = server.url("production").removesuffix("/v5")
            print(f"token: curl -d app_id={simulator.config.apps[0].app_id} -d scope=boards:read "
                  f"{base}/_sim/token", flush=True)
            threading.Event().wait()
        except KeyboardInterrupt:
            print("simulator stopped", flush=True)
    return 0
