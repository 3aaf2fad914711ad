"""The dashboard's pages: the same views as the command line, signed in only.

Every page reads through `clinic_log`; every view of a transcript and every
change is written to the audit trail with the signed-in user and address.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from actions.topics import staff_name
from clinic_log import audit, queries, repository
from clinic_log.database import session_scope
from clinic_log.models import APPOINTMENT_STATUSES, NEW
from staff import inbox as inbox_items
from staff import operations
from staff.dashboard.auth import client_address
from staff.dashboard.charts import day_chart, ranking_chart
from staff.dashboard.context import actor, log_sessions, settings
from staff.dashboard.paging import Page, requested_page
from staff.dashboard.settings import clinic_zone
from staff.output import EXCHANGE_COLUMNS, machine_text, percent

T = TypeVar("T")
blueprint = Blueprint("views", __name__)
STATS_DAYS = (7, 30, 90, 365)


def _read(work: Callable[[Session], T]) -> T:
    with session_scope(log_sessions()) as session:
        return work(session)


def _me() -> operations.StaffMember:
    return operations.StaffMember(actor(), client_address())


@blueprint.app_context_processor
def navigation_counts() -> Dict[str, Any]:
    """The number of new callback requests, for the navigation's badge."""
    if not current_user.is_authenticated:
        return {}
    return {
        "new_callbacks": _read(
            lambda session: repository.count_appointments(session, NEW)
        )
    }


@blueprint.app_template_filter("clinic_time")
def clinic_time(moment: str, seconds: bool = False) -> str:
    """A logged UTC time (ISO text) as the clinic's clock shows it."""
    shown = datetime.fromisoformat(moment).astimezone(clinic_zone(settings().time_zone))
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


@blueprint.app_context_processor
def clinic_clock() -> Dict[str, Any]:
    """The time zone's short name for column headers ("EST", "EDT")."""
    zone = clinic_zone(settings().time_zone)
    return {"clinic_zone": datetime.now(zone).tzname()}


@blueprint.app_template_filter("topic_name")
def topic_name(topic: str) -> str:
    """A logged topic as staff name it ("How long it takes")."""
    return staff_name(topic)


def _day_arg(name: str) -> Optional[date]:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, f"{name} must be a date like 2026-11-23")


@blueprint.route("/")
def home() -> ResponseReturnValue:
    """The conversation list is the start page."""
    return redirect(url_for("views.conversations"))


def _read_page(
    count: Callable[[Session], int], rows: Callable[[Session, int, int], T]
) -> Tuple[Page, T]:
    """The requested page of a list and its rows, counted and read in one session.

    Past the end (the list shrank since the link was made) means the last page.
    """
    number = requested_page()

    def listed(session: Session) -> Tuple[Page, T]:
        total = count(session)
        shown = Page(min(number, Page(1, total).count), total)
        return shown, rows(session, shown.offset, shown.size)

    return _read(listed)


@blueprint.route("/conversations")
def conversations() -> ResponseReturnValue:
    """Conversations, newest first, filtered as on the command line; paged."""
    wanted = queries.ConversationFilter(
        since=_day_arg("since"),
        until=_day_arg("until"),
        intent=request.args.get("intent", "").strip() or None,
        has_fallback=bool(request.args.get("has_fallback")),
        has_emergency=bool(request.args.get("has_emergency")),
        has_appointment=bool(request.args.get("has_appointment")),
        search=request.args.get("search", "").strip() or None,
    )

    shown, rows = _read_page(
        lambda session: queries.count_conversations(session, wanted),
        lambda session, offset, size: queries.conversations(
            session, replace(wanted, offset=offset, limit=size)
        ),
    )
    return render_template(
        "conversations.html", rows=rows, args=request.args, page=shown
    )


@blueprint.route("/conversations/<path:sender>")
def transcript(sender: str) -> ResponseReturnValue:
    """One conversation, turn by turn; the view is audited."""
    rows = _read(lambda session: operations.transcript(session, _me(), sender))
    if rows is None:
        abort(404)
    return render_template("transcript.html", sender=sender, rows=rows)


@blueprint.route("/inbox")
def inbox() -> ResponseReturnValue:
    """Unanswered questions, grouped, a page at a time; reviewed ones on request."""
    show_all = bool(request.args.get("all"))
    shown, items = _read_page(
        lambda session: inbox_items.count(session, show_all),
        lambda session, offset, size: operations.inbox_page(
            session, _me(), show_all, offset, size
        ),
    )
    return render_template(
        "inbox.html",
        items=items,
        show_all=show_all,
        page=shown,
        low_confidence=queries.LOW_CONFIDENCE,
    )


