"""Rasa's SpacyNLP with every spaCy pipe switched off: spaCy only tokenises.

The classifiers read words and character n-grams of the tokens' text. Lemmas
(spaCy's tagger and lemmatiser, with the network they share) were measured
and dropped: on the four blind visitor sets, trained with two seeds each,
the assistant without them gave the right outcome as often (78.0 against
77.8 %), a safe reply as often (80.7 against 80.2 %) and a page fact on the
wrong subject as rarely (7.6 against 7.5 %), within the three points trainings
move a set. spaCy's cost per message fell from about 2.5 ms to 0.9 ms, its
English tokeniser (contractions, punctuation) unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, cast

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyNLP


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyTokensOnly",
)
class SpacyTokensOnly(SpacyNLP):
    """Loads the spaCy model as SpacyNLP does, then disables all of its pipes."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyTokensOnly:
        """Creates the component (see SpacyNLP), its language a tokeniser alone."""
        component = super().create(config, model_storage, resource, execution_context)
        language = component.provide().model
        for name in list(language.pipe_names):
            language.disable_pipe(name)
        return cast(SpacyTokensOnly, component)
