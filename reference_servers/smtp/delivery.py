"""Final delivery of accepted messages into a Maildir, through the stdlib :mod:`mailbox` module.

The reference SMTP server is a final-delivery server for its own domains and never relays.  For each
accepted message and each recipient it stores one copy, in the Maildir ``new/`` folder, with these lines
prepended (RFC 5321 §4.4): ``Return-Path: <reverse-path>`` (final delivery), ``Delivered-To: <recipient>``
(envelope recipient as received, case preserved: SMTP-TXN-7) and the ``Received:`` trace line the server
built (SMTP-TXN-11).  Existing header lines are never changed or reordered.

The content is stored with LF line endings, the Maildir convention; since the server refuses bare CR and
bare LF in DATA, turning CRLF into LF is a reversible transformation (RFC 5321 §4.5.2, SMTP-DATA-7).
Delivery is all or nothing (SMTP-TXN-12): if one copy cannot be written, the copies already written are
removed and :class:`DeliveryError` is raised, so the server answers 451 and nothing is delivered.

Also here: :class:`Accepted` (what the server took responsibility for) and :func:`received_field` (the
``Received:`` trace field the session builds).
"""

from __future__ import annotations

import datetime
import email.utils
import mailbox
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path


class DeliveryError(OSError):
    """The message could not be stored; nothing was delivered (the server answers 451)."""


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope: ``reverse_path`` (``""`` for ``<>``) and ``recipients`` (mailboxes as sent)."""

    reverse_path: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Delivered:
    """One stored copy: the recipient, the Maildir key and the file path."""

    recipient: str
    key: str
    path: Path


@dataclass(frozen=True)
class Accepted:
    """A message the server took responsibility for (250 after end-of-data)."""

    envelope: Envelope
    content: bytes  # CRLF line endings, un-stuffed, as received (without the trace lines)
    received: str  # the Received: field prepended
    stored: tuple[Delivered, ...]


def received_field(*, helo: str | None, ip: str, domain: str, esmtp: bool, msg_id: str, envelope: Envelope) -> str:
    """The ``Received:`` trace field (RFC 5321 §4.4), folded with CRLF+TAB: ``from`` the EHLO/HELO name and
    the client's address literal, ``by`` the server's ``domain``, ``with`` ESMTP or SMTP, ``id``, a ``for``
    clause when there is exactly one recipient, and the date (local time, RFC 5322 format)."""
    proto = "ESMTP" if esmtp else "SMTP"
    date = _date_now()
    clause = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
    return (f"Received: from {helo} ([{ip}])\r\n\tby {domain} (netconformance) "
            f"with {proto} id {msg_id}{clause};\r\n\t{date}")


_date_cache: tuple[int, str] = (0, "")


def _date_now() -> str:
    """The current local time in RFC 5322 format, computed once per second (the format's resolution)."""
    global _date_cache
    now = int(time.time())
    second, text = _date_cache
    if second != now:
        text = email.utils.format_datetime(datetime.datetime.fromtimestamp(now, datetime.UTC).astimezone())
        _date_cache = (now, text)
    return text


def trace_headers(envelope: Envelope, recipient: str, received: str) -> bytes:
    """The lines prepended to one recipient's copy, LF-terminated (``received`` is the folded
    ``Received:`` field with CRLF folds, as built by the server)."""
    lines = [
        f"Return-Path: <{envelope.reverse_path}>",
        f"Delivered-To: {recipient}",
        received.replace("\r\n", "\n"),
    ]
    return ("\n".join(lines) + "\n").encode("ascii", "replace")


class _Maildir(mailbox.Maildir):
    """:class:`mailbox.Maildir` whose ``add`` may run in several threads at once: only the choice of the
    unique ``tmp/`` name (a class-wide counter) is serialized; writing, ``fsync`` and the link into
    ``new/`` run in parallel."""

    _names = threading.Lock()

    def _create_tmp(self):
        with self._names:
            return super()._create_tmp()


class MaildirDelivery:
    """Deliver into the Maildir at ``path`` (created with ``cur``, ``new`` and ``tmp`` if missing).

    ``fail`` (bool) simulates a storage failure for fault-injection scenarios (SMTP-TXN-12).  Thread-safe:
    several messages may be stored at once (each copy is written and ``fsync``-ed under its own name).
    """

    def __init__(self, path: str | Path, *, fail: bool = False) -> None:
        self.path = Path(path)
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self.box = _Maildir(str(self.path), factory=None, create=True)
        self.fail = fail

    def deliver(self, envelope: Envelope, content: bytes, received: str) -> list[Delivered]:
        """Store one copy per recipient of ``content`` (CRLF line endings, as received after 354).

        Raises:
            DeliveryError: a copy could not be written; every copy of this message was removed.
        """
        body = content.replace(b"\r\n", b"\n")
        done: list[Delivered] = []
        try:
            if self.fail:
                raise OSError("storage failure (simulated)")
            for rcpt in envelope.recipients:
                key = self.box.add(trace_headers(envelope, rcpt, received) + body)
                done.append(Delivered(rcpt, key, self.path / "new" / key))
        except OSError as exc:
            for d in done:
                try:
                    os.remove(d.path)
                except OSError:
                    pass
            raise DeliveryError(f"cannot store the message in {self.path}: {exc}") from exc
        return done
