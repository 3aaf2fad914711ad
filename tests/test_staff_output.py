"""Output helpers of the staff tools: formula neutralising and literal cells."""

import pytest

from staff.output import flags, machine_text, neutralise, visible


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1 904 265 7755", "'+1 904 265 7755"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain text = fine", "plain text = fine"),
        ("", ""),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_csv_neutralises_every_text_cell_and_keeps_numbers():
    text = machine_text([{"a": "=1", "b": 3, "c": None, "d": True}], "abcd", "csv")
    assert text.splitlines() == ["a,b,c,d", "'=1,3,,true"]


def test_jsonl_keeps_text_as_stored():
    assert machine_text([{"a": "=1 <b>"}], ["a"], "jsonl") == '{"a": "=1 <b>"}\n'


def test_visible_escapes_control_characters_and_ignores_markup():
    assert visible("[red]x[/]\x1b[2J").plain == "[red]x[/]\\x1b[2J"


def test_flags_name_the_cut_marker():
    assert flags({"is_emergency": True, "text_truncated": True}) == "emergency, cut"
