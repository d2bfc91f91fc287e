"""A seeded corpus of hostile inputs for `newsfind index`: every kind of file an archive dump can
hold by mistake or malice, next to a few good articles. `build(root, count)` writes about `count`
inputs under `root` and returns what it made, so a test can say which must be indexed and that
every other one must be reported with its path."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.generate import article

HUGE = 60_000_000  # over the default --max-bytes (50 MB); written sparse, so it costs no disk


@dataclass
class Corpus:
    root: Path
    good_ids: set[str] = field(default_factory=set)  # articles that must be indexed
    inputs: int = 0  # files, links and records made (a JSON Lines file with 5 bad lines counts 5)
    kinds: dict[str, int] = field(default_factory=dict)


def _text(rng: random.Random, words: int = 30) -> str:
    return " ".join(rng.choice(["talks", "Vienna", "ministers", "said", "ceasefire", "aid", "the", "on"])
                    for _ in range(words))


def _warc(rng: random.Random, pages: int = 2) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i in range(pages):
        html = f"<html><head><title>Page {i}</title></head><body><p>{_text(rng, 80)}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
        record = writer.create_warc_record(f"http://example.org/{rng.random()}", "response",
                                           payload=io.BytesIO(html), http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def _nested_html(depth: int, tag: str = "div") -> bytes:
    return ("<html><body>" + f"<{tag}>" * depth + "deep text" + f"</{tag}>" * depth + "</body></html>").encode()


def generators(rng: random.Random) -> dict[str, Callable[[Path, int], int]]:
    """kind -> function(folder, n) writing the n-th input of that kind; returns the inputs it made."""

    def write(path: Path, data: bytes | str) -> int:
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return 1

    def binary(folder: Path, n: int) -> int:
        suffix = [".txt", ".json", ".jsonl", ".csv", ".html", ".warc", ".warc.gz", ".tsv"][n % 8]
        return write(folder / f"binary{n}{suffix}", rng.randbytes(rng.randint(1, 4096)))

    def empty(folder: Path, n: int) -> int:
        suffix = [".txt", ".json", ".jsonl", ".csv", ".html", ".warc", ".warc.gz", ".htm"][n % 8]
        return write(folder / f"empty{n}{suffix}", [b"", b"   \n\n\t ", b"\xef\xbb\xbf", b"\n"][n % 4])

    def huge(folder: Path, n: int) -> int:
        path = folder / f"huge{n}{['.txt', '.jsonl', '.html', '.csv'][n % 4]}"
        with path.open("wb") as fh:
            fh.write(b"Huge title\n" if n % 2 else b'{"id": "huge", "body": "')
            fh.truncate(HUGE)  # sparse: zeros up to 60 MB
        return 1

    def bad_utf8(folder: Path, n: int) -> int:
        body = _text(rng).encode()
        cut = rng.randint(0, len(body))
        raw = body[:cut] + bytes(rng.randint(0x80, 0xFF) for _ in range(rng.randint(1, 40))) + body[cut:]
        return write(folder / f"badutf8-{n}.txt", b"Title\n" + raw)

    def mixed_encoding(folder: Path, n: int) -> int:
        text = f"Caf\u00e9 talks {n}\nM\u00fcnchen, na\u00efve r\u00e9sum\u00e9 \u2014 \u201cquoted\u201d, \u20ac5"
        encodings = ["utf-8", "latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32", "mac-roman", "koi8-r"]
        parts = [text.encode(encodings[(n + i) % len(encodings)], errors="replace") for i in range(2)]
        if n % 5 == 0:
            parts.insert(0, codecs.BOM_UTF16_LE)  # a BOM that lies about what follows
        return write(folder / f"mixed-{n}.{['txt', 'html', 'jsonl'][n % 3]}", b"\n".join(parts))

    def truncated_warc(folder: Path, n: int) -> int:
        data = _warc(rng, pages=2)
        kind = n % 4
        if kind == 0:
            data = data[: rng.randint(1, len(data) - 1)]
        elif kind == 1:  # one gzip stream cut short
            data = gzip.compress(gzip.decompress(data))[: rng.randint(10, 200)]
        elif kind == 2:  # not a WARC at all inside the gzip
            data = gzip.compress(b"WARC/9.9\r\nthis is not a record\r\n\r\n" + rng.randbytes(100))
        else:  # a flipped byte in the middle
            cut = rng.randint(30, len(data) - 1)
            data = data[:cut] + bytes([data[cut] ^ 0xFF]) + data[cut + 1:]
        return write(folder / f"crawl{n}.warc{'.gz' if n % 3 else ''}", data)

    def bad_json(folder: Path, n: int) -> int:
        cases = [
            '{"id": "x", "title": "cut', "[1, 2, 3]", '"just a string"', "null", "{}", '{"id": ["a", "b"]}',
            '{"id": "n1", "body": 42}', '{"id": "n2", "title": {"a": 1}, "body": ""}', "[" * 100_000 + "]" * 100_000,
            '{"id": "big", "title": ' + "9" * 5000 + "}", '{"id": NaN, "body": Infinity}', '{"id": "\\ud800x"}',
            "{'single': 'quotes'}", '{"id": "dup", "id": "dup2", "body": "x" ',
        ]
        case = cases[n % len(cases)]
        return write(folder / f"bad{n}.json", case)

    def bad_jsonl(folder: Path, n: int) -> int:
        lines = ['{"id": "ok?"', "not json", "[" * 50_000, '{"id": 1e999999}', '"\\udcff"', "\x00\x01\x02",
                 '{"id": "' + "x" * 5000 + '", "body": "long id"}', '{"id": "\\u0000", "body": "nul id"}']
        chosen = [lines[(n + i) % len(lines)] for i in range(5)]
        write(folder / f"badlines{n}.jsonl", "\n".join(chosen) + "\n")
        return len(chosen)

    def ragged_csv(folder: Path, n: int) -> int:
        rows = ["id,title,body", "c1,One", "c2,Two,body,extra,extra", '"c3,"unclosed quote', "\x00,\x00,\x00",
                "c4;semi;colon", ",,,", "id,title,body"]
        if n % 4 == 0:
            rows = ["," * 5000, "a" * 10]  # thousands of empty columns, no title or body column
        if n % 4 == 1:
            rows = ['id,title,body', 'c9,"a title', 'that never ends']
        write(folder / f"ragged{n}.{'tsv' if n % 5 == 0 else 'csv'}", "\n".join(rows[: 2 + n % len(rows)]))
        return 1

    def html_bomb(folder: Path, n: int) -> int:
        kind = n % 5
        if kind == 0:
            data = _nested_html(100_000)
        elif kind == 1:
            data = _nested_html(20_000, tag=rng.choice(["span", "b", "table", "ul", "p"]))
        elif kind == 2:
            attributes = " ".join(f"a{i}='{i}'" for i in range(20_000))
            data = f"<html><body><p {attributes}>x</p></body></html>".encode()
        elif kind == 3:
            data = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
                              for i in range(10))
                    + ']><html><body><p>&lol9;</p></body></html>').encode()
        else:
            data = ("<html><body>" + "<p>unclosed <b><i><table><tr><td>" * 5_000 + "</body>").encode()
        return write(folder / f"bomb{n}.{['html', 'htm', 'xhtml'][n % 3]}", data)

    def odd_path(folder: Path, n: int) -> int:
        names = [b"new\nline", b"tab\there", b"caf\xc3\xa9 \xe2\x80\x94 ok", b"not-utf8-\xff\xfe", b"-leading-dash",
                 b"spaces   and ' quotes \"", b"x" * 240, b"..dots..", b"back\\slash", b"\xe2\x80\xaeright-to-left",
                 b"emoji-\xf0\x9f\x93\xb0", b"latin1-\xe9t\xe9"]
        name = names[n % len(names)] + f"-{n}".encode()
        suffix = [b".txt", b".jsonl", b".html"][n % 3]
        path = os.path.join(os.fsencode(folder), name + suffix)
        record = article(rng, f"odd-{n}")
        if suffix == b".txt":
            data = f"{record['title']}\n\n{record['body']}".encode()
        elif suffix == b".jsonl":
            data = json.dumps(record).encode() + b"\n"
        else:
            data = f"<html><head><title>{record['title']}</title></head><body><article><p>{record['body']}</p>" \
                   f"<p>{_text(rng, 60)}</p></article></body></html>".encode()
        with open(path, "wb") as fh:
            fh.write(data)
        return 1

    def links(folder: Path, n: int) -> int:
        kind = n % 6
        if kind == 0:
            os.symlink(f"loop{n}b.txt", folder / f"loop{n}a.txt")
            os.symlink(f"loop{n}a.txt", folder / f"loop{n}b.txt")
            return 2
        if kind == 1:
            os.symlink(f"self{n}.jsonl", folder / f"self{n}.jsonl")
            return 1
        if kind == 2:
            sub = folder / f"dirloop{n}"
            sub.mkdir()
            os.symlink("..", sub / "up")  # a directory loop
            os.symlink(".", sub / "here")
            return 2
        if kind == 3:
            os.symlink(f"/nonexistent/{n}.txt", folder / f"dangling{n}.txt")
            return 1
        if kind == 4:
            os.symlink("/dev/zero", folder / f"zero{n}.txt")
            return 1
        os.mkfifo(folder / f"fifo{n}.jsonl")  # reading it would block forever
        return 1

    return {"binary": binary, "empty": empty, "huge": huge, "bad_utf8": bad_utf8, "mixed_encoding": mixed_encoding,
            "truncated_warc": truncated_warc, "bad_json": bad_json, "bad_jsonl": bad_jsonl, "ragged_csv": ragged_csv,
            "html_bomb": html_bomb, "odd_path": odd_path, "links": links}


# How many of each kind per 1,000 inputs (huge files and bombs are few: each costs real time).
SHARES = {"binary": 170, "empty": 80, "huge": 4, "bad_utf8": 110, "mixed_encoding": 90, "truncated_warc": 60,
          "bad_json": 120, "bad_jsonl": 30, "ragged_csv": 120, "html_bomb": 10, "odd_path": 60, "links": 60}
GOOD = 30  # good articles per 1,000 inputs


def build(root: Path, count: int = 1000, seed: int = 1) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus(root=root)
    makers = generators(rng)
    scale = count / 1000
    for kind, share in SHARES.items():
        folder = root / kind
        folder.mkdir(parents=True)
        made = 0
        for n in range(max(1, round(share * scale))):
            made += makers[kind](folder, n)
        corpus.kinds[kind] = made
        corpus.inputs += made
    good = root / "good"
    good.mkdir()
    records = [article(rng, f"good-{i}") for i in range(max(1, round(GOOD * scale)))]
    (good / "good.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    corpus.good_ids = {r["id"] for r in records}
    corpus.kinds["good"] = len(records)
    corpus.inputs += len(records)
    return corpus
