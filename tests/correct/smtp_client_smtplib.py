"""A submission client on Python's smtplib, with the fixes a careful user adds around ``sendmail``.

    python smtp_client_smtplib.py --server HOST:PORT --sender ADDR RCPT [RCPT ...] < message

smtplib does the dialogue (greeting, EHLO with HELO fallback, dot-stuffing, QUIT), with a 10-second
timeout on every socket operation.  Around it: the message is given CRLF line ends first (``sendmail``
converts only ``str`` messages); 8-bit content for a server without 8BITMIME is re-encoded as
quoted-printable with the ``email`` package; MAIL, RCPT and DATA are issued one by one with ``mail()``,
``rcpt()`` and ``data()`` so that every reply is judged by its first digit (``sendmail`` wants exactly
250); recipients refused with 452 go in a further transaction.  Exit 0 when every recipient got the
message, 1 otherwise.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import re
import smtplib
import sys


def crlf(data: bytes) -> bytes:
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def seven_bit(data: bytes) -> bytes:
    """The message with every 8-bit body part quoted-printable and 8-bit headers RFC 2047-encoded."""
    msg = email.message_from_bytes(data, policy=email.policy.SMTP)
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        if re.search(rb"[\x80-\xff]", payload):
            charset = part.get_content_charset() or "utf-8"
            text = payload.decode(charset, "replace")
            del part["Content-Transfer-Encoding"]
            part.set_content(text, subtype=part.get_content_subtype(), charset=charset, cte="quoted-printable")
    if "MIME-Version" not in msg:
        msg["MIME-Version"] = "1.0"
    return msg.as_bytes(policy=email.policy.SMTP)


def deliver(host: str, port: int, sender: str, rcpts: list[str], data: bytes) -> bool:
    s = smtplib.SMTP(host, port, timeout=10)
    try:
        s.ehlo_or_helo_if_needed()
        data = crlf(data)
        options = []
        if re.search(rb"[\x80-\xff]", data):
            if s.has_extn("8bitmime"):
                options.append("BODY=8BITMIME")
            else:
                data = crlf(seven_bit(data))
        if s.has_extn("size"):
            limit = s.esmtp_features.get("size", "0")
            if limit.isdigit() and 0 < int(limit) < len(data):
                raise smtplib.SMTPException("message larger than the server's SIZE limit")
            options.append(f"SIZE={len(data)}")
        todo, complete = list(rcpts), True
        while todo:
            code, text = s.mail(sender, options)
            if code // 100 != 2:
                s.rset()
                raise smtplib.SMTPSenderRefused(code, text, sender)
            ok, again = [], []
            for r in todo:
                code, text = s.rcpt(r)
                if code == 421:
                    raise smtplib.SMTPServerDisconnected("421 from the server")
                if code // 100 == 2:
                    ok.append(r)
                elif code == 452:
                    again.append(r)
                else:
                    complete = False
            if not ok:
                s.rset()
                return False
            code, text = s.data(data)  # stuffs dots; raises on a non-354 DATA reply
            if code // 100 != 2:
                return False
            todo = again
        return complete
    finally:
        try:
            s.quit()
        except (smtplib.SMTPException, OSError):
            s.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--sender", required=True)
    p.add_argument("rcpts", nargs="+")
    a = p.parse_args()
    host, _, port = a.server.rpartition(":")
    try:
        ok = deliver(host, int(port), a.sender, a.rcpts, sys.stdin.buffer.read())
    except (smtplib.SMTPException, OSError) as exc:
        print(f"not sent: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
