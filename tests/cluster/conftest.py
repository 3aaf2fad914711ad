"""The cluster under test: every server real, on loopback, for this folder only.

Started once for the module (about a minute: two Rasa servers load the model
side by side) and always stopped, with nothing left running.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster.topology import Cluster, ClusterSettings
from tests.support.servers import trained_model

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Two Rasa servers, two action servers, PostgreSQL, Redis, nginx, dashboard.

    nginx's per-address limit is raised: every test visitor shares one address.
    """
    settings = ClusterSettings(
        model=trained_model(ROOT), address_rate_per_minute=100_000
    )
    with Cluster(settings, progress=lambda _: None) as running:
        yield running
