"""Which events an action call carries (the call itself: tests/test_rasa_seam.py)."""

from clinic_rasa.action_call import this_turn


def test_a_call_carries_the_latest_message_and_what_followed_it() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hello"},
        {"event": "bot", "text": "Hi!"},
        {"event": "user", "text": "how long is the stay"},
        {"event": "action", "name": "utter_faq"},
        {"event": "bot", "text": "Most go home the same day."},
    ]

    assert this_turn(events) == events[3:]


def test_before_the_first_message_a_call_carries_every_event() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]

    assert this_turn(events) == events


def test_an_empty_conversation_carries_nothing() -> None:
    assert this_turn([]) == []
