"""Plain text: single ``.txt``/``.md`` files and folders of them (recursive)."""

from __future__ import annotations

import os
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


def _walk(folder: Path) -> Iterator[Union[Path, InputError]]:
    """Text files under ``folder`` (links to folders followed, each real folder read once, so
    a link back up cannot loop; real folders before links to them, so a file is named by
    its real path when it has one inside ``folder``), and an error for each folder that cannot be listed and each
    symbolic link whose target does not exist."""
    seen: set = set()
    linked: list = []  # links to folders: read after every real folder

    def visit(d: Path) -> Iterator[Union[Path, InputError]]:
        try:
            st = d.stat()
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield InputError(str(d), None, f"cannot read folder: {e.strerror or e}")
            return
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        for entry in entries:
            p = Path(entry.path)
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as e:
                yield InputError(str(p), None, f"cannot read: {e.strerror or e}")
                continue
            if entry.is_symlink() and not (is_dir or is_file) and not p.exists():
                yield InputError(str(p), None, f"broken symbolic link (to {os.readlink(p)}, which does not exist)")
            elif is_dir and entry.is_symlink():
                linked.append(p)
            elif is_dir:
                yield from visit(p)
            elif is_file and p.suffix.lower() in SUFFIXES:
                yield p

    yield from visit(folder)
    while linked:
        yield from visit(linked.pop(0))


def read_folder(folder: Path) -> Iterator[Union[Document, InputError]]:
    files = []
    for item in _walk(folder):
        if isinstance(item, InputError):
            yield item
        else:
            files.append(item)
    files.sort(key=lambda p: p.relative_to(folder).as_posix())
    for p in files:
        error = bad_name(str(p))
        if error:
            yield error
            continue
        yield from read_file(p, p.relative_to(folder).with_suffix("").as_posix())
