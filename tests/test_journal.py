"""The write-ahead journal: exact round trips, crash-cut lines, adoption of orphans."""

import os
import stat
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from clinic_log.journal import Journal, claimed, decode, encode, read_records
from tests.support.log_records import appointment, exchange, feedback


@given(text=st.text(max_size=500), reply=st.text(max_size=200), cut=st.booleans())
def test_an_exchange_survives_the_journal_exactly(text, reply, cut):
    record = exchange(text=text, reply=reply, text_truncated=cut)

    line = encode(record)

    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode(line) == record


def test_every_kind_of_record_round_trips():
    for record in (exchange(), appointment(), feedback()):
        assert decode(encode(record)) == record


def test_records_are_read_back_in_order_and_owner_only(tmp_path):
    journal = Journal(tmp_path / "journal")
    records = [exchange(message_id=f"m{n}") for n in range(3)] + [appointment()]
    for record in records:
        journal.append(record)

    assert read_records(journal.path, 0, journal.end) == records
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    journal.close()


def test_a_line_cut_by_a_crash_is_ignored_and_a_damaged_one_reported(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(encode(exchange()) + b'{"kind": "nonsense"}\n' + b'{"kind": "exch')

    assert read_records(path, 0, path.stat().st_size) == [exchange(), None]


def test_emptied_once_everything_is_consumed(tmp_path):
    journal = Journal(tmp_path)
    journal.append(exchange())
    middle = journal.end
    journal.append(appointment())

    assert journal.consumed(middle) == middle
    assert journal.path.stat().st_size > 0
    assert journal.consumed(journal.end) == 0
    assert journal.path.stat().st_size == 0
    journal.close()
    assert not journal.path.exists()  # an empty journal leaves nothing behind


def test_only_journals_of_dead_writers_can_be_claimed(tmp_path):
    live = Journal(tmp_path)
    live.append(exchange())
    # A writer in another process that died with a record still journaled.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from pathlib import Path;"
            "from clinic_log.journal import Journal;"
            "from tests.support.log_records import exchange;"
            "j = Journal(Path(sys.argv[1])); j.append(exchange(message_id='dead'));"
            "os._exit(0)",
            str(tmp_path),
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    observer = Journal(tmp_path)

    orphans = observer.orphans()
    claims = {}
    for path in orphans:
        with claimed(path) as ours:
            claims[path] = ours

    assert claims[live.path] is False
    (dead,) = [path for path, ours in claims.items() if ours]
    assert read_records(dead, 0, dead.stat().st_size) == [exchange(message_id="dead")]
    live.close()
    observer.close()
