"""The embedding classifier: its mix, its skip when the classifiers are sure."""

from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_nlu.embedding_classifier import (
    EmbeddingClassifier,
    classifiers_distribution,
    mixed,
)
from clinic_nlu.topic_fallback import topic_confidence

pytestmark = pytest.mark.unit

RESPONSES = {
    "utter_faq/duration": [{"text": "About an hour per level."}],
    "utter_faq/walking": [{"text": "Within hours."}],
}


def parsed(intents: Dict[str, float], topics: Dict[str, float]) -> Message:
    """A message as DIET and the ResponseSelector leave it."""
    top_topic = max(topics, key=topics.__getitem__)
    message = Message(
        data={
            "text": "a visitor's question",
            "intent": {"name": max(intents, key=intents.__getitem__)},
            "intent_ranking": [
                {"name": name, "confidence": p} for name, p in intents.items()
            ],
            "response_selector": {
                "all_retrieval_intents": ["faq", "not_covered"],
                "default": {
                    "response": {
                        "intent_response_key": top_topic,
                        "confidence": topics[top_topic],
                        "utter_action": f"utter_{top_topic}",
                        "responses": [],
                    },
                    "ranking": [
                        {"id": 1, "confidence": p, "intent_response_key": key}
                        for key, p in topics.items()
                    ],
                },
            },
        }
    )
    return message


def classifier(tmp_path: Path, **config: Any) -> EmbeddingClassifier:
    return EmbeddingClassifier(
        config, LocalModelStorage(tmp_path), Resource("embedding"), responses=RESPONSES
    )


def regression_gives(
    monkeypatch: pytest.MonkeyPatch, distribution: Dict[str, float]
) -> None:
    """The regression answers `distribution` for any text, without the encoder."""
    monkeypatch.setattr(
        EmbeddingClassifier, "probabilities", lambda _, text: distribution
    )


def test_the_classifiers_distribution_puts_each_topic_under_its_intent() -> None:
    message = parsed(
        {"faq": 0.8, "greet": 0.2},
        {"faq/duration": 0.75, "faq/walking": 0.125, "not_covered/cost": 0.125},
    )
    distribution = classifiers_distribution(message)
    total = 0.8 * 0.75 + 0.8 * 0.125 + 0.2
    assert distribution == pytest.approx(
        {"faq/duration": 0.6 / total, "faq/walking": 0.1 / total, "greet": 0.2 / total}
    )


def test_the_mix_weighs_both_opinions() -> None:
    assert mixed({"a": 1.0}, {"a": 0.5, "b": 0.5}, 0.7) == pytest.approx(
        {"a": 0.65, "b": 0.35}
    )


def no_embedding(_: EmbeddingClassifier, text: str) -> Dict[str, float]:
    raise AssertionError("embedded a message the classifiers were sure of")


@pytest.mark.parametrize(
    ("intents", "config"),
    [
        ({"faq": 0.99, "greet": 0.01}, {}),
        # Certain, though page topics are disputed.
        ({"faq": 0.995, "greet": 0.005}, {"dispute_when_sure": ["faq"]}),
    ],
)
def test_a_sure_message_is_left_alone_without_embedding_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    intents: Dict[str, float],
    config: Dict[str, Any],
) -> None:
    monkeypatch.setattr(EmbeddingClassifier, "probabilities", no_embedding)
    message = parsed(intents, {"faq/duration": 1.0})
    before = dict(message.data)
    classifier(tmp_path, skip_above=0.9, certain_above=0.99, **config).process(
        [message]
    )
    assert message.data == before


def test_a_sure_out_of_scope_reading_is_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regression_gives(monkeypatch, {"not_covered/aftercare": 0.95, "out_of_scope": 0.05})
    message = parsed(
        {"out_of_scope": 0.97, "not_covered": 0.03}, {"not_covered/aftercare": 1.0}
    )
    classifier(tmp_path, skip_above=0.9).process([message])

    # ours: out_of_scope 0.97, not_covered/aftercare 0.03
    aftercare = 0.3 * 0.03 + 0.7 * 0.95
    assert message.get("intent") == {
        "name": "not_covered",
        "confidence": pytest.approx(aftercare),
    }


