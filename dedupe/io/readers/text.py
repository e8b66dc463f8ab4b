"""Plain text: single ``.txt``/``.md`` files and folders of them (recursive)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional, Union

from ...model import Document, InputError, Source

SUFFIXES = (".txt", ".md")


_WIDE_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def wide_encoding(data: bytes) -> Optional[str]:
    """"UTF-16" or "UTF-32" when ``data`` starts with that byte order mark, or looks like
    UTF-16 without one (a NUL byte in every other position of its start)."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:200]
    if len(head) >= 8 and (head[0::2].count(0) > 0.4 * len(head) or head[1::2].count(0) > 0.4 * len(head)):
        return "UTF-16"
    return None


def decode(data: bytes, path: str) -> Union[str, InputError]:
    """UTF-8 text with a BOM stripped, or an error naming the line of the first bad byte."""
    wide = wide_encoding(data)
    if wide:
        return InputError(path, None, f"looks like {wide}, not UTF-8: convert it (iconv -f {wide} -t UTF-8)")
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


def bad_name(path: str) -> Optional[InputError]:
    """An error when a file name is not valid UTF-8 (it could not go into a UTF-8 report)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return InputError(shown, None, "file name is not valid UTF-8: rename the file")
    return None


def read_folder(folder: Path) -> Iterator[Union[Document, InputError]]:
    files = sorted(
        (p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    for p in files:
        error = bad_name(str(p))
        if error:
            yield error
            continue
        yield from read_file(p, p.relative_to(folder).with_suffix("").as_posix())
