"""The callback form through the REST webhook, on the trained model.

Phone formats, name phrasings and questions asked in the middle of the form
come from tests/blind/form_probes*.yml, each written by someone who saw only
the page and the form's questions. Each conversation must end with exactly one stored
request holding the right values: nothing lost, no 911 for a phone number.
"""

from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest
import yaml

from tests.support.live_log import LoggedAppointment, eventually, logged_appointments
from tests.support.servers import AssistantServers

pytestmark = pytest.mark.e2e


def load_probes() -> Dict[str, List[Any]]:
    """Every probe file's entries, by kind (phones, names, …)."""
    probes: Dict[str, List[Any]] = {}
    for path in sorted((Path(__file__).parent / "blind").glob("form_probes*.yml")):
        for kind, entries in yaml.safe_load(path.read_text("utf-8")).items():
            probes.setdefault(kind, []).extend(entries)
    return probes


PROBES = load_probes()
NAME, PHONE, BEST_TIME = "Robin Ames", "(813) 555-0143", "weekday mornings"
SLOT_ORDER = ("callback_name", "callback_phone", "callback_time", "callback_reason")
DEFAULT_ANSWERS = {
    "callback_name": NAME,
    "callback_phone": PHONE,
    "callback_time": BEST_TIME,
    "callback_reason": "skip",
}
_senders = count()


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    """The reply texts, in order."""
    return [str(reply.get("text", "")) for reply in replies]


@dataclass
class Visitor:
    """One visitor's conversation, with the domain's texts to check replies by."""

    assistant: AssistantServers
    domain: Dict[str, Any]
    sender: str

    def say(self, message: str) -> List[str]:
        """Sends a message; the reply texts."""
        return texts(self.assistant.say(self.sender, message))

    def response(self, name: str) -> str:
        """The text of a domain response, as the visitor sees it."""
        return str(self.domain["responses"][name][0]["text"])

    def asks_for(self, replies: List[str], slot: str) -> bool:
        """Tells whether the last reply is the form's question for `slot`."""
        return bool(replies) and replies[-1] == self.response(f"utter_ask_{slot}")

    def start_request(self, message: str = "I'd like to set up an appointment") -> None:
        """Asks for an appointment and accepts the callback."""
        assert any("904.265.7755" in text for text in self.say(message))
        assert self.asks_for(self.say("yes please"), "callback_name")

    def answer(self, slot: str, message: str) -> List[str]:
        """Answers the form's question for `slot`; asserts the next one is asked."""
        replies = self.say(message)
        following = SLOT_ORDER.index(slot) + 1
        if following < len(SLOT_ORDER):
            assert self.asks_for(replies, SLOT_ORDER[following]), (message, replies)
        else:
            assert "callback request has been passed" in replies[-1], replies
        assert not any("Please call 911" in text for text in replies), replies
        return replies

    def stored(self) -> List[LoggedAppointment]:
        """The callback requests stored for this visitor."""
        return [
            request
            for request in eventually(
                lambda: logged_appointments(self.assistant.database_url),
                lambda rows: any(row.sender_id == self.sender for row in rows),
                timeout_s=30,
            )
            if request.sender_id == self.sender
        ]


@pytest.fixture
def visitor(assistant: AssistantServers, domain: Dict[str, Any]) -> Visitor:
    return Visitor(assistant, domain, f"form-probe-{next(_senders)}")


def complete(
    visitor: Visitor, answers: Dict[str, str], slots: Sequence[str] = SLOT_ORDER
) -> None:
    """Answers the form's questions for `slots`, from `answers` or the defaults."""
    for slot in slots:
        visitor.answer(slot, answers.get(slot, DEFAULT_ANSWERS[slot]))


def assert_one_request(
    visitor: Visitor, name: str = NAME, phone: str = PHONE, best_time: str = BEST_TIME
) -> None:
    assert [(r.name, r.phone, r.best_time) for r in visitor.stored()] == [
        (name, phone, best_time)
    ]


@pytest.mark.parametrize(
    "probe", PROBES["phones"], ids=[p["typed"] for p in PROBES["phones"]]
)
def test_every_common_phone_format_is_stored_as_typed(
    visitor: Visitor, probe: Dict[str, str]
) -> None:
    visitor.start_request()
    complete(visitor, {"callback_phone": probe["typed"]})
    assert_one_request(visitor, phone=probe["stored"])


@pytest.mark.parametrize("typed", PROBES["invalid_phones"])
def test_a_number_that_is_not_a_us_number_is_asked_again_never_911(
    visitor: Visitor, typed: str
) -> None:
    visitor.start_request()
    visitor.answer("callback_name", NAME)

    replies = visitor.say(typed)

    assert replies[0] == visitor.response("utter_invalid_callback_phone"), replies
    assert visitor.asks_for(replies, "callback_phone")
    complete(visitor, {}, SLOT_ORDER[1:])
    assert_one_request(visitor)


