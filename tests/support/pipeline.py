"""A trained model's NLU pipeline run up to one of its nodes, for comparisons."""

from typing import Dict, Iterator, List

from rasa.core.agent import Agent
from rasa.core.channels import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE
from rasa.shared.nlu.training_data.message import Message


def messages_after(agent: Agent, node: str, texts: List[str]) -> Iterator[Message]:
    """Each text as the pipeline's `node` leaves it."""
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    for text in texts:
        output = runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)]}, targets=[node]
        )
        yield output[node][0]


def every_example(*examples: Dict[str, List[str]]) -> List[str]:
    """The distinct phrasings of these example sets (intent to texts), sorted."""
    texts = sorted(
        {
            text
            for by_intent in examples
            for texts in by_intent.values()
            for text in texts
        }
    )
    assert len(texts) > 1000, "fewer examples than the comparisons were written for"
    return texts