@pytest.mark.parametrize(
    ("regression", "disputed"),
    [
        ({"not_covered/lasting_results": 0.8, "faq/duration": 0.2}, True),
        ({"not_covered/lasting_results": 0.45, "faq/duration": 0.1}, False),
        ({"faq/duration": 0.8, "not_covered/lasting_results": 0.2}, False),
    ],
)
def test_a_sure_page_topic_is_mixed_only_where_the_regression_disputes_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    regression: Dict[str, float],
    disputed: bool,
) -> None:
    regression_gives(monkeypatch, regression)
    message = parsed({"faq": 0.99, "greet": 0.01}, {"faq/duration": 1.0})
    before = dict(message.data)
    disputing = classifier(
        tmp_path, skip_above=0.9, dispute_when_sure=["faq"], dispute_above=0.5
    )
    disputing.process([message])

    # ours: faq/duration 0.99, greet 0.01
    lasting_results = 0.7 * regression["not_covered/lasting_results"]
    if disputed:
        assert message.get("intent") == {
            "name": "not_covered",
            "confidence": pytest.approx(lasting_results),
        }
    else:
        assert message.data == before


def test_an_unsure_message_gets_intent_and_topic_from_the_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regression_gives(monkeypatch, {"faq/walking": 0.9, "greet": 0.1})
    message = parsed(
        {"faq": 0.6, "greet": 0.4}, {"faq/duration": 0.5, "faq/walking": 0.5}
    )
    classifier(tmp_path, skip_above=0.9, embedding_weight=0.7).process([message])

    # ours: faq/duration 0.3, faq/walking 0.3, greet 0.4
    walking, duration, greet = 0.3 * 0.3 + 0.7 * 0.9, 0.3 * 0.3, 0.3 * 0.4 + 0.07
    assert message.get("intent") == {
        "name": "faq",
        "confidence": pytest.approx(walking + duration),
    }
    assert [entry["name"] for entry in message.get("intent_ranking")] == [
        "faq",
        "greet",
    ]
    assert message.get("intent_ranking")[1]["confidence"] == pytest.approx(greet)
    response = message.get("response_selector")["default"]["response"]
    assert response["intent_response_key"] == "faq/walking"
    assert response["utter_action"] == "utter_faq/walking"
    assert response["responses"] == RESPONSES["utter_faq/walking"]
    assert topic_confidence(message) == pytest.approx(walking / (walking + duration))


def test_a_storys_question_weighs_beside_the_whole_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_text = {
        "Dad broke a vertebra. Will he stay overnight?": {"a": 0.2, "b": 0.8},
        "Will he stay overnight?": {"a": 0.9, "b": 0.1},
    }
    monkeypatch.setattr(
        EmbeddingClassifier, "_regression", lambda _, text: by_text[text]
    )
    story = classifier(tmp_path, question_weight=0.5)

    assert story.probabilities(
        "Dad broke a vertebra. Will he stay overnight?"
    ) == pytest.approx({"a": 0.55, "b": 0.45})
    assert (
        story.probabilities("Will he stay overnight?")
        == by_text["Will he stay overnight?"]
    )


def test_a_trained_regression_is_stored_and_loaded(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("embedding")
    examples: List[Message] = [
        Message.build(text, intent)
        for intent, texts in {
            "faq/duration": [
                "how long does the procedure take",
                "how many minutes is kyphoplasty",
                "length of the operation",
            ],
            "faq/walking": [
                "when can I walk again",
                "how soon am I on my feet",
                "walking after surgery",
            ],
            "greet": ["hello", "hi there", "good morning"],
        }.items()
        for text in texts
    ]
    context = ExecutionContext(GraphSchema({}), "test")
    component = EmbeddingClassifier.create({}, storage, resource, context)
    component.train(TrainingData(examples, responses=RESPONSES))

    loaded = EmbeddingClassifier.load({}, storage, resource, context)
    probabilities = loaded.probabilities("how much time does it take to do it")
    assert set(probabilities) == {"faq/duration", "faq/walking", "greet"}
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert probabilities == pytest.approx(
        component.probabilities("how much time does it take to do it")
    )
    assert loaded._responses == RESPONSES


@pytest.mark.parametrize("folder_written", [False, True])
def test_a_model_without_the_regression_leaves_the_classifiers_alone(
    tmp_path: Path, folder_written: bool
) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("embedding")
    if folder_written:
        with storage.write_to(resource):
            pass
    context = ExecutionContext(GraphSchema({}), "test")
    component = EmbeddingClassifier.load({}, storage, resource, context)
    message = parsed({"faq": 0.5, "greet": 0.5}, {"faq/duration": 0.5})
    before = dict(message.data)
    component.process([message])
    assert message.data == before
