"""The .docx zip: members kept compressed, written with fixed dates so the bytes depend only on the content."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Iterable, NamedTuple

_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class Member(NamedTuple):
    """A zip member, deflated: its name, compressed bytes, CRC-32 and uncompressed size."""

    name: str
    raw: bytes
    crc: int
    size: int


def deflate(name: str, data: bytes) -> Member:
    """`data` compressed as zipfile compresses (default level, raw deflate)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def members_of(data: bytes) -> list[Member]:
    """The members of a zip in their order; deflated ones are taken as they are, others compressed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for info in src.infolist():
        raw = _deflated_bytes(data, info)
        out.append(deflate(info.filename, src.read(info.filename)) if raw is None
                   else Member(info.filename, raw, info.CRC, info.file_size))
    return out


def write_zip(members: Iterable[Member]) -> bytes:
    """A zip of `members` in that order, with fixed timestamps and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for m in members:
            zi = zipfile.ZipInfo(m.name, _FIXED_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.file_size, zi.compress_size, zi.CRC, zi.flag_bits = m.size, len(m.raw), m.crc, 0
            zi.header_offset = out.tell()
            out.write(zi.FileHeader(False))
            out.write(m.raw)
            dst.filelist.append(zi)
            dst.NameToInfo[zi.filename] = zi
            dst.start_dir = out.tell()
            dst._didModify = True
    return out.getvalue()


def _deflated_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a deflated member, or None when it must be recompressed."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x01 or info.file_size > 1 << 30:
        return None
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    begin = at + 30 + name_len + extra_len
    raw = data[begin:begin + info.compress_size]
    return raw if len(raw) == info.compress_size else None
