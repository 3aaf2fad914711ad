"""graph_runner: the trained model's graph gives the same results without dask."""

import asyncio
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa import graph_runner
from tests.conftest import ROOT
from tests.support.servers import trained_model

pytestmark = pytest.mark.model

# Texts of every kind: an answer, a form, the not-covered topics, an emergency,
# something else entirely, markup, a phone number.
TEXTS = [
    "ok so what does the small balloon actually do in there",
    "please have somebody phone me tomorrow morning",
    "could my insurance pay for it",
    "my legs went numb an hour ago and I cannot stand",
    "which team won the football game",
    "<b>how many nights</b> in hospital?",
    "you can reach me on 904 555 0182",
    "",
]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return Agent.load(str(trained_model(ROOT)))


@pytest.fixture
def rasa_runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rasa's own dask runner for the duration of a test."""
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner._rasa_run)
    yield


def both_ways(
    runner: DaskGraphRunner, inputs: Dict[str, Any], targets: List[str]
) -> List[Dict[str, Any]]:
    return [
        graph_runner._rasa_run(runner, inputs, targets),
        graph_runner.run(runner, inputs, targets),
    ]


def test_the_nlu_reading_is_the_same(agent: Agent, rasa_runner: None) -> None:
    processor = agent.processor
    assert processor is not None
    target = processor.model_metadata.nlu_target
    for text in TEXTS:
        readings = [
            result[target][0].as_dict(only_output_properties=True)
            for result in both_ways(
                processor.graph_runner,  # type: ignore[arg-type]
                {PLACEHOLDER_MESSAGE: [UserMessage(text)]},
                [target],
            )
        ]
        assert readings[0] == readings[1], text


def test_the_next_action_is_the_same(agent: Agent, rasa_runner: None) -> None:
    processor = agent.processor
    assert processor is not None
    target = processor.model_metadata.core_target
    assert target is not None
    for intent in ("greet", "faq", "request_appointment", "emergency", "goodbye"):
        tracker = DialogueStateTracker.from_events(
            "visitor",
            [
                ActionExecuted("action_listen"),
                UserUttered("text", {"name": intent, "confidence": 1.0}),
            ],
            slots=agent.domain.slots,  # type: ignore[union-attr]
        )
        predictions = [
            result[target]
            for result in both_ways(
                processor.graph_runner,  # type: ignore[arg-type]
                {PLACEHOLDER_TRACKER: tracker},
                [target],
            )
        ]
        assert predictions[0].probabilities == predictions[1].probabilities, intent
        assert predictions[0].policy_name == predictions[1].policy_name, intent


def test_an_input_named_like_a_node_is_refused_as_rasa_refuses_it(
    agent: Agent,
) -> None:
    processor = agent.processor
    assert processor is not None
    target = processor.model_metadata.nlu_target
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        graph_runner.run(
            processor.graph_runner,  # type: ignore[arg-type]
            {PLACEHOLDER_MESSAGE: target},
            [target],
        )


def test_rasa_runs_the_graph_through_the_seam(agent: Agent, rasa_runner: None) -> None:
    graph_runner.install()
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    runner.__dict__.pop("_clinic_plans", None)

    asyncio.run(agent.parse_message("how long is the hospital stay"))

    assert runner.__dict__.get("_clinic_plans"), "Rasa parsed without the seam"
