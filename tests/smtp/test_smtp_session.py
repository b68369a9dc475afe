"""The SMTP server session state machine alone (``reference_servers.smtp.session``): octets in, events and
replies out, no sockets, no event loop (h11 style)."""

from __future__ import annotations

import pytest

from reference_servers.smtp import wire
from reference_servers.smtp.session import (
    NEED_DATA,
    SEND_NOW,
    Closed,
    CommandTaken,
    DataStarted,
    Greeting,
    Message,
    SessionConfig,
    SmtpSession,
    Store,
)

TXN = b"MAIL FROM:<a@client.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"


class Driver:
    """Feeds a session and performs its events as the asyncio pump would, keeping what was sent."""

    def __init__(self, config: SessionConfig | None = None, **kwargs) -> None:
        self.config = config or SessionConfig()
        self.session = SmtpSession(self.config, peer_ip="192.0.2.1", **kwargs)
        self.events: list = []
        self.writes: list[bytes] = []  # one entry per send, as the pump would write them
        self.session.start()
        self.run()

    def run(self, data: bytes | None = None) -> list:
        """Feed ``data`` (``b""`` = end of input) and take events until more input is needed; return them."""
        if data is not None:
            self.session.receive_data(data)
        new = []
        while True:
            event = self.session.next_event()
            if event is NEED_DATA or event is SEND_NOW or isinstance(event, (Greeting, Closed)):
                sent = self.session.data_to_send()  # the pump also sends what is queued before reading
                if sent:
                    self.writes.append(sent)
            if event is NEED_DATA:
                break
            new.append(event)
            if isinstance(event, Closed):
                break
        self.events += new
        return new

    def replies(self) -> list[wire.Reply]:
        return wire.parse_replies(b"".join(self.writes))

    def codes(self) -> list[int]:
        return [r.code for r in self.replies()]


@pytest.fixture
def d() -> Driver:
    drv = Driver()
    drv.run(b"EHLO client.test\r\n")
    return drv


def test_greeting_is_220_with_the_domain():
    drv = Driver()
    assert isinstance(drv.events[0], Greeting)
    assert drv.writes == [b"220 example.test ESMTP netconformance reference server ready\r\n"]


def test_nothing_is_acted_on_before_the_crlf():
    drv = Driver()
    assert drv.run(b"NOOP") == [] and drv.run(b"\r") == []
    assert drv.run(b"\n")[0] == CommandTaken("NOOP", b"NOOP", False)
    assert drv.codes() == [220, 250]


def test_ehlo_lists_the_extensions_helo_does_not(d):
    ehlo = d.replies()[1]
    assert ehlo.code == 250 and ehlo.lines[0] == "example.test greets client.test"
    assert set(wire.parse_ehlo_keywords(ehlo)) == {"SIZE", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "HELP"}
    d.run(b"HELO client.test\r\nEHLO\r\n")
    helo, bare = d.replies()[2:]
    assert helo.lines == ("example.test greets client.test",)
    assert bare.code == 501 and bare.enhanced is None  # no enhanced code on EHLO/HELO replies


def test_a_transaction_delivers_the_message_unstuffed(d):
    d.run(TXN + b"Subject: x\r\n\r\n..leading dot\r\n.\r\n")
    (msg,) = [e for e in d.events if isinstance(e, Message)]
    assert msg.content == b"Subject: x\r\n\r\n.leading dot\r\n"
    assert msg.accepted.envelope.recipients == ("bob@example.test",)
    assert msg.accepted.received.startswith("Received: from client.test ([192.0.2.1])\r\n\tby example.test")
    assert d.config.stored[0][1] == msg.content
    assert d.codes() == [220, 250, 250, 250, 354, 250]
    assert d.replies()[-1].enhanced == "2.0.0"


def test_end_of_data_split_across_reads(d):
    d.run(TXN + b"body\r\n.")
    assert not any(isinstance(e, Message) for e in d.events)
    d.run(b"\r")
    d.run(b"\nNOOP\r\n")
    assert [e.verb for e in d.events if isinstance(e, CommandTaken)][-2:] == [".", "NOOP"]
    assert d.codes()[-2:] == [250, 250]


def test_bare_lf_dot_does_not_end_the_data(d):
    d.run(TXN + b"a\n.\nMAIL FROM:<evil@client.test>\r\n")
    assert not any(isinstance(e, Message) for e in d.events)
    d.run(b".\r\n")
    assert d.codes()[-1] == 554  # bare LF refused at end-of-data, the smuggled MAIL was content


