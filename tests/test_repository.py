"""The repository on SQLite and PostgreSQL: idempotency, verbatim text, exports."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from clinic_log import repository
from clinic_log.database import session_scope
from clinic_log.models import AppointmentRequest, Conversation, Exchange, Feedback
from tests.support.log_records import T0, appointment, at, exchange, feedback

# Rows carry exactly the described columns, in the described order.
EXCHANGE_KEYS = ["sender_id", *repository.TURN_FIELDS]
APPOINTMENT_KEYS = list(repository.APPOINTMENT_FIELDS)

AWKWARD_TEXTS = {
    "sql": "'; DROP TABLE exchanges; -- \" OR 1=1 /* %s %(x)s ? :name",
    "html": '<script>alert("hi")</script><b onclick=x>&amp; &lt;</b>',
    "long": ("kyphoplasty " * 200)[:2000],
    "emoji": "my back 😣👵🏽 hurts — ça va? 脊椎 ﷽",
    "control": "line1\nline2\r\n\ttab \x01\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f",
    "whitespace": "  leading and trailing  \n",
}


def count(session_factory, model) -> int:
    with session_scope(session_factory) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar())


def save_exchanges(session_factory, *records) -> list:
    results = []
    for record in records:
        with session_scope(session_factory) as session:
            results.append(repository.save_exchange(session, record))
    return results


def test_same_message_twice_is_stored_once(session_factory):
    assert save_exchanges(session_factory, exchange(), exchange()) == [True, False]
    assert count(session_factory, Exchange) == 1


def test_duplicate_writes_nothing_at_all(session_factory):
    save_exchanges(session_factory, exchange(time=at(0)))
    later_duplicate = exchange(time=at(30), text="changed", reply="changed")

    assert save_exchanges(session_factory, later_duplicate) == [False]

    with session_scope(session_factory) as session:
        conversation = session.execute(select(Conversation)).scalar_one()
        assert conversation.last_seen_at == at(0)
        assert repository.exchanges(session)[0]["text"] == exchange().text


def test_same_message_id_in_another_conversation_is_another_exchange(
    session_factory,
):
    results = save_exchanges(
        session_factory, exchange(sender_id="a"), exchange(sender_id="b")
    )
    assert results == [True, True]
    assert count(session_factory, Exchange) == 2
    assert count(session_factory, Conversation) == 2


def test_conversation_is_created_once_and_its_span_grows(session_factory):
    save_exchanges(
        session_factory,
        exchange(message_id="m2", time=at(5)),
        exchange(message_id="m3", time=at(9)),
        exchange(message_id="m1", time=at(1)),  # arrives late
    )

    with session_scope(session_factory) as session:
        conversation = session.execute(select(Conversation)).scalar_one()
    assert conversation.sender_id == "visitor-1"
    assert conversation.channel == "rest"
    assert conversation.started_at == at(1)
    assert conversation.last_seen_at == at(9)


def test_times_come_back_as_utc(session_factory):
    eastern = timezone(timedelta(hours=-5))
    save_exchanges(
        session_factory, exchange(time=datetime(2026, 11, 23, 4, 0, tzinfo=eastern))
    )

    with session_scope(session_factory) as session:
        stored = session.execute(select(Exchange.time)).scalar_one()
        row = repository.exchanges(session)[0]
    assert stored == datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    assert stored.utcoffset() == timedelta(0)
    assert row["time"] == "2026-11-23T09:00:00+00:00"


@pytest.mark.parametrize("kind", sorted(AWKWARD_TEXTS))
def test_text_and_reply_are_stored_verbatim(session_factory, kind):
    text = AWKWARD_TEXTS[kind]
    save_exchanges(session_factory, exchange(text=text, reply=text))

    with session_scope(session_factory) as session:
        (row,) = repository.exchanges(session)
    assert row["text"] == text
    assert row["reply"] == text


@pytest.mark.parametrize("kind", sorted(AWKWARD_TEXTS))
def test_appointment_fields_are_stored_verbatim(session_factory, kind):
    text = AWKWARD_TEXTS[kind]
    record = appointment(name=text, phone=text, best_time=text, reason=text)
    with session_scope(session_factory) as session:
        assert repository.save_appointment(session, record)

    with session_scope(session_factory) as session:
        (row,) = repository.appointments(session)
    assert (row["name"], row["phone"], row["best_time"], row["reason"]) == (text,) * 4


def test_nul_is_the_one_character_replaced(session_factory):
    save_exchanges(session_factory, exchange(text="a\x00b", reply="c\x00"))

    with session_scope(session_factory) as session:
        (row,) = repository.exchanges(session)
    assert (row["text"], row["reply"]) == ("a\ufffdb", "c\ufffd")


def test_entities_and_flags_are_kept(session_factory):
    entities = [{"entity": "person", "value": "my mother", "start": 0, "end": 9}]
    record = exchange(entities=entities, is_emergency=True, confidence=None)
    save_exchanges(session_factory, record)

    with session_scope(session_factory) as session:
        stored = session.execute(select(Exchange)).scalar_one()
    assert stored.entities == entities
    assert (stored.is_emergency, stored.is_fallback, stored.confidence) == (
        True,
        False,
        None,
    )


def test_exchanges_export_is_ordered_by_time_then_insertion(session_factory):
    save_exchanges(
        session_factory,
        exchange(sender_id="b", message_id="late", time=at(10), text="third"),
        exchange(sender_id="a", message_id="x1", time=at(1), text="first"),
        exchange(sender_id="c", message_id="x2", time=at(1), text="second"),
    )

    with session_scope(session_factory) as session:
        rows = repository.exchanges(session)
    assert [row["text"] for row in rows] == ["first", "second", "third"]
    assert [row["sender_id"] for row in rows] == ["a", "c", "b"]
    assert all(list(row) == EXCHANGE_KEYS for row in rows)
    assert rows[0]["time"] == at(1).isoformat()
    assert rows[0]["confidence"] == pytest.approx(0.93)
    assert rows[0]["answer_key"] == "utter_faq/duration"


def test_empty_exports(session_factory):
    with session_scope(session_factory) as session:
        assert repository.exchanges(session) == []
        assert repository.appointments(session) == []


def test_appointment_starts_new_and_is_stored_once(session_factory):
    for expected in (True, False):
        with session_scope(session_factory) as session:
            assert repository.save_appointment(session, appointment()) is expected

    with session_scope(session_factory) as session:
        rows = repository.appointments(session)
    assert len(rows) == 1
    assert list(rows[0]) == APPOINTMENT_KEYS
    assert rows[0]["status"] == "new"
    assert rows[0]["created"] == T0.isoformat()


def test_appointments_export_is_ordered_by_creation(session_factory):
    with session_scope(session_factory) as session:
        repository.save_appointment(
            session, appointment(message_id="b", created_at=at(2))
        )
        repository.save_appointment(
            session, appointment(sender_id="v2", message_id="a", created_at=at(1))
        )

    with session_scope(session_factory) as session:
        rows = repository.appointments(session)
    assert [row["sender_id"] for row in rows] == ["v2", "visitor-1"]


@pytest.mark.parametrize("status", ["new", "called", "closed"])
def test_allowed_statuses(session_factory, status):
    with session_scope(session_factory) as session:
        repository.save_appointment(session, appointment())
    with session_scope(session_factory) as session:
        session.execute(select(AppointmentRequest)).scalar_one().status = status

    with session_scope(session_factory) as session:
        assert repository.appointments(session)[0]["status"] == status


def test_status_outside_the_allowed_set_is_refused(session_factory):
    with session_scope(session_factory) as session:
        repository.save_appointment(session, appointment())

    with pytest.raises(IntegrityError), session_scope(session_factory) as session:
        session.execute(select(AppointmentRequest)).scalar_one().status = "pending"

    with session_scope(session_factory) as session:
        assert repository.appointments(session)[0]["status"] == "new"


def test_feedback_is_stored_and_its_rating_checked(session_factory):
    with session_scope(session_factory) as session:
        repository.save_feedback(session, feedback())
        repository.save_feedback(session, feedback(rating="down", message_id=None))
    assert count(session_factory, Feedback) == 2

    with pytest.raises(IntegrityError), session_scope(session_factory) as session:
        conversation = session.execute(select(Conversation)).scalar_one()
        session.add(
            Feedback(conversation_id=conversation.id, rating="meh", created_at=T0)
        )
    assert count(session_factory, Feedback) == 2


def test_a_duplicate_rolls_back_only_itself(session_factory):
    """The unique constraint catches it mid-transaction; the other turn stays."""
    save_exchanges(session_factory, exchange(time=at(0)))

    with session_scope(session_factory) as session:
        assert repository.save_exchange(session, exchange(message_id="m2")) is True
        assert repository.save_exchange(session, exchange(time=at(90))) is False

    assert count(session_factory, Exchange) == 2
    with session_scope(session_factory) as session:
        span = session.execute(select(Conversation.last_seen_at)).scalar_one()
    assert span == at(0)  # the duplicate's later time was rolled back with it


def test_a_conversation_created_meanwhile_is_joined(session_factory, monkeypatch):
    """Another writer creates the visitor's conversation after our look-up."""
    save_exchanges(session_factory, exchange(time=at(0)))
    real_find = repository._find_conversation
    looks = []

    def racing_find(session, sender_id):
        looks.append(sender_id)
        return None if len(looks) == 1 else real_find(session, sender_id)

    monkeypatch.setattr(repository, "_find_conversation", racing_find)

    assert save_exchanges(session_factory, exchange(message_id="m2", time=at(5)))
    assert len(looks) == 2  # looked again after its own insert conflicted
    assert count(session_factory, Conversation) == 1
    with session_scope(session_factory) as session:
        span = session.execute(select(Conversation.last_seen_at)).scalar_one()
    assert span == at(5)


def test_deleting_a_conversation_deletes_its_log(session_factory):
    """Purging works through the foreign keys, on SQLite too."""
    save_exchanges(session_factory, exchange())
    with session_scope(session_factory) as session:
        repository.save_appointment(session, appointment())
        repository.save_feedback(session, feedback())

    with session_scope(session_factory) as session:
        session.execute(Conversation.__table__.delete())

    for model in (Exchange, AppointmentRequest, Feedback):
        assert count(session_factory, model) == 0
