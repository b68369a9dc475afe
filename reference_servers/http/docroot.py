"""The document root of the HTTP/1.0 reference server: from a Request-URI path to a file inside the root.

:meth:`DocumentRoot.locate` applies the server's path rules (RFC 1945 §5.1.2 %-decoding, §12.5): a NUL
gets 400; a ``..`` segment (before or after decoding) or a segment starting with ``.`` gets 403; anything
resolving outside the root through a symbolic link gets 403; a missing file 404.  The common case, a
path with no symbolic link, costs one ``lstat`` per component below the root and nothing else; any link
or error on the way is resolved the slow way (``realpath`` then ``stat``), so the answers are those of
``realpath`` + ``stat`` in every case.

The root is resolved once, with ``realpath``, when the server starts: from then on its path is taken to
lead to the root without a symbolic link, as for every directory above it, which no request examines
again (a root given as a link keeps being the directory the link named at start).  Lookups go by path,
so a root replaced by another directory is served as it now is, and a root removed gives 404s; a root
replaced by a symbolic link is outside that assumption.  :func:`read_file`, :func:`guess_type` and
:func:`listing` give the body, type and directory listing.  No sockets here.
"""

from __future__ import annotations

import functools
import html
import mimetypes
import os
import stat
import urllib.parse
from pathlib import Path

__all__ = ["DocumentRoot", "Refused", "guess_type", "listing", "read_file"]

#: ``(type, encoding)`` by file path (:func:`mimetypes.guess_type`, which is slow and always gives the
#: same answer for the same path), for the most recent 1,024 paths
guess_type = functools.lru_cache(maxsize=1024)(mimetypes.guess_type)


class Refused(Exception):
    """A path the server does not serve: ``status`` (400, 403 or 404) and ``explanation`` (plain text)."""

    def __init__(self, status: int, explanation: str) -> None:
        super().__init__(explanation)
        self.status = status
        self.explanation = explanation


class DocumentRoot:
    """A directory served over HTTP.

    Args:
        root: the directory (str or Path), resolved once with ``realpath``.

    Raises:
        NotADirectoryError: ``root`` is not a directory.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        if not Path(root).is_dir():
            raise NotADirectoryError(f"document root {root!s} is not a directory")
        self.real_root = os.path.realpath(root)
        self._prefix = self.real_root.rstrip("/") + "/"

    def locate(self, path: str) -> tuple[str, os.stat_result]:
        """``(real path, stat)`` of the file or directory that the abs_path ``path`` (starting with ``/``,
        query and fragment removed, still %-encoded) names.

        Raises:
            Refused: 400 for a NUL, 403 for ``..``, hidden segments, a way out of the root or no permission,
                404 when nothing is there.
            OSError: any other failure to examine the path (the server answers 500).
        """
        raw = urllib.parse.unquote_to_bytes(path)
        if b"\0" in raw:
            raise Refused(400, "NUL in the Request-URI")
        text = os.fsdecode(raw)
        segments = text.split("/")
        if "/." in text or "/." in path:  # both start with "/": only then can a segment start with "."
            if any(seg == ".." for seg in segments) or ".." in path.split("/"):
                raise Refused(403, "'..' path segments are not allowed")
            if any(seg.startswith(".") and seg != "." for seg in segments):
                raise Refused(403, "hidden files are not served")
        parts = [seg for seg in segments if seg not in ("", ".")]
        found = self._lookup(parts)
        if found is not None:
            return found
        real = os.path.realpath(os.path.join(self.real_root, *parts))
        if os.path.commonpath([real, self.real_root]) != self.real_root:
            raise Refused(403, "the path resolves outside the document root")
        try:
            return real, os.stat(real)
        except (FileNotFoundError, NotADirectoryError):
            raise Refused(404, f"{urllib.parse.unquote(path)} was not found on this server") from None
        except PermissionError:
            raise Refused(403, "access to this resource is forbidden") from None

    def _lookup(self, parts: list[str]) -> tuple[str, os.stat_result] | None:
        """``(path, stat)`` of the root joined with ``parts`` when no component below the root is a symbolic
        link (the root is one, see the module's docstring): that path is then its own realpath, inside the
        root, and the last ``lstat`` is its ``stat``.  ``None`` when a component is a link or cannot be
        examined: the caller resolves the slow way."""
        prefix = self._prefix
        try:
            if not parts:
                path = self.real_root
                st = os.lstat(path)
            for i in range(1, len(parts) + 1):
                path = prefix + "/".join(parts[:i])
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    return None
        except OSError:
            return None
        return None if stat.S_ISLNK(st.st_mode) else (path, st)


def read_file(path: str, size: int) -> bytes:
    """The whole regular file at ``path`` (``size``: its size when last seen, a hint), to its end even if it
    grew: read until a read returns fewer bytes than asked, which for a regular file happens only at its
    end (the first read asks ``size + 1``, so a file that did not grow takes one read), with three system
    calls where ``open().read()`` makes nine.  Raises OSError as ``open`` and ``read`` do."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        want = size + 1
        while True:
            data = os.read(fd, want)
            chunks.append(data)
            if len(data) < want:
                break
            want = 65536
    finally:
        os.close(fd)
    return b"".join(chunks)


def listing(path: str, real: str) -> bytes:
    """An HTML listing of the directory ``real`` served at ``path`` (hidden entries left out, directories
    with a trailing slash).  Raises PermissionError when the directory cannot be listed."""
    items = []
    for name in sorted(os.listdir(real)):
        if name.startswith("."):
            continue
        slash = "/" if os.path.isdir(os.path.join(real, name)) else ""
        href = urllib.parse.quote(name + slash)
        items.append(f'<li><a href="{href}">{html.escape(name + slash)}</a></li>')
    title = html.escape(urllib.parse.unquote(path))
    return (f"<html><head><title>Index of {title}</title></head><body><h1>Index of {title}</h1>"
            f"<ul>{''.join(items)}</ul></body></html>\n").encode()