def test_pipelined_replies_are_held_until_data_then_sent_in_order(d):
    new = d.run(TXN + b"hello\r\n.\r\n")
    taken = [e for e in new if isinstance(e, CommandTaken)]
    assert [(e.verb, e.held) for e in taken] == [("MAIL", False), ("RCPT", True), ("DATA", True), (".", False)]
    assert d.writes[2] == (b"250 2.1.0 Sender <a@client.test> OK\r\n250 2.1.5 Recipient <bob@example.test> OK\r\n"
                           b"354 End data with <CR><LF>.<CR><LF>\r\n")
    assert next(e for e in new if isinstance(e, DataStarted)).buffered


def test_held_replies_go_out_when_input_runs_dry(d):
    new = d.run(b"MAIL FROM:<a@client.test>\r\nRCPT TO:<bob@example.test>\r\n")
    assert SEND_NOW not in new  # batchable: held, then sent together once NEED_DATA says input ran dry
    assert d.writes[-1].count(b"\r\n") == 2


def test_size_limits(d):
    small = Driver(SessionConfig(max_size=100))
    small.run(b"EHLO c.test\r\nMAIL FROM:<a@client.test> SIZE=101\r\nMAIL FROM:<a@client.test> SIZE=100\r\n")
    assert small.codes()[-2:] == [552, 250]
    small.run(b"RCPT TO:<bob@example.test>\r\nDATA\r\n" + b"x" * 200 + b"\r\n.\r\n")
    assert small.codes()[-1] == 552 and not small.config.stored
    d.run(b"MAIL FROM:<a@client.test> SIZE=abc\r\n")
    assert d.codes()[-1] == 501


def test_esmtp_parameters_need_ehlo():
    drv = Driver()
    drv.run(b"HELO c.test\r\nMAIL FROM:<a@client.test> SIZE=10\r\n")
    assert drv.codes()[-1] == 555


def test_8bitmime(d):
    d.run(b"MAIL FROM:<a@client.test> BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nna\xefve\r\n.\r\n")
    assert d.codes()[-1] == 250 and d.config.stored[-1][1] == b"na\xefve\r\n"
    d.run(b"MAIL FROM:<a@client.test> BODY=BINARYMIME\r\n")
    assert d.codes()[-1] == 555


def test_rset_clears_the_transaction(d):
    d.run(b"MAIL FROM:<a@client.test>\r\nRCPT TO:<bob@example.test>\r\nRSET\r\nDATA\r\n")
    assert d.codes()[-2:] == [250, 503]


def test_bad_sequence_gets_503_and_keeps_the_session():
    drv = Driver()
    drv.run(b"MAIL FROM:<a@client.test>\r\n")
    assert drv.codes()[-1] == 503
    drv.run(b"EHLO c.test\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nMAIL FROM:<a@client.test>\r\n"
            b"MAIL FROM:<a@client.test>\r\nDATA\r\nNOOP\r\n")
    assert drv.codes()[2:] == [250, 503, 503, 250, 503, 503, 250]


def test_unknown_command_gets_500_and_the_session_goes_on(d):
    d.run(b"FROB x\r\nNOOP\r\n")
    assert d.codes()[-2:] == [500, 250] and d.replies()[-2].enhanced == "5.5.2"


def test_line_too_long_gets_500_and_the_session_goes_on(d):
    new = d.run(b"NOOP " + b"x" * 2000 + b"\r\nNOOP\r\n")
    assert CommandTaken("", b"", False) in new
    assert d.codes()[-2:] == [500, 250] and "Line too long" in d.replies()[-2].text


def test_relay_and_unknown_users_are_refused(d):
    d.run(b"MAIL FROM:<a@client.test>\r\nRCPT TO:<x@elsewhere.test>\r\nRCPT TO:<nouser@example.test>\r\n")
    assert [r.enhanced for r in d.replies()[-2:]] == ["5.7.1", "5.1.1"] and d.session.rcpts == []


def test_quit_says_221_and_closes_nothing_after_it_is_taken(d):
    new = d.run(b"QUIT\r\nNOOP\r\n")
    assert new[-1] == Closed("quit")
    assert d.writes[-1] == b"221 2.0.0 example.test Service closing transmission channel\r\n"
    assert d.session.next_event() == Closed("quit")


def test_eof_between_commands_and_inside_data(d):
    assert d.run(b"")[-1] == Closed("eof")
    drv = Driver()
    drv.run(b"EHLO c.test\r\n" + TXN + b"partial")
    assert drv.run(b"")[-1] == Closed("lost", "eof") and not drv.config.stored  # SMTP-QUIT-3


def test_storage_failure_gets_451():
    drv = Driver(SessionConfig(fail=True))
    drv.run(b"EHLO c.test\r\n" + TXN + b"x\r\n.\r\n")
    assert drv.codes()[-1] == 451 and not any(isinstance(e, Message) for e in drv.events)


