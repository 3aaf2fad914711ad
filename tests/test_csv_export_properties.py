"""CSV export properties: any visitor text round-trips, none runs as a formula."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from staff.output import FORMULA_PREFIXES, machine_text, neutralise

COLUMNS = ("sender_id", "text", "reply")
# Visitor text of every kind, with formula starts and CSV's own characters likely.
# Never NUL: the log stores it as U+FFFD (Python's csv module cannot write NUL).
STORED_TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=80)
CELLS = st.one_of(
    STORED_TEXT,
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from([*FORMULA_PREFIXES, '"', ",", "\n", "'"]),
        STORED_TEXT,
    ),
)
ROWS = st.lists(st.fixed_dictionaries(dict.fromkeys(COLUMNS, CELLS)), max_size=8)


def parsed(text: str) -> list:
    return list(csv.reader(io.StringIO(text, newline="")))


@given(ROWS)
def test_every_cell_round_trips_through_a_csv_reader(rows):
    header, *lines = parsed(machine_text(rows, COLUMNS, "csv"))

    assert tuple(header) == COLUMNS
    assert lines == [[neutralise(row[column]) for column in COLUMNS] for row in rows]


@given(ROWS)
def test_no_cell_starts_like_a_formula(rows):
    _, *lines = parsed(machine_text(rows, COLUMNS, "csv"))

    for line in lines:
        for cell in line:
            assert not cell.startswith(FORMULA_PREFIXES)


@given(CELLS)
def test_neutralising_only_ever_adds_one_quote_in_front(cell):
    escaped = neutralise(cell)

    assert escaped in (cell, "'" + cell)
    assert (escaped != cell) == cell.startswith(FORMULA_PREFIXES)
