"""The command handlers of the reference SMTP server session (RFC 5321 §4.1.1, SIZE RFC 1870 §6,
8BITMIME RFC 6152 §3), sans-I/O: one ``do_<VERB>(argument)`` per verb, each queueing exactly one reply.

A mixin of :class:`~reference_servers.smtp.session.SmtpSession`, which holds the state they read and change
(``helo``, ``esmtp``, ``mail``, ``mail_params``, ``rcpts``, ``config``) and provides :meth:`reply`,
:meth:`override` / :meth:`apply_override` (the reply hook) and :meth:`_start_data`.  Kept apart so the
session module holds the machine (feeding, events, sequencing) and this one the verbs.
"""

from __future__ import annotations

from reference_servers.errors import ProtocolError
from reference_servers.smtp import wire
from reference_servers.smtp.delivery import Accepted, Delivered, DeliveryError, Envelope, received_field
from reference_servers.smtp.events import Message, Store

_HELP = {
    "EHLO": "EHLO <domain>", "HELO": "HELO <domain>", "MAIL": "MAIL FROM:<reverse-path> [SIZE=n] [BODY=8BITMIME]",
    "RCPT": "RCPT TO:<forward-path>", "DATA": "DATA, then the message, then <CRLF>.<CRLF>",
    "RSET": "RSET", "NOOP": "NOOP [string]", "QUIT": "QUIT", "VRFY": "VRFY <address>", "HELP": "HELP [command]",
}