def test_reply_hook_replaces_replies_and_its_consequence_applies():
    drv = Driver(replies={"RCPT bob@example.test": "550 5.1.1 no bob", "EOD": "250 taken"})
    drv.run(b"EHLO c.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<al@example.test>\r\n"
            b"DATA\r\nx\r\n.\r\n")
    assert drv.codes()[2:] == [250, 550, 250, 354, 250]
    (msg,) = [e for e in drv.events if isinstance(e, Message)]
    assert msg.accepted is None and not drv.config.stored  # taken by the hook, nothing delivered


@pytest.mark.parametrize("action, how", [("stall", "stall"), ("reset", "reset"), ("close", "fin"), ("421 4.3.0 bye", "fin")])
def test_reply_hook_actions_end_the_session(action, how):
    drv = Driver(replies={"MAIL": action})
    new = drv.run(b"EHLO c.test\r\nMAIL FROM:<a@client.test>\r\nNOOP\r\n")
    assert new[-1] == Closed(how, "behaviour")
    assert [e.verb for e in new if isinstance(e, CommandTaken)] == ["EHLO", "MAIL"]


def test_5yz_greeting_refuses_service_but_quit():
    drv = Driver(replies={"GREETING": "554 5.7.0 no service"})
    drv.run(b"EHLO c.test\r\nNOOP\r\nQUIT\r\n")
    assert drv.codes() == [554, 503, 250, 221]


def test_shutdown_and_idle_timeout_say_421(d):
    d.session.timed_out()
    assert d.session.data_to_send() == b"421 4.4.2 example.test Idle timeout, closing connection\r\n"
    assert d.session.shutdown() == b"421 4.3.2 example.test Service shutting down, closing connection\r\n"
    assert d.run(b"NOOP\r\nNOOP\r\n")[-1] == Closed("stop")


# ---------------------------------------------------------------- storing outside the session (the server's way)
class LaterConfig(SessionConfig):
    """A config that stores messages itself, as the server with a Maildir does: the session asks with Store."""

    stores_later = True


def _until_store(drv: Driver) -> Store:
    while True:
        event = drv.session.next_event()
        if isinstance(event, Store):
            return event
        assert event is not NEED_DATA, "no Store event"


def test_store_event_250_only_once_stored_and_replies_stay_in_order():
    drv = Driver(LaterConfig())
    drv.run(b"EHLO c.test\r\n")
    drv.session.receive_data(TXN + b"..x\r\n.\r\nNOOP\r\nQUIT\r\n")
    store = _until_store(drv)
    assert store.content == b".x\r\n" and store.envelope.recipients == ("bob@example.test",)
    assert store.received.startswith("Received: from c.test ([192.0.2.1])")
    assert b"250 2.0.0" not in drv.session.out  # nothing acknowledged before the store is done
    with pytest.raises(RuntimeError):
        drv.session.next_event()
    drv.session.stored(store, ())
    message = drv.session.next_event()  # the Message first, before the 250 is sent
    assert isinstance(message, Message) and message.accepted.content == b".x\r\n"
    assert message.accepted.received == store.received
    drv.run()
    assert drv.codes() == [220, 250, 250, 250, 354, 250, 250, 221]
    assert drv.replies()[5].lines[0].endswith(f"queued as {store.msg_id}")


def test_store_event_failure_gets_451_and_no_message():
    drv = Driver(LaterConfig())
    drv.session.receive_data(b"EHLO c.test\r\n" + TXN + b"x\r\n.\r\n")
    store = _until_store(drv)
    with pytest.raises(RuntimeError):
        drv.session.stored(Store(store.envelope, b"", "", "other"), ())
    drv.session.stored(store, None)
    drv.run()
    assert drv.codes()[-1] == 451 and not any(isinstance(e, Message) for e in drv.events)


# ---------------------------------------------------------------- what the server remembers
def test_history_keeps_one_budget_oldest_sessions_forgotten_first():
    from reference_servers.smtp.log import CommandRecord, History, SessionLog

    history = History(budget=10_000, count=4)
    logs = []
    for i in range(6):
        log = SessionLog(("192.0.2.1", i), 0.0)
        history.started(log)
        log.record("C", b"x" * 3000)
        log.take_command(CommandRecord(0.0, "NOOP", b"NOOP", False))
        history.ended(log)
        log.closed.set()
        logs.append(log)
    assert list(history.sessions) == logs[2:]  # the last `count`
    assert [log.forgotten for log in logs] == [True, True, True, False, False, False]  # 3 fit in 10,000
    assert logs[2].events == [] and logs[2].dropped_octets == 3000 and logs[2].dropped_commands == 1
    assert logs[5].received() == b"x" * 3000 and history.held <= 10_000
    big = SessionLog(("192.0.2.1", 9), 0.0)  # a session larger than the budget alone is kept whole
    history.started(big)
    big.record("C", b"y" * 50_000)
    history.ended(big)
    assert not big.forgotten and logs[5].forgotten
