"""For the tests of compiled kernels (:mod:`dedupe.compiled`): a stage's kernels module loaded
(built into the user's cache the first time: numba, a C compiler), and a computation run with
the kernels, then with the code they stand for."""


def loaded(compiled):
    """The extension module of ``compiled`` (a module such as :mod:`dedupe.near.compiled`)."""
    module = compiled.KERNELS.load()
    folder = compiled.KERNELS.source.replace(".", "-")
    assert module is not None, f"{compiled.KERNELS.what} could not be built (see the cache's {folder}/*/failed)"
    return module


def with_and_without(monkeypatch, compiled, kernels, run):
    """``run()`` with ``kernels`` as ``compiled``'s, then without them."""
    monkeypatch.setattr(compiled.KERNELS, "module", kernels)
    with_kernels = run()
    monkeypatch.setattr(compiled.KERNELS, "module", False)
    return with_kernels, run()
