"""Podman for the image tests, always in the test run's own container store.

`make test-image` (scripts/image/test_image.sh) builds the images into a store
under a temporary folder and points CONTAINERS_CONF and CONTAINERS_STORAGE_CONF
at it; these helpers refuse to run without that, so a test can never touch
the machine's own containers.
"""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

import pytest

# Set by scripts/image/test_image.sh: the images it built for this run.
IMAGE_VARIABLES = ("CLINIC_IMAGE", "STANDIN_POSTGRES", "STANDIN_REDIS", "STANDIN_NGINX")


def built_images() -> Dict[str, str]:
    """The images of this run by variable; fails outside `make test-image`."""
    missing = [name for name in ("CONTAINERS_STORAGE_CONF", *IMAGE_VARIABLES)
               if not os.environ.get(name)]  # fmt: skip
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: run the image tests by `make test-image`",
            pytrace=False,
        )
    return {name: os.environ[name] for name in IMAGE_VARIABLES}


def podman(
    *args: str, check: bool = True, timeout_s: float = 300, stdin: Optional[str] = None
) -> subprocess.CompletedProcess:
    """Runs one podman command; with `check`, a failure shows its output."""
    result = subprocess.run(
        ["podman", *args],
        capture_output=True, text=True, timeout=timeout_s, input=stdin, check=False,
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(
            f"podman {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result


def inspect(kind: str, name: str) -> Dict[str, Any]:
    """`podman KIND inspect NAME` as a dict."""
    found: List[Dict[str, Any]] = json.loads(podman(kind, "inspect", name).stdout)
    return found[0] if isinstance(found, list) else found


def logs(container: str) -> str:
    """A container's last lines of output, for a failure message."""
    result = podman("logs", "--tail", "30", container, check=False)
    return f"--- {container} ---\n{result.stdout}{result.stderr}"


def wait_for_http(url: str, timeout_s: float, *containers: str) -> None:
    """Polls `url` until it answers 2xx; on timeout shows the containers' logs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise AssertionError(
        f"{url} did not answer within {timeout_s} s\n"
        + "\n".join(logs(container) for container in containers)
    )