@blueprint.route("/inbox/<key>/review", methods=["POST"])
def review(key: str) -> ResponseReturnValue:
    """Marks one inbox item reviewed."""
    try:
        done = _read(lambda session: operations.review_inbox_item(session, _me(), key))
    except LookupError as error:
        abort(404, str(error))
    flash(f"Marked {done} reviewed.")
    return redirect(url_for("views.inbox"))


@blueprint.route("/inbox/nlu")
def nlu() -> ResponseReturnValue:
    """The chosen inbox items as an NLU YAML block for data/nlu/."""
    intent = request.args.get("intent", "").strip()
    keys = request.args.getlist("key")
    if not intent or not keys:
        abort(400, "choose an intent and at least one question")
    try:
        texts = _read(
            lambda session: [inbox_items.find(session, key).text for key in keys]
        )
    except LookupError as error:
        abort(404, str(error))
    block = inbox_items.nlu_block(intent, texts)
    return render_template("nlu.html", intent=intent, block=block)


@blueprint.route("/appointments")
def appointments() -> ResponseReturnValue:
    """Callback requests, newest first, optionally of one status; paged."""
    status = request.args.get("status") or None
    if status is not None and status not in APPOINTMENT_STATUSES:
        abort(400, "unknown status")
    shown, rows = _read_page(
        lambda session: repository.count_appointments(session, status),
        lambda session, offset, size: operations.callbacks(
            session, _me(), status, True, offset, size
        ),
    )
    return render_template(
        "appointments.html",
        rows=rows,
        status=status,
        statuses=APPOINTMENT_STATUSES,
        page=shown,
    )


@blueprint.route("/appointments/<int:request_id>/status", methods=["POST"])
def appointment_status(request_id: int) -> ResponseReturnValue:
    """Moves a callback request to another status, back to the list it came from."""
    status = request.form.get("status", "")
    if status not in APPOINTMENT_STATUSES:
        abort(400, "unknown status")
    changed = _read(
        lambda session: operations.set_callback_status(
            session, _me(), request_id, status
        )
    )
    if not changed:
        abort(404)
    flash(f"Callback request {request_id} is now {status}.")
    shown = request.form.get("shown") or None
    if shown not in APPOINTMENT_STATUSES:
        shown = None
    return redirect(url_for("views.appointments", status=shown))


@blueprint.route("/stats")
def stats() -> ResponseReturnValue:
    """Activity per day with charts, rates and top topics, up to `until` (today)."""
    days = request.args.get("days", "30")
    if not days.isdigit() or int(days) not in STATS_DAYS:
        abort(400, f"days must be one of {STATS_DAYS}")
    until = _day_arg("until") or datetime.now(timezone.utc).date()
    since = until - timedelta(days=int(days) - 1)
    report = _read(lambda session: queries.stats(session, since, until))
    per_day: List[Any] = report["days"]
    dated = [(date.fromisoformat(d["day"]), d) for d in per_day]
    topics = [(staff_name(topic), count) for topic, count in report["top_topics"]]
    charts = [
        day_chart("Messages per day", [(day, d["messages"]) for day, d in dated]),
        day_chart(
            "Conversations per day", [(day, d["conversations"]) for day, d in dated]
        ),
        day_chart(
            "Callback requests per day", [(day, d["appointments"]) for day, d in dated]
        ),
        ranking_chart("Top topics", topics),
    ]
    return render_template(
        "stats.html",
        report=report,
        charts=charts,
        topics=topics,
        days=int(days),
        until=until,
        choices=STATS_DAYS,
        answer_rate=percent(report["answer_rate"]),
        fallback_rate=percent(report["fallback_rate"]),
    )


@blueprint.route("/export.csv")
def export() -> ResponseReturnValue:
    """Every exchange as CSV, formula cells neutralised; the export is audited."""
    rows = _read(lambda session: operations.export_exchanges(session, _me()))
    return Response(
        machine_text(rows, EXCHANGE_COLUMNS, "csv"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=conversation-log.csv"},
    )


@blueprint.route("/audit")
def audit_trail() -> ResponseReturnValue:
    """The latest audit events."""
    return render_template("audit.html", rows=_read(audit.recent))
