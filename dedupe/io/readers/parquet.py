"""Parquet files (needs the optional ``pyarrow``); ``line`` is the 1-based row number."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Union

from ...errors import MissingExtraError
from ...model import Document, InputError
from .records import to_document


def read_file(path: Path, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError("pyarrow", "parquet", f"reading {path}") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises several types for a bad file
        yield InputError(str(path), None, f"cannot read Parquet: {e}")
        return
    names = pf.schema_arrow.names
    for field in (id_field, text_field):
        if field not in names:
            yield InputError(str(path), None, f"no column {field!r} (columns: {', '.join(names)})")
            return
    row = 0
    for batch in pf.iter_batches(batch_size=2048):
        for record in batch.to_pylist():
            row += 1
            yield to_document(record, str(path), row, id_field, text_field)
