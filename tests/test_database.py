"""SQLite connections are set up for several processes sharing one file."""

from clinic_log.database import make_engine


def test_sqlite_connections_share_the_file_safely_and_sync_at_checkpoints(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'clinic.db'}")

    with engine.connect() as connection:
        settings = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        ]
    engine.dispose()

    assert settings == ["wal", 1, 1]  # synchronous 1 is NORMAL (FULL is 2)
