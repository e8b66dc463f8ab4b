"""CI installs '.[test]' only: every optional extra must be part of it, and importable, so that
the tests of the Ray engine, the HTTP service and Parquet input run in CI instead of skipping."""

import importlib
from importlib.metadata import metadata

# the modules each extra provides (a new extra needs a line here, and so a test that uses it)
PROVIDES = {"parquet": ["pyarrow"], "serve": ["starlette", "uvicorn"], "ray": ["ray"], "fast": ["deflate", "orjson", "numba", "setuptools"]}


def test_test_extra_names_every_other_extra_and_each_is_installed():
    meta = metadata("dedupe-news")
    extras = set(meta.get_all("Provides-Extra")) - {"test"}
    assert extras == set(PROVIDES), extras
    in_test = [r for r in meta.get_all("Requires-Dist") if r.startswith("dedupe-news[") and "extra == \"test\"" in r]
    assert len(in_test) == 1, in_test
    assert set(in_test[0].split("[", 1)[1].split("]", 1)[0].split(",")) == extras, in_test
    for modules in PROVIDES.values():
        for module in modules:
            importlib.import_module(module)  # an ImportError here: '.[test]' did not install it
