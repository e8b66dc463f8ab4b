"""Plain text: single ``.txt``/``.md`` files and folders of them (recursive)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Union

from ...model import Document, InputError, Source

SUFFIXES = (".txt", ".md")


def decode(data: bytes, path: str) -> Union[str, InputError]:
    """UTF-8 text with a BOM stripped, or an error naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return InputError(path, line, f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}")


def read_file(path: Path, doc_id: str) -> Iterator[Union[Document, InputError]]:
    try:
        data = path.read_bytes()
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror}")
        return
    text = decode(data, str(path))
    if isinstance(text, InputError):
        yield text
    else:
        yield Document(id=doc_id, text=text, path=str(path), source=Source("file"))


def read_folder(folder: Path) -> Iterator[Union[Document, InputError]]:
    files = sorted(
        (p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    for p in files:
        yield from read_file(p, p.relative_to(folder).with_suffix("").as_posix())
