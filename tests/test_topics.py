"""Every reply the log can name has a name staff understand, from one table."""

from typing import Any, Dict

from actions.topics import REPLY_NAMES, TOPICS, staff_name


def test_every_response_in_the_domain_has_a_staff_name(domain: Dict[str, Any]) -> None:
    responses = {name[len("utter_") :] for name in domain["responses"]}
    unnamed = sorted(name for name in responses if staff_name(name) == name)
    assert unnamed == []
    # No name for a reply the assistant no longer has.
    assert set(TOPICS) | set(REPLY_NAMES) == responses


def test_logged_keys_and_topics_get_the_same_name() -> None:
    assert staff_name("utter_faq/duration") == staff_name("faq/duration")
    assert staff_name("utter_not_covered/cost") == "Cost (not on the page)"
    assert staff_name("utter_default") == "Not understood"
    # An answer key from an older version of the assistant is shown as it is.
    assert staff_name("utter_retired_answer") == "retired_answer"


def test_staff_names_are_distinct() -> None:
    names = [topic.staff_name for topic in TOPICS.values()] + list(REPLY_NAMES.values())
    assert len(names) == len(set(names))
