"""The dashboard's pages: the same views as the command line, signed in only.

Every page reads through `clinic_log`; every view of a transcript and every
change is written to the audit trail with the signed-in user and address.
"""

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, List, Optional, TypeVar

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
from sqlalchemy.orm import Session

from clinic_log import audit, queries, repository, reviews
from clinic_log.database import session_scope
from staff import inbox as inbox_items
from staff.dashboard.auth import client_address
from staff.dashboard.charts import bar_chart
from staff.dashboard.context import actor, log_sessions
from staff.output import EXCHANGE_COLUMNS, machine_text

T = TypeVar("T")
blueprint = Blueprint("views", __name__)
STATS_DAYS = (7, 30, 90, 365)


def _read(work: Callable[[Session], T]) -> T:
    with session_scope(log_sessions()) as session:
        return work(session)


def _audited(
    action: str, target: str, work: Callable[[Session], T], detail: str = ""
) -> T:
    with session_scope(log_sessions()) as session:
        result = work(session)
        audit.record(session, actor(), action, target, detail, client_address())
        return result


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


@blueprint.route("/conversations")
def conversations() -> ResponseReturnValue:
    """Conversations, newest first, with the command line's filters."""
    wanted = queries.ConversationFilter(
        since=_day_arg("since"),
        until=_day_arg("until"),
        intent=request.args.get("intent", "").strip() or None,
        has_fallback=bool(request.args.get("has_fallback")),
        has_emergency=bool(request.args.get("has_emergency")),
        has_appointment=bool(request.args.get("has_appointment")),
        search=request.args.get("search", "").strip() or None,
    )
    rows = _read(lambda session: queries.conversations(session, wanted))
    return render_template(
        "conversations.html", rows=rows, args=request.args, limit=wanted.limit
    )


@blueprint.route("/conversations/<path:sender>")
def transcript(sender: str) -> ResponseReturnValue:
    """One conversation, turn by turn; the view is audited."""
    rows = _audited(
        "view transcript", sender, lambda session: queries.transcript(session, sender)
    )
    if rows is None:
        abort(404)
    return render_template("transcript.html", sender=sender, rows=rows)


@blueprint.route("/inbox")
def inbox() -> ResponseReturnValue:
    """Unanswered questions, grouped; reviewed ones only on request."""
    show_all = bool(request.args.get("all"))
    everything = _audited("view inbox", "", inbox_items.load)
    items = [item for item in everything if show_all or not item.reviewed]
    return render_template("inbox.html", items=items, show_all=show_all)


@blueprint.route("/inbox/<key>/review", methods=["POST"])
def review(key: str) -> ResponseReturnValue:
    """Marks one inbox item reviewed."""

    def mark(session: Session) -> str:
        item = inbox_items.find(inbox_items.load(session), key)
        reviews.mark_reviewed(session, item.key, actor())
        return item.short_key

    try:
        done = _audited("inbox reviewed", key, mark)
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
        items = _read(inbox_items.load)
        texts = [inbox_items.find(items, key).text for key in keys]
    except LookupError as error:
        abort(404, str(error))
    block = inbox_items.nlu_block(intent, texts)
    return render_template("nlu.html", intent=intent, block=block)


@blueprint.route("/appointments")
def appointments() -> ResponseReturnValue:
    """Callback requests, optionally of one status."""
    status = request.args.get("status") or None
    if status is not None and status not in repository.APPOINTMENT_STATUSES:
        abort(400, "unknown status")
    rows = _audited(
        "view callbacks",
        status or "all",
        lambda session: repository.appointments(session, status),
    )
    return render_template(
        "appointments.html",
        rows=rows,
        status=status,
        statuses=repository.APPOINTMENT_STATUSES,
    )


@blueprint.route("/appointments/<int:request_id>/status", methods=["POST"])
def appointment_status(request_id: int) -> ResponseReturnValue:
    """Moves a callback request to another status."""
    status = request.form.get("status", "")
    if status not in repository.APPOINTMENT_STATUSES:
        abort(400, "unknown status")
    changed = _audited(
        "appointment status",
        str(request_id),
        lambda session: repository.set_appointment_status(session, request_id, status),
        status,
    )
    if not changed:
        abort(404)
    flash(f"Callback request {request_id} is now {status}.")
    return redirect(url_for("views.appointments"))


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.0%}"


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
    charts = [
        bar_chart("Messages per day", [(d["day"], d["messages"]) for d in per_day]),
        bar_chart(
            "Conversations per day", [(d["day"], d["conversations"]) for d in per_day]
        ),
        bar_chart("Top topics", report["top_topics"]),
    ]
    return render_template(
        "stats.html",
        report=report,
        charts=charts,
        days=int(days),
        until=until,
        choices=STATS_DAYS,
        answer_rate=_percent(report["answer_rate"]),
        fallback_rate=_percent(report["fallback_rate"]),
    )


@blueprint.route("/export.csv")
def export() -> ResponseReturnValue:
    """Every exchange as CSV, formula cells neutralised; the export is audited."""
    rows = _audited("export", "exchanges", repository.exchanges)
    return Response(
        machine_text(rows, EXCHANGE_COLUMNS, "csv"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=conversation-log.csv"},
    )


@blueprint.route("/audit")
def audit_trail() -> ResponseReturnValue:
    """The latest audit events."""
    return render_template("audit.html", rows=_read(audit.recent))
