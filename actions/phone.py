"""Validates the phone number a visitor gives for a callback."""

import phonenumbers

US_REGIONS = {"US"}


def is_us_phone_number(text: str) -> bool:
    """Tells whether `text` is a valid US phone number, written with digits.

    libphonenumber accepts vanity numbers such as 1-800-FLOWERS; a callback
    number typed with letters is far more likely a typo, so letters are refused.
    """
    if any(character.isalpha() for character in text) or len(text) > 40:
        return False
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) in US_REGIONS
    )
