"""US phone numbers are accepted as people write them; anything else is refused."""

import pytest

from actions.phone import is_us_phone_number


@pytest.mark.parametrize(
    "text",
    [
        "904-555-0142",
        "(904) 555-0142",
        "904.555.0142",
        "9045550142",
        "+1 904 555 0142",
        "1-904-555-0142",
    ],
)
def test_us_formats_are_accepted(text: str) -> None:
    assert is_us_phone_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "555-0142",
        "12345",
        "call me",
        "904-555-O142",
        "1-800-FLOWERS",
        "+44 20 7946 0958",
        "904-555-0142'; DROP TABLE appointment_requests; --",
        "9" * 60,
    ],
)
def test_nonsense_is_refused(text: str) -> None:
    assert not is_us_phone_number(text)
