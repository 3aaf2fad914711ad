"""The benchmark's own machinery on a tiny load: counts, files, ratios (no timings)."""

import asyncio
import json
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bench import __main__ as bench_main
from bench import load, quality, report
from cluster.processes import free_port
from tests.support.servers import AssistantServers, trained_model

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def test_load_counts_every_message_of_every_visitor(
    assistant: AssistantServers,
) -> None:
    result = asyncio.run(
        load.run_load(assistant.rasa_url, visitors=3, turns=2, conversations=2)
    )

    assert result.messages == 12
    assert result.conversations == 6
    assert result.errors == 0, result.error_kinds
    assert result.empty_replies == 0
    assert result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    assert result.messages_per_s > 0


def test_cross_validation_config_keeps_every_intent_component(tmp_path: Path) -> None:
    full = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))

    path = quality.intent_config(ROOT, tmp_path)

    reduced = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [step["name"] for step in full["pipeline"]]
    kept = [n for n in names if n not in quality.TOPIC_COMPONENTS]
    assert [step["name"] for step in reduced["pipeline"]] == kept
    assert set(names) - set(kept) == set(quality.TOPIC_COMPONENTS)  # both were there
    assert reduced["policies"] == full["policies"]


def test_load_counts_unreachable_server_as_errors() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = asyncio.run(load.run_load(url, visitors=2, turns=2, quiet=True))

    assert result.errors == 4
    assert result.error_kinds == {"ClientConnectorError": 4}


def test_load_command_rejects_zero_visitors(capsys: Any) -> None:
    code = load.main(["--url", "http://127.0.0.1:1", "--visitors", "0"])

    assert code == 2
    assert "at least 1" in capsys.readouterr().err


def test_each_conversation_comes_from_its_own_loopback_address() -> None:
    addresses = load.client_addresses("http://127.0.0.1:5005")
    first = [next(addresses) for _ in range(500)]

    assert len(set(first)) == 500
    assert all(address and address.startswith("127.") for address in first)
    assert next(load.client_addresses("http://example.org:5005")) is None


def test_conversation_starts_with_the_greeting_and_rotates_questions() -> None:
    script = ("hi", "a", "b", "c")

    assert load.conversation(script, start=2, turns=4) == ["hi", "c", "a", "b"]


def _figures(visitors: int, per_s: float, p95: float) -> Dict[str, Any]:
    return {
        "visitors": visitors,
        "messages": 10,
        "messages_per_s": per_s,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95,
        "errors": 0,
    }


def test_ratios_and_targets_compare_ours_with_stock() -> None:
    ours = {
        "levels": [_figures(20, 120.0, 200.0)],
        "cold_start_s": 16.0,
        "rss_mb": {"rasa": 1700.0, "actions": 130.0, "total": 1830.0},
        "pss_mb": {"rasa": 1200.0, "actions": 110.0, "total": 1310.0},
    }
    stock = {"levels": [_figures(20, 40.0, 400.0)]}

    ratios = report.ratios(ours, stock)
    results = {"bots": {"ours": ours}, "ratios": ratios, "quality": None}
    met = {name: ok for name, _, ok in report.targets(results)}

    assert ratios == {"messages_per_s@20": 3.0, "p95_ms@20": 0.5}
    assert met["msg/s at 20 visitors, first-seen, >= 3x stock"] is True
    assert met["p95 at 20 visitors, first-seen, <= 250 ms"] is True
    assert met["cold start <= 15 s"] is False
    assert met["memory (PSS) of everything `make run` starts <= 1.5 GB"] is True
    assert met["no errors at 100 visitors"] is None


def test_benchmark_command_writes_table_json_and_chart(
    tmp_path: Path, capsys: Any
) -> None:
    code = bench_main.main(
        [
            "--model", str(trained_model(ROOT)), "--no-stock", "--no-honesty",
            "--levels", "1,20",
            "--turns", "2", "--min-messages", "4", "--out", str(tmp_path),
        ]
    )  # fmt: skip

    results = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    ours = results["bots"]["ours"]
    assert code == 0
    runs = [*ours["levels"], *ours["mix"], *ours["repeated"]]
    assert [level["visitors"] for level in runs] == [1, 20, 20, 20]
    assert all(level["errors"] == 0 for level in runs)
    assert all(level["server_cpu_ms"] > 0 < level["client_cpu_ms"] for level in runs)
    assert ours["cold_start_s"] > 0
    assert ours["rss_mb"]["rasa"] > 0 and ours["rss_mb"]["actions"] > 0
    assert 0 < ours["pss_mb"]["total"] <= ours["rss_mb"]["total"]
    assert (tmp_path / "bench.png").read_bytes().startswith(b"\x89PNG")
    table = capsys.readouterr().out
    assert "| ours | first-seen | 20 | 40 |" in table
    assert "| ours | 9 questions repeated | 20 | 40 |" in table


def test_table_says_when_the_stock_bot_failed() -> None:
    results = {
        "measured_at": "2026-01-01 00:00 UTC",
        "machine": {"description": "2 cores", "load_at_start": "0.1 0.1 0.1"},
        "bots": {"ours": {"levels": [_figures(1, 20.0, 50.0)], "rss_mb": {"total": 1}}},
        "ratios": {},
        "quality": None,
        "stock_error": "stock bot: rasa init failed (exit 1)",
    }

    table = report.markdown(results)

    assert "The stock bot failed: stock bot: rasa init failed (exit 1)" in table
    assert "| stock rasa init |" not in table
