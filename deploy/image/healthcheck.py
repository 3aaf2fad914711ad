"""The image's health check: healthy when the server this container runs answers.

One image runs several roles, each on its own port; a container runs one of
them, so the first port that answers with a success tells that it is up. The
migration and the e-mail sender have no port and report unhealthy, which no
orchestrator asks of them (the Kubernetes and compose files probe the servers
only).
"""

import sys
import urllib.error
import urllib.request

# Rasa's root, the action server's and the dashboard's sign-in page.
CHECKS = (
    "http://127.0.0.1:5005/",
    "http://127.0.0.1:5055/health",
    "http://127.0.0.1:8001/login",
)


def answers(url: str) -> bool:
    """True when `url` answers 2xx within the check's time."""
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False


if __name__ == "__main__":
    sys.exit(0 if any(answers(url) for url in CHECKS) else 1)
