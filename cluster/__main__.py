"""`python -m cluster`: the production topology on loopback, until Ctrl-C.

Prints where visitors and staff connect once every server answers, then
watches them: if one dies, or on Ctrl-C / SIGTERM, everything is stopped and
nothing is left running.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import List, Optional

from cluster.processes import ServiceError
from cluster.topology import DEFAULT_ADDRESS_RATE, Cluster, ClusterSettings

WATCH_INTERVAL_S = 1.0


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Options; defaults come from the same variables as `make run`."""
    parser = argparse.ArgumentParser(
        prog="python -m cluster",
        description="Start PostgreSQL, Redis, two Rasa servers, two action "
        "servers, the staff dashboard and nginx on 127.0.0.1.",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=os.environ.get("MODEL"),
        required=not os.environ.get("MODEL"),
        help="the trained model (default: $MODEL, set by make)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("CLUSTER_PORT", "8080")),
        help="nginx's public port (default: $CLUSTER_PORT or 8080; 0 = any free port)",
    )
    parser.add_argument(
        "--dashboard-port",
        type=int,
        default=int(os.environ.get("DASHBOARD_PORT", "8001")),
        help="the staff dashboard's port (default: $DASHBOARD_PORT or 8001)",
    )
    parser.add_argument("--rasa-servers", type=int, default=2, choices=range(1, 9))
    parser.add_argument("--action-servers", type=int, default=2, choices=range(1, 9))
    parser.add_argument(
        "--address-limit",
        type=int,
        default=DEFAULT_ADDRESS_RATE,
        help="messages a minute nginx lets one client address send "
        f"(default {DEFAULT_ADDRESS_RATE}; raise it to benchmark from one machine)",
    )
    parser.add_argument(
        "--no-dashboard", action="store_true", help="do not start the dashboard"
    )
    args = parser.parse_args(argv)
    if not args.model.is_file():
        parser.error(f"no model at {args.model}: run `make train` first")
    if args.address_limit < 1:
        parser.error("--address-limit must be at least 1")
    return args


def ready_message(cluster: Cluster) -> str:
    """Where visitors and staff connect, and where the logs are."""
    dashboard = cluster.dashboard_url if cluster.settings.dashboard else "(not started)"
    return (
        "\nThe cluster is ready.\n"
        f"  Visitors (nginx): {cluster.url}/webhooks/rest/webhook\n"
        f"  Staff dashboard:  {dashboard}\n"
        f"  Server logs:      {cluster.logs}\n"
        "  Stop it:          Ctrl-C\n"
    )


def _stop_on_signal(signum: int, _: Optional[FrameType]) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the cluster in the foreground; 0 when asked to stop, 1 on failure."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    settings = ClusterSettings(
        model=args.model,
        public_port=args.port,
        dashboard_port=args.dashboard_port,
        rasa_servers=args.rasa_servers,
        action_servers=args.action_servers,
        dashboard=not args.no_dashboard,
        address_rate_per_minute=args.address_limit,
    )
    try:
        cluster = Cluster(settings, progress=lambda line: print(line, flush=True))
        with cluster:
            print(ready_message(cluster), flush=True)
            while True:
                cluster.check_alive()
                time.sleep(WATCH_INTERVAL_S)
    except KeyboardInterrupt:
        print("Stopping the cluster...", flush=True)
        return 0
    except (ServiceError, FileNotFoundError) as error:
        print(f"The cluster stopped: {error}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