@pytest.mark.parametrize(
    "probe", PROBES["names"], ids=[p["typed"] for p in PROBES["names"]]
)
def test_names_are_stored_without_the_words_around_them(
    visitor: Visitor, probe: Dict[str, str]
) -> None:
    visitor.start_request()
    complete(visitor, {"callback_name": probe["typed"]})
    assert_one_request(visitor, name=probe["stored"])


def answer_kind(visitor: Visitor, text: str) -> Optional[str]:
    """Which kind of answer a reply is: a page fact, not covered, or booking."""
    responses = visitor.domain["responses"]
    if any(text == variants[0]["text"] for name, variants in responses.items()
           if name.startswith("utter_faq/")):  # fmt: skip
        return "page_fact"
    if any(text == variants[0]["text"] for name, variants in responses.items()
           if name.startswith("utter_not_covered")):  # fmt: skip
        return "not_covered"
    if "904.265.7755" in text:
        return "appointment"
    return None


@pytest.mark.parametrize(
    "probe", PROBES["digressions"], ids=[p["text"] for p in PROBES["digressions"]]
)
def test_a_question_inside_the_form_is_answered_and_the_question_asked_again(
    visitor: Visitor, probe: Dict[str, str]
) -> None:
    asked = SLOT_ORDER.index(probe["slot"])
    visitor.start_request()
    complete(visitor, {}, SLOT_ORDER[:asked])

    replies = visitor.say(probe["text"])

    # The form's part: the question gets an answer of its kind (a page
    # question may get the honest deferral when the NLU is unsure; the visitor
    # question sets measure that), and the same question is asked again.
    kinds = (
        {probe["expect"], "not_covered"}
        if probe["expect"] == "page_fact"
        else {probe["expect"]}
    )
    assert answer_kind(visitor, replies[0]) in kinds, replies
    assert visitor.asks_for(replies, probe["slot"]), replies
    complete(visitor, {}, SLOT_ORDER[asked:])
    assert_one_request(visitor)


def test_a_follow_up_inside_the_form_goes_on_from_the_last_answer(
    visitor: Visitor,
) -> None:
    assert visitor.say("what is the balloon for?") == [
        visitor.response("utter_faq/balloon")
    ]
    visitor.start_request()
    complete(visitor, {}, SLOT_ORDER[:1])

    replies = visitor.say("ok so what's the next part?")

    assert replies[0] == visitor.response("utter_faq/cement"), replies
    assert visitor.asks_for(replies, "callback_phone"), replies
    complete(visitor, {}, SLOT_ORDER[1:])
    assert_one_request(visitor)


def test_a_one_shot_request_prefills_the_number_and_the_name(visitor: Visitor) -> None:
    replies = visitor.say(
        "could somebody from the clinic ring me at 305-555-0171? this is Marta Diaz"
    )
    assert "904.265.7755" in replies[0]

    replies = visitor.say("yes")

    assert visitor.asks_for(replies, "callback_time"), replies
    complete(visitor, {}, SLOT_ORDER[2:])
    assert_one_request(visitor, name="Marta Diaz", phone="305-555-0171")


def test_a_corrected_number_replaces_the_first_one(visitor: Visitor) -> None:
    visitor.start_request()
    complete(visitor, {}, SLOT_ORDER[:2])

    replies = visitor.say("oops, my number is actually 813-555-0188")

    assert any("813-555-0188" in text for text in replies), replies
    assert visitor.asks_for(replies, "callback_time"), replies
    complete(visitor, {}, SLOT_ORDER[2:])
    assert_one_request(visitor, phone="813-555-0188")


def test_stop_still_cancels_and_stores_nothing(visitor: Visitor) -> None:
    visitor.start_request()
    complete(visitor, {}, SLOT_ORDER[:1])

    replies = visitor.say("stop")

    assert replies == [visitor.response("utter_callback_cancelled")]
    visitor.say("what is kyphoplasty")
    assert [
        request
        for request in logged_appointments(visitor.assistant.database_url)
        if request.sender_id == visitor.sender
    ] == []


def test_a_red_flag_inside_the_form_ends_it_with_911(visitor: Visitor) -> None:
    visitor.start_request()
    complete(visitor, {}, SLOT_ORDER[:1])

    replies = visitor.say("hold on, my husband just collapsed on the floor")

    assert replies[0].startswith("Please call 911"), replies
    assert not visitor.asks_for(replies, "callback_phone")
