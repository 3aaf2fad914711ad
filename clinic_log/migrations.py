"""Brings a database's schema up to date with Alembic, from code.

Every process that opens the log runs this first, so a fresh database and an
old one end up with the same tables without anybody running a command.
"""

from alembic import command
from alembic.config import Config

from clinic_log.settings import REPO_ROOT

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url`, independent of the working directory.

    The URL travels in `Config.attributes`, so it is never written to a file
    and never logged with its password.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(url: str) -> None:
    """Applies every migration not yet applied to the database at `url`."""
    command.upgrade(alembic_config(url), "head")


def downgrade(url: str, revision: str = "base") -> None:
    """Reverts the database at `url` to `revision` (everything, by default)."""
    command.downgrade(alembic_config(url), revision)
