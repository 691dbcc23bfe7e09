"""Record outputs written whole: compressed JSONL and parquet.

A plain JSONL output is appended to as pages finish (batch.py repairs and
compacts it). A compressed or parquet file cannot be appended to safely (a
kill leaves a damaged end), so a run appends its records to a plain JSONL
file beside it, `OUT.pending.jsonl`, and when it ends `merge` writes the
output anew: the previous output's records that were not redone (nor failed
since), then the pending records (the latest of each page), to a temporary
file moved into place; the pending file is removed last. A run killed at any
point loses nothing: its pending records are merged by the next run (which
counts them as written), and a kill during the merge leaves the previous
output whole. Measured (benchmarks/output_formats.py, 100k records of 2.3 KB,
one core): the merge takes about 2 s for .jsonl.gz or .jsonl.zst and 6 s for
.parquet, against minutes to clean that many pages; a rerun that adds 1 %
rewrites the whole output in 0.5 s (parquet, copied column-wise) to 1.5 s
(gzip). So a run always rewrites; appending compressed members was not worth
its repairs.

Records pass through JSON on their way to parquet, so a carried field keeps
JSON's types (a date becomes its ISO text). The parquet columns of the
cleaner's own keys have fixed types; a carried field's type is inferred over
all its values, and a field whose values have no common type (a number in
one record, text in another) is written as JSON text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .formats import Output, open_input, require_pyarrow
from .io import open_temporary

#: Records per parquet row group, and per batch while merging.
PARQUET_ROWS = 4096

_ID = re.compile(rb'^\{"id": ("(?:[^"\\]|\\.)*")')


def json_default(value: Any) -> Any:
    """JSON for the values a parquet or Python record may carry."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return str(value)


def pending_path(output: Path) -> Path:
    """Where a run appends the records of a compressed or parquet output until it merges them."""
    return output.with_name(output.name + ".pending.jsonl")


def line_id(line: bytes) -> str:
    """The id of a JSONL record (read from the line's start, where the cleaner writes it)."""
    match = _ID.match(line)
    if match:
        return json.loads(match.group(1))
    return json.loads(line)["id"]


def output_ids(output: Output) -> Iterator[str]:
    """The ids in a finished compressed JSONL or parquet output (none if it is not there)."""
    if not output.path.is_file():
        return
    if output.kind == "parquet":
        pq = require_pyarrow()
        with pq.ParquetFile(output.path) as pf:
            if "id" not in pf.schema_arrow.names:
                return
            for batch in pf.iter_batches(batch_size=65536, columns=["id"]):
                yield from batch.column(0).to_pylist()
        return
    with open_input(output.path) as fh:
        for line in fh:
            if line.strip():
                yield line_id(line)


def merge(output: Output, pending: Path, *, keep_old: bool, drop: set[int], key: Callable[[str], int]) -> None:
    """Write `output` anew (atomically) from its previous records (when
    `keep_old`) and the pending ones; the ids whose key is in `drop` are
    left out. Then remove the pending file."""
    last: dict[int, int] = {}  # key -> number of its latest pending line
    if pending.is_file():
        with open(pending, "rb") as fh:
            for number, line in enumerate(fh):
                last[key(line_id(line))] = number
    redone = set(last) | drop
    write = _merge_parquet if output.kind == "parquet" else _merge_jsonl
    out, tmp = open_temporary(output.path, binary=True)
    out.close()
    try:
        write(output, tmp, keep_old and output.path.is_file(), pending, last, redone, drop, key)
        os.replace(tmp, output.path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    pending.unlink(missing_ok=True)


def _pending_lines(pending: Path, last: dict[int, int], drop: set[int], key) -> Iterator[bytes]:
    if not pending.is_file():
        return
    with open(pending, "rb") as fh:
        for number, line in enumerate(fh):
            k = key(line_id(line))
            if last.get(k) == number and k not in drop:
                yield line


def _merge_jsonl(output: Output, tmp: Path, keep_old: bool, pending: Path, last, redone, drop, key) -> None:
    from xopen import xopen

    with xopen(tmp, "wb", threads=0, format=output.compression) as out:
        if keep_old:
            with open_input(output.path) as fh:
                for line in fh:
                    if line.strip() and key(line_id(line)) not in redone:
                        out.write(line if line.endswith(b"\n") else line + b"\n")
        for line in _pending_lines(pending, last, drop, key):
            out.write(line)


# -- parquet -------------------------------------------------------------------------


def own_schema():
    """The parquet types of the cleaner's own record keys (batch.jsonl_record)."""
    import pyarrow as pa

    return {
        "id": pa.string(), "url": pa.string(), "site": pa.string(), "layout": pa.string(), "text": pa.string(),
        "removed": pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())])),
        "fired": pa.map_(pa.string(), pa.int64()),
    }


def _batches(lines: Iterator[bytes], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for line in lines:
        batch.append(json.loads(line))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _merge_parquet(output: Output, tmp: Path, keep_old: bool, pending: Path, last, redone, drop, key) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    own = own_schema()
    types: dict[str, Any] = dict(own)  # column -> type, in column order
    as_json: set[str] = set()

    def learn(name: str, dtype) -> None:
        if name in own or name in as_json:
            return
        if name not in types or types[name] == pa.null():
            types[name] = dtype
        elif dtype != pa.null() and dtype != types[name]:
            try:
                types[name] = pa.unify_schemas([pa.schema([(name, types[name])]), pa.schema([(name, dtype)])],
                                               promote_options="permissive").field(name).type
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                as_json.add(name)

    old = pq.ParquetFile(output.path) if keep_old else None
    try:
        if old is not None:
            for fld in old.schema_arrow:
                learn(fld.name, fld.type)
        for batch in _batches(_pending_lines(pending, last, drop, key), PARQUET_ROWS):  # first pass: the types
            for name in dict.fromkeys(n for record in batch for n in record):  # in the order met
                try:
                    learn(name, pa.array([record.get(name) for record in batch]).type)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    as_json.add(name)
                    types.setdefault(name, pa.string())
        schema = pa.schema([(name, pa.string() if name in as_json else dtype) for name, dtype in types.items()])

        def conform(table):
            columns = []
            for fld in schema:
                if fld.name not in table.column_names:
                    columns.append(pa.nulls(table.num_rows, fld.type))
                    continue
                column = table.column(fld.name)
                if fld.name in as_json and column.type != pa.string():
                    column = pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=json_default)
                                       for v in column.to_pylist()], pa.string())
                elif column.type != fld.type:
                    column = column.cast(fld.type)
                columns.append(column)
            return pa.Table.from_arrays(columns, schema=schema)

        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            if old is not None:
                for batch in old.iter_batches(batch_size=PARQUET_ROWS):
                    table = pa.Table.from_batches([batch])
                    keys = [key(i) not in redone for i in table.column("id").to_pylist()]
                    table = table.filter(pa.array(keys, pa.bool_())) if not all(keys) else table
                    if table.num_rows:
                        writer.write_table(conform(table))
            for batch in _batches(_pending_lines(pending, last, drop, key), PARQUET_ROWS):
                for record in batch:
                    for name in as_json:
                        if name in record and record[name] is not None and not isinstance(record[name], str):
                            record[name] = json.dumps(record[name], ensure_ascii=False)
                    if isinstance(record.get("fired"), dict):
                        record["fired"] = list(record["fired"].items())
                writer.write_table(conform(pa.Table.from_pylist(batch, schema=schema)))
    finally:
        if old is not None:
            old.close()
