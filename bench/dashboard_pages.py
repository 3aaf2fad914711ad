"""`python -m bench.dashboard_pages` (`make bench-dashboard`): staff pages, big log.

Generates a log of 10,000 conversations (five turns each, one in six
unanswered, a callback request in one conversation of ten) over 90 days, on
SQLite and on a throwaway PostgreSQL, then times each staff page (median of
five requests through the app, signed in). Prints a Markdown table for README.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

from sqlalchemy import insert, select

from bench.progress import say
from clinic_log import accounts
from clinic_log.database import make_engine, make_session_factory, session_scope
from clinic_log.migrations import upgrade
from clinic_log.models import AppointmentRequest, Conversation, Exchange
from clinic_log.text_keys import text_key
from cluster.postgres import start_postgres
from cluster.processes import free_port
from staff import passwords
from staff.dashboard import DashboardSettings, create_app

USER, PASSWORD = "bench", "a long enough bench password"

PAGES = (
    "/conversations",
    "/conversations?page=100",
    "/conversations?search=cement",
    "/inbox",
    "/inbox?page=20",
    "/appointments?status=new",
    "/stats?days=30&until={until}",
    "/stats?days=90&until={until}",
)
TURNS = 5
REPEATS = 5
QUESTIONS = ("how long does it take", "is the cement safe", "can I drive after")


def _batches(rows: Iterator[Dict[str, Any]], size: int = 5000) -> Iterator[List[Any]]:
    batch: List[Dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(url: str, conversations: int, end: datetime) -> None:
    """Writes the generated log, showing progress every 2,000 conversations."""
    upgrade(url)
    chance = random.Random(7)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for first in range(0, conversations, 2000):
                numbers = range(first, min(first + 2000, conversations))
                starts = {
                    number: end - timedelta(minutes=chance.randrange(90 * 24 * 60))
                    for number in numbers
                }
                connection.execute(
                    insert(Conversation.__table__),
                    [
                        {
                            "id": number + 1,
                            "sender_id": f"visitor-{number:05d}",
                            "channel": "rest",
                            "started_at": starts[number],
                            "last_seen_at": starts[number] + timedelta(minutes=TURNS),
                        }
                        for number in numbers
                    ],
                )
                for batch in _batches(_exchanges(chance, numbers, starts)):
                    connection.execute(insert(Exchange.__table__), batch)
                requests = [n for n in numbers if n % 10 == 0]
                connection.execute(
                    insert(AppointmentRequest.__table__),
                    [
                        {
                            "conversation_id": number + 1,
                            "message_id": f"m{number}-form",
                            "name": "A Visitor",
                            "phone": "904-555-0100",
                            "best_time": "mornings",
                            "created_at": starts[number] + timedelta(minutes=TURNS),
                            "status": chance.choice(("new", "called", "closed")),
                        }
                        for number in requests
                    ],
                )
                say(f"  {numbers.stop:,} of {conversations:,} conversations written")
        with session_scope(make_session_factory(engine)) as session:
            accounts.save(session, USER, passwords.hash_password(PASSWORD))
    finally:
        engine.dispose()


def _exchanges(
    chance: random.Random, numbers: Sequence[int], starts: Dict[int, datetime]
) -> Iterator[Dict[str, Any]]:
    for number in numbers:
        for turn in range(TURNS):
            unanswered = chance.random() < 1 / 6
            text = (
                f"question {chance.randrange(2000)} nobody answered"
                if unanswered
                else chance.choice(QUESTIONS)
            )
            yield {
                "conversation_id": number + 1,
                "message_id": f"m{number}-{turn}",
                "time": starts[number] + timedelta(minutes=turn),
                "text": text,
                "text_key": text_key(text),
                "intent": "nlu_fallback" if unanswered else "faq",
                "confidence": 0.3 if unanswered else 0.95,
                "entities": [],
                "answer_key": "utter_default" if unanswered else "utter_faq/duration",
                "reply": "The procedure usually takes about an hour.",
                "is_fallback": unanswered,
                "is_emergency": False,
                "is_out_of_scope": False,
            }


def time_pages(url: str, until: str) -> Dict[str, float]:
    """Median milliseconds of each page, signed in, through the Flask app."""
    app = create_app(url, DashboardSettings(secret_key="bench"))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": USER, "password": PASSWORD})
    timings = {}
    for template in PAGES:
        path = template.format(until=until)
        seconds = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = client.get(path)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        timings[template.split("&until")[0]] = statistics.median(seconds) * 1000
    return timings


def count_rows(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return len(connection.execute(select(Exchange.id)).all())
    finally:
        engine.dispose()


def main() -> None:
    """Generates the log on both databases and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    arguments = parser.parse_args()
    end = datetime.now(timezone.utc)
    until = end.date().isoformat()
    results: Dict[str, Dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as scratch:
        root = Path(scratch)
        root.chmod(0o755)  # PostgreSQL's user must reach its folder
        sqlite_url = f"sqlite:///{root / 'clinic.db'}"
        say(f"SQLite: generating {arguments.conversations:,} conversations")
        fill(sqlite_url, arguments.conversations, end)
        results["SQLite"] = time_pages(sqlite_url, until)
        say("PostgreSQL 15: starting a throwaway server")
        postgres = start_postgres(root / "pg", free_port(), root)
        try:
            fill(postgres.url, arguments.conversations, end)
            results["PostgreSQL"] = time_pages(postgres.url, until)
            exchanges = count_rows(postgres.url)
        finally:
            postgres.service.stop()
    print(
        f"Dashboard pages on {arguments.conversations:,} conversations "
        f"({exchanges:,} turns), median of {REPEATS}, ms:\n"
    )
    print("| page | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for page in results["SQLite"]:
        cells = " | ".join(f"{results[db][page]:.0f}" for db in results)
        print(f"| `{page}` | {cells} |")


if __name__ == "__main__":
    main()
