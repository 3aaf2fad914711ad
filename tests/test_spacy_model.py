"""SpacyTokensOnly: spaCy runs no pipe, and its English tokeniser is unchanged."""

from pathlib import Path

import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from clinic_nlu.spacy_model import SpacyTokensOnly
from tests.conftest import ROOT


def test_only_the_tokeniser_runs(tmp_path: Path) -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    settings = next(
        step
        for step in pipeline["pipeline"]
        if step["name"].endswith("SpacyTokensOnly")
    )
    config = {
        **SpacyTokensOnly.get_default_config(),
        "model": str(ROOT / settings["model"]),
    }
    component = SpacyTokensOnly.create(
        config,
        LocalModelStorage(tmp_path),
        Resource("spacy"),
        ExecutionContext(GraphSchema({})),
    )
    language = component.provide().model

    assert language.pipe_names == []
    document = language("I can't walk far after the fall, what's next?")
    assert [token.text for token in document][:4] == ["I", "ca", "n't", "walk"]
    assert all(token.lemma_ == "" for token in document)
