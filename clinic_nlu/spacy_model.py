"""Rasa's SpacyNLP with spaCy's named-entity recogniser switched off.

The assistant uses spaCy for tokens and lemmas only (entity recognition is
off in DIET, and no component reads spaCy's entities). Rasa already leaves out
the dependency parser; the recogniser is the other component nothing uses, and
it runs its own network on every message. Lemmas come from the tagger, the
attribute ruler and the lemmatiser, which stay, so the features are the same.
"""

from __future__ import annotations

from typing import Any, Dict, cast

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyNLP

UNUSED_PIPES = ("ner",)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLPWithoutEntities",
)
class SpacyNLPWithoutEntities(SpacyNLP):
    """Loads the spaCy model as SpacyNLP does, then disables its unused pipes."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpacyNLPWithoutEntities:
        """Creates the component (see SpacyNLP), without the unused pipes."""
        component = super().create(config, model_storage, resource, execution_context)
        language = component.provide().model
        for name in UNUSED_PIPES:
            if name in language.pipe_names:
                language.disable_pipe(name)
        return cast(SpacyNLPWithoutEntities, component)
