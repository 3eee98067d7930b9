"""``imssim-dashboard``: serve the dashboard on this machine, with no request leaving it.

The page is Solara's (:mod:`imssim.present.dashboard.app`), served by uvicorn on 127.0.0.1 by
default. Solara's front end comes from local files: the Vue 2 app of ``ipyvue`` and
``ipyvuetify`` (below version 3) and the libraries that ``solara-assets`` installs into
the environment's ``share/solara/cdn``. Solara would fetch any other library from a
public CDN; here its CDN address is a closed port on the loopback, so a missing file
fails at once instead of reaching out, and Solara's usage reports are switched off.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "imssim.present.dashboard.app"
# Where Solara looks for a front-end library it does not have locally: the discard port
# of the loopback, where nothing listens (Solara's default is a public CDN).
NO_CDN = "http://127.0.0.1:9/"
OFFLINE_ENVIRONMENT = {
    "SOLARA_APP": APP,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # no usage reports
    "SOLARA_ASSETS_CDN": NO_CDN,
    "SOLARA_ASSETS_PROXY": "true",  # libraries served by this server, from local files
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_TITLE": "imssim dashboard",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="imssim-dashboard",
        description=(
            "Play a scenario year by year in the browser, beside the same world without "
            "its budget changes; or compare 2-4 scenarios over seeds (/compare). Works "
            "offline: nothing is loaded from outside this machine."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("IMSSIM_DASHBOARD_PORT", DEFAULT_PORT)),
        help=f"port (default {DEFAULT_PORT}, or $IMSSIM_DASHBOARD_PORT)",
    )
    parser.add_argument(
        "--scenario-dir",
        action="append",
        default=[],
        metavar="DIR",
        help=(
            "a folder of one's own scenario files, offered beside the shipped ones: a "
            "search path folder (its scenario/*.yaml) or a folder of *.yaml files; repeatable"
        ),
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be 1-65535 (got {args.port})")
    return args


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def missing_packages() -> list[str]:
    """The dashboard's packages that are not installed, or in a version that would load
    the front end from a CDN (ipyvue or ipyvuetify 3)."""
    from importlib.metadata import PackageNotFoundError, version

    wanted = {"solara": None, "solara-assets": None, "ipyvue": 3, "ipyvuetify": 3, "uvicorn": None}
    missing = []
    for name, below in wanted.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            missing.append(name)
            continue
        if below is not None and int(found.split(".")[0]) >= below:
            missing.append(f"{name}<{below} (found {found})")
    return missing


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_packages()
    if missing:
        print(
            f"imssim-dashboard: needs {', '.join(missing)}: install the dashboard extra, "
            "pip install -c constraints.txt -e '.[dashboard]' (make dashboard does)",
            file=sys.stderr,
        )
        return 2
    from imssim.errors import ImssimError
    from imssim.present.dashboard.catalogue import DIRS_VARIABLE, own_scenarios

    try:
        own = own_scenarios(args.scenario_dir)
    except ImssimError as exc:
        print(f"imssim-dashboard: {exc}", file=sys.stderr)
        return 2
    os.environ[DIRS_VARIABLE] = os.pathsep.join(
        str(Path(d).expanduser().resolve()) for d in args.scenario_dir
    )
    os.environ.update(OFFLINE_ENVIRONMENT)
    # plain http on this machine: Solara's advice for pages embedded over https is noise
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    os.environ["SERVER_NAME"] = args.host
    os.environ["SERVER_PORT"] = str(args.port)

    import uvicorn

    config = uvicorn.Config(
        "solara.server.starlette:app",
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    if own:
        print(f"imssim dashboard: your own scenarios: {', '.join(own)}", flush=True)
    print(
        f"imssim dashboard: {url(args.host, args.port)} (Ctrl-C to stop); compare "
        f"scenarios at {url(args.host, args.port)}compare",
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        return 130
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
