"""index/whoosh_ext/zerocopy.py: Whoosh's in-segment files read straight from the mapped segment."""
import pickle

from newsfind.index import whoosh_ext
from newsfind.index.whoosh_ext.zerocopy import ViewReader
from whoosh.filedb.structfile import BufferFile

from tests.conftest import needs_patches


def test_view_reader_reads_seeks_and_reads_lines_like_a_file():
    data = b"first line\nsecond\n" + pickle.dumps({"a": [1, 2, 3]}) + b"tail"
    reader = ViewReader(memoryview(bytearray(data)))
    assert reader.readline() == b"first line\n"
    assert reader.tell() == 11
    assert reader.read(3) == b"sec"
    reader.seek(18)
    assert pickle.load(reader) == {"a": [1, 2, 3]}  # pickle reads through read/readline
    assert reader.read() == b"tail" and reader.read(5) == b""
    reader.seek(-4, 2)
    assert reader.read(10) == b"tail"
    reader.seek(2)
    reader.seek(3, 1)
    assert reader.read(4) == b" lin"


@needs_patches
def test_buffer_files_do_not_copy_their_buffer():
    assert "zerocopy" in whoosh_ext.install().patches
    buf = memoryview(bytearray(b"\x00\x00\x00\x07hello world"))
    f = BufferFile(buf, name="x")
    assert isinstance(f.file, ViewReader)
    assert f.read_int() == 7
    assert f.read(5) == b"hello"
    buf[4:9] = b"HELLO"  # the file sees the buffer itself, not a copy taken when it was opened
    f.seek(4)
    assert f.read(5) == b"HELLO"
