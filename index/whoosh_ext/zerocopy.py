"""Whoosh reads a memory-mapped segment without copying it.

Whoosh opens every file inside a compound segment (postings, terms, stored fields, columns) as a
`BufferFile` over a memoryview of the segment's mmap, and `BufferFile.__init__` wraps that view in
`io.BytesIO`, which copies it. Opening a searcher therefore copied the postings, term and stored
fields files whole: ~130 MB at 6,400 articles, ~0.15 s of a cold `newsfind query`, and again for
every searcher the web server opens (its resident memory grew by that much per searcher).

`install()` gives `BufferFile` a reader that serves `read`/`seek`/`tell` from the view itself, so
only the bytes a query touches are read. Installed by `newsfind.index.whoosh_ext.install()`.
"""

from __future__ import annotations


class ViewReader:
    """A read-only, seekable file over a buffer (bytes or memoryview) that never copies it whole."""

    __slots__ = ("_view", "_pos", "_size", "closed")

    def __init__(self, buf) -> None:
        self._view = memoryview(buf).cast("B") if not isinstance(buf, bytes) else memoryview(buf)
        self._pos = 0
        self._size = len(self._view)
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        pos = self._pos
        end = self._size if size is None or size < 0 else min(pos + size, self._size)
        if end <= pos:
            return b""
        self._pos = end
        return self._view[pos:end].tobytes()

    def peek(self, size: int = 0) -> bytes:
        """Up to 256 bytes ahead without moving: pickle.load then reads a small pickle (a posting
        block's header) in two calls instead of one call per opcode."""
        return self._view[self._pos:min(self._pos + 256, self._size)].tobytes()

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = self._size if size is None or size < 0 else min(self._pos + size, self._size)
        pos, chunk = self._pos, 256
        while pos < limit:
            part = self._view[pos:min(pos + chunk, limit)].tobytes()
            newline = part.find(b"\n")
            if newline >= 0:
                return self.read(pos + newline + 1 - self._pos)
            pos += len(part)
            chunk *= 2
        return self.read(limit - self._pos)

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += self._size
        if offset < 0:
            raise ValueError("negative seek position")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def write(self, data) -> int:
        raise OSError("read-only buffer")

    def close(self) -> None:
        self.closed = True
        self._view.release()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf = buf
    self._name = name
    self.file = ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False