class VerbHandlers:
    """``do_<VERB>`` for every verb of :data:`wire.KNOWN_VERBS` (see the module docstring)."""

    def do_EHLO(self, arg: str) -> None:
        self._hello("EHLO", arg)

    def do_HELO(self, arg: str) -> None:
        self._hello("HELO", arg)

    def _hello(self, verb: str, arg: str) -> None:
        arg = arg.strip()
        if not arg:
            self.out += wire.format_reply(501, f"Syntax: {verb} hostname")  # no enhanced code (RFC 2034)
            return
        action = self.override(verb)
        if action is not None and not self.apply_override(action):
            return
        self.reset_transaction()  # a new EHLO/HELO resets like RSET (SMTP-EHLO-5)
        self.helo = arg
        self.esmtp = verb == "EHLO"
        if action is not None:
            return
        first = f"{self.config.domain} greets {arg}"
        if verb == "EHLO":
            self.out += wire.format_reply(250, first, *self.config.extensions)
        else:
            self.out += wire.format_reply(250, first)

    def do_MAIL(self, arg: str) -> None:
        if self.helo is None:
            return self.reply(503, "Send EHLO or HELO first", esc="5.5.1")
        if self.mail is not None:
            return self.reply(503, "Nested MAIL command", esc="5.5.1")
        try:
            parsed = wire.parse_mail(arg)
        except ProtocolError as exc:
            esc = "5.5.4" if exc.requirement in ("SMTP-CMD-8", "SMTP-SIZE-2") else "5.1.7"
            return self.reply(501, f"Syntax error in MAIL: {exc}", esc=esc)
        for key, value in parsed.params.items():
            if not self.esmtp or not self.config.advertised({"BODY": "8BITMIME"}.get(key, key)):
                return self.reply(555, f"MAIL parameter {key} not recognized or not implemented", esc="5.5.4")
            if key == "SIZE":
                try:
                    size = wire.parse_size(value)
                except ProtocolError as exc:
                    return self.reply(501, str(exc), esc="5.5.4")
                if self.config.max_size and size > self.config.max_size:
                    return self.reply(552, "Message size exceeds fixed maximum message size", esc="5.3.4")
            elif key == "BODY":
                if (value or "").upper() not in ("7BIT", "8BITMIME"):
                    return self.reply(555, f"BODY={value} not supported", esc="5.5.4")
            else:
                return self.reply(555, f"MAIL parameter {key} not recognized or not implemented", esc="5.5.4")
        action = self.override("MAIL")
        if action is not None and not self.apply_override(action):
            return
        self.mail = parsed.path
        self.mail_params = parsed.params
        self.rcpts = []
        if action is None:
            self.reply(250, f"Sender {parsed.path} OK", esc="2.1.0")

    def do_RCPT(self, arg: str) -> None:
        if self.mail is None:
            return self.reply(503, "Need MAIL command first", esc="5.5.1")
        try:
            parsed = wire.parse_rcpt(arg)
        except ProtocolError as exc:
            return self.reply(501, f"Syntax error in RCPT: {exc}", esc="5.1.3")
        if parsed.params:
            key = next(iter(parsed.params))
            return self.reply(555, f"RCPT parameter {key} not recognized or not implemented", esc="5.5.4")
        path = parsed.path
        action = self.override(f"RCPT {path.mailbox.lower()}", "RCPT")
        if action is not None:
            if self.apply_override(action):
                self.rcpts.append(path.mailbox)
            return
        config = self.config
        if len(self.rcpts) >= config.max_recipients:
            return self.reply(452, "Too many recipients", esc="4.5.3")
        if path.domain and path.domain.lower() not in config.local_domains:
            return self.reply(550, f"Relaying denied: {path.domain} is not a local domain", esc="5.7.1")
        local = path.local_part.strip('"').lower()
        if path.domain and local in config.unknown_users:
            return self.reply(550, f"{path} User unknown", esc="5.1.1")
        self.rcpts.append(path.mailbox if path.domain else f"{path.local_part}@{config.domain}")
        self.reply(250, f"Recipient {path} OK", esc="2.1.5")

    def do_DATA(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "DATA takes no arguments", esc="5.5.4")
        action = self.override("DATA")  # before the checks: a hook may say 354 out of sequence
        if action is not None:
            if not self.apply_override(action):
                return
        elif self.mail is None:
            return self.reply(503, "Need MAIL command first", esc="5.5.1")
        elif not self.rcpts:
            return self.reply(503, "Need RCPT command first (no valid recipients)", esc="5.5.1")
        else:
            self.out += wire.format_reply(354, "End data with <CR><LF>.<CR><LF>")
        self._start_data()

    def _deliver(self, result: wire.DataResult) -> None:
        """Store the message through ``config.deliver`` and queue 250 (451 if storage fails, SMTP-TXN-12); when
        ``config.stores_later``, queue a :class:`Store` event instead and finish in :meth:`stored`."""
        envelope = Envelope(self.mail.mailbox if self.mail else "", tuple(self.rcpts))
        msg_id = self.config.next_id()
        store = Store(envelope, result.content, self._received_field(msg_id, envelope), msg_id)
        if getattr(self.config, "stores_later", False):
            self._storing = store
            self._events.append(store)
            return
        try:
            stored: tuple[Delivered, ...] | None = tuple(self.config.deliver(envelope, result.content, store.received))
        except DeliveryError:
            stored = None
        self._acknowledge(store, stored)

    def _acknowledge(self, store: Store, stored: tuple[Delivered, ...] | None, first: bool = False) -> None:
        """Queue the 250 and the :class:`Message` (the next event when ``first``), or the 451 (``stored`` None)."""
        if stored is None:
            return self.reply(451, "Local error in processing; message not delivered, try again later",
                              esc="4.3.0")
        message = Message(store.content, Accepted(store.envelope, store.content, store.received, stored))
        self._events.appendleft(message) if first else self._events.append(message)
        self.reply(250, f"Message accepted for delivery, queued as {store.msg_id}", esc="2.0.0")

    def _received_field(self, msg_id: str, envelope: Envelope) -> str:
        """The ``Received:`` trace field (RFC 5321 §4.4), folded with CRLF+TAB."""
        return received_field(helo=self.helo, ip=self.peer_ip, domain=self.config.domain, esmtp=self.esmtp,
                              msg_id=msg_id, envelope=envelope)

    def do_RSET(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "RSET takes no arguments", esc="5.5.4")
        action = self.override("RSET")
        if action is not None and not self.apply_override(action):
            return
        self.reset_transaction()
        if action is None:
            self.reply(250, "Reset OK", esc="2.0.0")

    def do_NOOP(self, arg: str) -> None:
        action = self.override("NOOP")
        if action is not None:
            self.apply_override(action)
            return
        self.reply(250, "OK", esc="2.0.0")

    def do_QUIT(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "QUIT takes no arguments", esc="5.5.4")
        action = self.override("QUIT")
        if action is not None:
            self.apply_override(action)
        else:
            self.reply(221, f"{self.config.domain} Service closing transmission channel", esc="2.0.0")
        self.closing = True

    def do_VRFY(self, arg: str) -> None:
        arg = arg.strip()
        if not arg:
            return self.reply(501, "Syntax: VRFY <address>", esc="5.5.4")
        action = self.override("VRFY")
        if action is not None:
            self.apply_override(action)
            return
        config = self.config
        target = arg[1:-1] if arg.startswith("<") and arg.endswith(">") else arg
        local, _, domain = target.rpartition("@") if "@" in target else (target, "", "")
        if domain and domain.lower() not in config.local_domains:
            return self.reply(550, f"{domain} is not a local domain", esc="5.7.1")
        if not (wire.is_local_part(local)):
            return self.reply(553, "Mailbox name not allowed", esc="5.1.3")
        if local.strip('"').lower() in config.unknown_users:
            return self.reply(550, f"<{local}@{domain or config.domain}> User unknown", esc="5.1.1")
        self.reply(250, f"<{local}@{domain or config.domain}>", esc="2.1.5")

    def do_EXPN(self, arg: str) -> None:
        self.reply(502, "EXPN not implemented", esc="5.5.1")

    def do_HELP(self, arg: str) -> None:
        topic = arg.strip().upper()
        if not topic:
            return self.reply(214, "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
                              "See RFC 5321", esc="2.0.0")
        syntax = _HELP.get(topic)
        if syntax is None:
            return self.reply(504, f"HELP for {topic[:40]} not available", esc="5.5.4")
        self.reply(214, syntax, esc="2.0.0")

    def _obsolete(self, arg: str) -> None:
        self.reply(502, "Command not implemented", esc="5.5.1")

    do_SEND = do_SOML = do_SAML = do_TURN = _obsolete
