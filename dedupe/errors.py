"""The error hierarchy; the CLI maps these to exit codes and one-line messages."""


class DedupeError(Exception):
    """Base class for every error dedupe raises on purpose."""

    exit_code = 2


class ConfigError(DedupeError):
    """A setting is out of range or inconsistent; the message says how to fix it."""


class MissingExtraError(DedupeError):
    """An optional dependency is needed; the message names the pip install to run."""

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the optional package '{package}': "
            f"pip install 'dedupe-news[{extra}]' (or pip install {package})"
        )
        self.package = package
        self.extra = extra
