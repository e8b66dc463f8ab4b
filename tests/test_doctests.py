"""The docstring examples of the passage and highlight modules run as tests."""

import doctest

import dedupe.io.writers.highlight
import dedupe.passages


def test_docstring_examples():
    for module in (dedupe.passages, dedupe.io.writers.highlight):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
