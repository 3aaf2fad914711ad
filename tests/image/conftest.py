"""The images `make test-image` built for this run, and the run's own store."""

from pathlib import Path
from typing import Dict

import pytest

from tests.support.podman import built_images

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="session")
def images() -> Dict[str, str]:
    """The assistant's image and the stand-ins for the public service images."""
    return built_images()
