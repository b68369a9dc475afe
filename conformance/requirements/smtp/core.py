"""SMTP requirements of the base protocol (RFC 5321, with RFC 821 history), in our own words: connection,
EHLO/HELO, transactions, replies, commands, sequencing, DATA, line and size limits, timeouts, QUIT, 421 and
client behaviour; then the RFC 821 history notes.  Section numbers are RFC 5321 unless another RFC is named."""

from conformance.requirements import Requirement as R

CORE_ROWS = [
    R('SMTP-CONN-1', 'server', 'MUST', '§3.1, §4.2 Greeting ABNF, §4.3.1',
      'On connect the server sends a 220 greeting, possibly multi-line, whose first word after the code is its domain'
      ' or address literal.'),
    R('SMTP-CONN-2', 'server', 'MAY + MUST', '§3.1',
      'A server may refuse service with a 554 greeting. It must then wait for QUIT and should answer other commands '
      'with 503.'),
    R('SMTP-CONN-3', 'client', 'SHOULD', '§4.3.1',
      'Wait for the greeting before sending anything.'),
    R('SMTP-CONN-4', 'client', 'MUST', '§4.2',
      'Read multi-line greetings (and every multi-line reply) up to the line with code + SP.'),
    R('SMTP-CONN-5', 'server', 'SHOULD', '§4.5.4.2',
      'Serve several sessions at once. A one-at-a-time server does not meet the intent.'),
    R('SMTP-EHLO-1', 'server', 'MUST', '§2.2.1, §4.1.1.1',
      'Support EHLO. The 250 reply has the server domain on its first line, then one keyword (with optional params) '
      'per line, using 250- on every line but the last.'),
    R('SMTP-EHLO-2', 'server', 'MUST', '§3.2, §4.1.1.1',
      'Support HELO, and never answer it with the extended, keyword-list form.'),
    R('SMTP-EHLO-3', 'server', 'SHOULD', '§4.1.1.1 syntax, §4.3.2 (501), §4.1.4',
      'EHLO or HELO without an argument is a syntax error (501), and the session state is unchanged.'),
    R('SMTP-EHLO-4', 'both', 'MUST', '§4.1.1.1',
      'EHLO keywords are recognized case-insensitively.'),
    R('SMTP-EHLO-5', 'server', 'MUST', '§4.1.4',
      'A later, accepted EHLO resets state exactly like RSET.'),
    R('SMTP-EHLO-6', 'server', 'MUST NOT', '§4.1.4',
      'Never refuse a message because the EHLO name does not match the client IP.'),
    R('SMTP-EHLO-7', 'server', 'MUST NOT', '§4.2.4',
      'Never advertise a capability that is then answered with 500 or 502.'),
    R('SMTP-EHLO-8', 'server', 'MUST', '§3.5.2',
      'If EXPN is supported it is listed in EHLO. (VRFY may be listed.)'),
    R('SMTP-EHLO-9', 'client', 'MUST / SHOULD', '§4.1.1.1, §3.2',
      'Send EHLO (preferred) or HELO before MAIL. If EHLO is rejected as unrecognized, fall back to HELO.'),
    R('SMTP-EHLO-10', 'client', 'MUST NOT', '§4.1.1.3, §2.2.1',
      'Never use parameters or commands of an extension the server did not advertise.'),
    R('SMTP-EHLO-11', 'client', 'SHOULD', '§4.1.1.1, §4.1.4',
      "The EHLO argument is the client's FQDN or, failing that, an address literal ([127.0.0.1])."),
    R('SMTP-EHLO-12', 'client', 'SHOULD', '§3.2',
      'If EHLO is answered "command not recognized", the client falls back to HELO.',
      source='RFC 5321 §3.2: "For a particular connection attempt, if the server returns a "command not recognized" '
             'response to EHLO, the client SHOULD be able to fall back and send HELO."'),
    R('SMTP-TXN-1', 'server', 'MUST (def)', '§3.3, §4.1.1.2',
      'MAIL FROM:<reverse-path> starts a transaction, clears the buffers and gets 250 if accepted.'),
    R('SMTP-TXN-2', 'server', 'MUST (def)', '§3.3, §4.1.1.3',
      'Each RCPT TO:<forward-path> names one recipient and gets its own reply: 250 or 251 if accepted, 550 etc. if '
      'not.'),
    R('SMTP-TXN-3', 'server', 'MUST (def)', '§3.3, §4.1.1.4',
      'DATA → 354. Lines follow until end-of-data, then exactly one final reply: 250 (responsibility taken) or a '
      'failure. There is no partial success.'),
    R('SMTP-TXN-4', 'server', 'MUST', '§4.1.2 grammar, §3.6.3, §4.5.5, §6.1',
      'The null reverse-path MAIL FROM:<> (used by bounces and DSNs) is accepted. The server never sends a bounce to '
      '<>.'),
    R('SMTP-TXN-5', 'server', 'MUST', '§4.5.1, §4.1.1.3 ABNF',
      'A delivering server accepts RCPT TO:<Postmaster> (no domain) and postmaster@<its domains>, case-insensitively.'),
    R('SMTP-TXN-6', 'server', 'MUST', '§4.1.2 A-d-l, §4.1.1.3, §3.6.1',
      'Source-route syntax <@relay,@hop:user@dom> is accepted, and the route should be ignored.'),
    R('SMTP-TXN-7', 'server', 'MUST', '§2.4',
      'Local-part case is preserved end to end. Domains are case-insensitive.'),
    R('SMTP-TXN-8', 'server', 'MUST (parse)', '§4.1.2 Quoted-string',
      'Quoted local-parts are syntactically valid and must not be rejected with 501.'),
    R('SMTP-TXN-9', 'client', 'MUST', '§3.3',
      'No spaces around the colon: MAIL FROM:<…>, RCPT TO:<…>, and paths always in angle brackets.'),
    R('SMTP-TXN-10', 'server', 'de-facto MAY', '§3.3 (notes the practice)',
      'Many real clients send MAIL FROM: <x>. Tolerating it is a local decision; strict 501 is also conformant.'),
    R('SMTP-TXN-11', 'server', 'MUST', '§4.4, §4.1.1.4',
      'On acceptance the server prepends a Received: trace line. Its FROM clause has the EHLO name and the connecting'
      ' IP literal (SHOULD). Existing Received lines are never reordered or changed.'),
    R('SMTP-TXN-13', 'server', 'de-facto', '§3.6.1, §7.1 (local policy)',
      'A final-delivery host refuses recipients in domains it does not serve (no open relay).',
      source='Local policy: which domains a host accepts mail for, and whether it relays, is site configuration '
             '(RFC 5321 §3.6.1, §7.1); a host that stores everything locally may accept every domain. Graded as a '
             'warning.'),
    R('SMTP-TXN-14', 'server', 'SHOULD', '§3.3, §3.6.1',
      'A source-routed recipient <@hop,@hop:user@domain> is accepted and the message goes to user@domain (the route '
      'is ignored).',
      source='RFC 5321 §3.6.1: "When route information is encountered, SMTP servers MAY ignore the route information '
             'and simply send to the final destination specified as the last element in the route and SHOULD do so." '
             '§3.3 also lets a server "decline to support the relaying they imply": a refusal is a warning.'),
    R('SMTP-TXN-15', 'server', 'derived', '§3.3, §4.1.1.4',
      'A message is delivered only to the recipients accepted in its transaction: with none, to nobody.',
      source='Derived from the buffers that define a transaction: RFC 5321 §4.1.1.4: "This processing consumes the '
             'information in the reverse-path buffer, the forward-path buffer, and the mail data buffer, and on the '
             'completion of this command these buffers are cleared."; §3.3: RCPT "includes a forward-path (normally a '
             'mailbox and domain, always surrounded by "<" and ">" brackets) identifying one recipient."'),
    R('SMTP-TXN-12', 'server', 'MUST', '§4.2.5, §6.1',
      'After 250 to end-of-data the message is not lost. After a 4yz or 5yz there, it must not be delivered.'),
    R('SMTP-REPLY-1', 'server', 'MUST', '§4.2',
      'Every command produces exactly one reply (which may be multi-line).'),
    R('SMTP-REPLY-2', 'server', 'MUST', '§4.2, §4.2.1',
      'Reply syntax is 3 digits, then SP or -, then text, then CRLF. In multi-line replies every line but the last '
      'uses -, the last uses SP, and every line carries the same code.'),
    R('SMTP-REPLY-3', 'server', 'MUST', '§4.2, §4.3.2',
      'Unless an extension says otherwise, the first digit is 2–5 and codes are exactly 3 digits.'),
    R('SMTP-REPLY-4', 'client', 'MUST', '§4.2, §4.2.1, §4.3.2',
      'The client acts on the code, not the text. Unknown codes are interpreted by their first digit. A missing text '
      'or missing SP after the code is accepted.'),
    R('SMTP-REPLY-5', 'client', 'derived', '§4.2 + NET-TCP-1/2',
      'Multi-line replies can be split across reads or share a read with the next reply. The client completes a reply'
      ' only at its final line and keeps the surplus.'),
    R('SMTP-REPLY-6', 'both', 'MUST', '§4.5.3.1.5',
      'Reply lines are at most 512 octets including code and CRLF. Servers stay within that, and clients accept lines'
      ' of that length.'),
    R('SMTP-REPLY-7', 'server', 'SHOULD / MUST (text parsed)', '§4.2, §4.3.1',
      "The text of 220, 221 and 421 is machine-parsed and starts with the server's domain."),
    R('SMTP-CMD-1', 'server', 'MUST', '§2.4',
      'Verbs and argument keywords (FROM:, TO:) are case-insensitive.'),
    R('SMTP-CMD-2', 'server', 'retired', '§3.8, §4.2.4',
      'An unknown command gets 500 and the session continues. 502 means recognized but not implemented.',
      source='Retired (issue 10): RFC 5321 §4.2.4 makes the exact code a SHOULD ("If the command is not recognized, '
             'code 500 SHOULD be returned."). Split into SMTP-CMD-13 (a negative reply, the session goes on) and '
             'SMTP-CMD-11 (the code 500).'),
    R('SMTP-CMD-13', 'server', 'MUST', '§4.2, §4.2.1, §3.8',
      'An unknown command or a garbage line gets exactly one negative (4yz or 5yz) reply, and the session goes on '
      '(or the server says 421 and closes).',
      source='RFC 5321 §4.2: "Every command MUST generate exactly one reply."; §4.2.1: "5yz Permanent Negative '
             'Completion reply The command was not accepted and the requested action did not occur."; §4.1.1.10: '
             '"The receiver MUST NOT intentionally close the transmission channel until it receives and replies to a '
             'QUIT command (even if there was an error)." (§3.8 allows closing after a 421)'),
    R('SMTP-CMD-3', 'server', 'MUST', '§4.5.1',
      'The minimum command set is EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT and VRFY.'),
    R('SMTP-CMD-4', 'server', 'MUST', '§4.1.1.9, §4.1.4',
      'NOOP → 250 at any time, including before EHLO. An argument is ignored.'),
    R('SMTP-CMD-5', 'server', 'MUST', '§4.1.1.5',
      'RSET → 250. It discards the transaction and never closes the connection.'),
    R('SMTP-CMD-6', 'server', 'SHOULD', '§4.3.2',
      'DATA, RSET and QUIT take no arguments. With arguments (and no extension) they get 501.'),
    R('SMTP-CMD-7', 'server', 'MUST (support) / MAY (disable)', '§3.5.1, §3.5.2, §4.3.2',
      'VRFY is recognized. Possible answers are 250, 251 or 252 (252 when it will not verify), or 550, 551, 553, 502 '
      'or 504. A 250 includes the mailbox as <local@domain>, optionally preceded by a name.'),
    R('SMTP-CMD-8', 'server', 'SHOULD (refuse; MUST binds the client)', '§4.1.1.11, §4.1.1.3',
      'Unrecognized MAIL or RCPT parameters get 555. A temporary inability to handle them gets 455.'),
    R('SMTP-CMD-9', 'server', 'SHOULD', '§4.1.2 (501), §2.4 (500 "invalid character")',
      'Non-ASCII or invalid characters in envelope commands, absent an extension allowing them, are rejected.'),
    R('SMTP-CMD-10', 'server', 'SHOULD', '§4.1.1.8',
      'HELP without an argument is supported and answers 211 or 214.'),
    R('SMTP-CMD-11', 'server', 'SHOULD', '§4.2.1, §4.2.2, §4.3.2',
      'Pick the right 5yz: 500 for an unrecognized command or a line too long, 501 for bad syntax in arguments, 502 '
      'for a recognized but unimplemented command, 504 for an implemented command asked for an unimplemented '
      'parameter, 503 for bad sequence.'),
    R('SMTP-SEQ-1', 'server', 'SHOULD (503)', '§4.1.4, §4.1.1.1',
      'A session carrying mail must start with EHLO or HELO. MAIL before that gets 503.'),
    R('SMTP-SEQ-2', 'server', 'MUST', '§3.3',
      'RCPT without a preceding MAIL gets 503.'),
    R('SMTP-SEQ-3', 'server', 'SHOULD (no 354; 503 or 554 MAY)', '§3.3',
      'DATA with no MAIL, no RCPT, or only rejected RCPTs gets 503 or 554, never 354.'),
    R('SMTP-SEQ-4', 'server', 'SHOULD (503)', '§4.1.4',
      'MAIL while a transaction is open is out of sequence. Expect 503 with state unchanged.'),
    R('SMTP-SEQ-5', 'server', 'MUST', '§4.1.4',
      'After a 501 or 503 the server stays in the state it was in.'),
    R('SMTP-SEQ-6', 'server', 'MUST', '§4.1.1.4, §4.1.1.2',
      'After end-of-data all buffers are cleared. The next transaction starts empty.'),
    R('SMTP-SEQ-7', 'server', 'SHOULD', '§4.1.4',
      'NOOP, HELP, EXPN, VRFY and RSET work before EHLO (no 503).'),
    R('SMTP-SEQ-8', 'client', 'MUST', '§4.3.1',
      'Without PIPELINING the client waits for each reply before the next command.'),
    R('SMTP-SEQ-9', 'client', 'MUST', '§3.3',
      'Message data is sent only after 354. After a 5yz (or any non-354) to DATA, no content is sent.'),
    R('SMTP-SEQ-10', 'client', 'MUST', '§4.1.4',
      'The client never sends MAIL while a transaction is open, and ends the session with QUIT.'),
    R('SMTP-DATA-1', 'server', 'derived', '§4.1.1.4 + NET-TCP-1',
      'End-of-data <CRLF>.<CRLF> is recognized whatever the segmentation.'),
    R('SMTP-DATA-2', 'server', 'MUST', '§4.5.2; RFC 821 §4.5.2',
      'A received line that is exactly . ends the data. For any other line starting with ., the first . is removed.'),
    R('SMTP-DATA-3', 'client', 'MUST', '§4.5.2',
      'Before sending, the client doubles the leading . of every line that starts with one.'),
    R('SMTP-DATA-4', 'server', 'MUST NOT', '§4.1.1.4, §2.3.8',
      'Bare LF is not a line terminator. <LF>.<LF> (and the mixed \\r\\n.\\n / \\n.\\r\\n) must not end the data. The '
      'server may reject a message containing bare LF, but must never split it.'),
    R('SMTP-DATA-5', 'client', 'MUST', '§2.3.8, §4.1.1.4',
      'The client sends no bare CR or LF and converts line ends to CRLF.'),
    R('SMTP-DATA-6', 'client', 'MUST', '§4.1.1.4',
      'No extra CRLF is added before the terminator. A message that lacks a final CRLF is either rejected or given '
      'one.'),
    R('SMTP-DATA-7', 'server', 'MUST', '§4.5.2, §4.1.1.4',
      'All 128 ASCII codes, including HT, VT, FF and other controls, are delivered unchanged. Any local '
      'transformation must be reversible.'),
    R('SMTP-DATA-8', 'server', 'MUST', '§4.5.3.1.6, §4.5.3.1.9',
      'Text lines of up to 1000 octets including CRLF (not counting a stuffing dot) are accepted intact. Longer ones '
      'may be refused with a 5yz but are never silently split, truncated, or able to crash the server.'),
    R('SMTP-DATA-9', 'server', 'MUST', '§4.5.3.1.7',
      'Message content of at least 64 KiB is accepted.'),
    R('SMTP-DATA-10', 'server', 'derived', '§4.1.1.4 + NET-TCP-2',
      'Bytes after end-of-data in the same segment (QUIT, or the next MAIL) are commands and must be processed.'),
    R('SMTP-LINE-1', 'server', 'MUST', '§2.4',
      'The server takes no action on a command until its CRLF arrives.'),
    R('SMTP-LINE-2', 'server', 'SHOULD', '§2.3.8',
      'Only CRLF ends a command line. Bare LF is not recognized. (Many production MTAs are lenient; our reference '
      'server is strict.)'),
    R('SMTP-LINE-3', 'server', 'MUST', '§4.5.3.1.4, §4.3.2',
      'Command lines of up to 512 octets including CRLF are accepted. "Too long" (500) is only allowed above that, '
      'and the server survives any length.'),
    R('SMTP-LIMIT-1', 'server', 'MUST', '§4.5.3.1.1–3',
      'Local-parts of 64 octets, domains of 255 and paths of 256 must be receivable.'),
    R('SMTP-LIMIT-2', 'server', 'MUST', '§4.5.3.1.8',
      'At least 100 recipients are buffered. Rejecting a message for having too many recipients when it has fewer '
      'than 100 is a violation.'),
    R('SMTP-LIMIT-3', 'server', 'MUST', '§4.5.3.1.8, §4.5.3.1.10',
      "When the implementation's recipient limit is exhausted the reply is 452 (not 552). Recipients already accepted"
      ' are kept.'),
    R('SMTP-LIMIT-4', 'client', 'SHOULD', '§4.5.3.1.8, §4.5.3.1.10',
      'The client is ready to send in chunks of 100 recipients when it gets 452, and treats a 552 for "too many '
      'recipients" as temporary.'),
    R('SMTP-LIMIT-5', 'client', 'MUST', '§4.5.3.1',
      'A client sending objects over these sizes must be prepared for rejection.'),
    R('SMTP-TIMEOUT-1', 'client', 'MUST', '§4.5.3.2',
      'The client has per-command timeouts (not one for the whole transaction), and they are reconfigurable.'),
    R('SMTP-TIMEOUT-2', 'client', 'SHOULD', '§4.5.3.2.1–6',
      'Default minimums: greeting 5 min, MAIL 5, RCPT 5, DATA initiation 2, each data block 3, DATA termination '
      '(waiting for 250 after .) 10.'),
    R('SMTP-TIMEOUT-3', 'server', 'SHOULD', '§4.5.3.2.7, §3.8',
      'The server waits at least 5 min for the next command, then may close. Sending 421 first is good practice (de-'
      'facto).'),
    R('SMTP-QUIT-1', 'server', 'MUST', '§4.1.1.10, §3.8',
      'QUIT → 221, then the server closes.'),
    R('SMTP-QUIT-2', 'server', 'MUST NOT', '§3.8, §4.1.1.10',
      'The server closes only after QUIT/221, after a 421, or on timeout. Never because of an error or an unknown '
      'command.'),
    R('SMTP-QUIT-3', 'server', 'MUST', '§4.1.1.10',
      'QUIT (or a dropped connection) mid-transaction cancels it. Nothing partial is delivered. Completed '
      'transactions stand.'),
    R('SMTP-QUIT-4', 'client', 'MUST / SHOULD', '§4.1.1.10, §4.1.4',
      'The client ends with QUIT and should wait for 221 before closing.'),
    R('SMTP-QUIT-5', 'client', 'SHOULD', '§4.1.1.10',
      'After QUIT the client waits for the 221 reply before closing.',
      source='RFC 5321 §4.1.1.10: "The sender MUST NOT intentionally close the transmission channel until it sends '
             'a QUIT command, and it SHOULD wait until it receives the reply (even if there was an error response to '
             'a previous command)."'),
    R('SMTP-421-1', 'server', 'SHOULD', '§3.8, §4.2.2',
      'A server shutting down replies 421 (to the next command, or without being asked) and closes.'),
    R('SMTP-421-2', 'client', 'SHOULD', '§3.8, §4.2.1',
      '421 can arrive at any time, including as the greeting or unsolicited. The client treats it as a temporary '
      'failure of the transaction and handles the following close without crashing. (The close that follows is '
      '§3.8\'s SHOULD; no MUST says how a client reports a 4yz.)'),
    R('SMTP-CLIENT-LOST-1', 'client', 'SHOULD', '§3.8',
      'A connection lost mid-transaction is treated as if 451 had been received, never as success.'),
    R('SMTP-CLIENT-1', 'client', 'SHOULD / MUST (queueing MTA)', '§4.2.1, §4.5.4.1',
      '4yz is transient: the same request may succeed later. An MTA must queue and retry after a delay (≥30 min '
      'recommended, giving up after 4–5 days). A simple client reports it as retryable.'),
    R('SMTP-CLIENT-2', 'client', 'SHOULD NOT repeat', '§4.2.1',
      '5yz is permanent: the same request is not repeated unchanged. The result is reported or bounced.'),
    R('SMTP-CLIENT-3', 'client', 'de-facto', '§3.3',
      'If no RCPT was accepted, the client does not go on with DATA (unless pipelining; see SMTP-PIPE-3) but sends '
      'RSET or QUIT; if some were accepted, it continues. The RFC anticipates a DATA after every RCPT was refused '
      '(the server MAY answer 503 or 554) and forbids only the message data (SMTP-SEQ-9).'),
    R('SMTP-CLIENT-4', 'client', 'MUST NOT', '§4.5.4.1',
      '5yz answers to MAIL are never cached.'),
    R('SMTP-CLIENT-5', 'client', 'MUST NOT', '§2.4',
      'Without a negotiated extension, the client sends no octets with the high bit set.'),
    R('SMTP-CLIENT-6', 'client', 'de-facto', '§4.2.1',
      'A message the server did not accept (every recipient refused, DATA refused, the session given up) is reported '
      'as not sent: under the suite\'s client contract, a non-zero exit status. RFC 5321 says what a refusal means, '
      'not how a client tells its user.'),
]

HISTORY_ROWS = [
    R('SMTP-HIST-1', 'both', 'MUST', 'RFC 821 §4.5.2 = RFC 5321 §4.5.2',
      'The transparency (dot-stuffing) rules are unchanged since 1982.'),
    R('SMTP-HIST-2', 'server', 'MUST', 'RFC 5321 §2.2.1, §4.1.1.1',
      'RFC 821 clients know only HELO, so HELO remains mandatory. EHLO came with the extension framework (RFC 1869, '
      'obsoleted by RFC 2821 ✓ and then RFC 5321).'),
    R('SMTP-HIST-3', 'both', 'note', 'RFC 821 §4.5.3 (section title verified, numbers), RFC 5321 §4.5.3.1',
      'The limits come from RFC 821: local-part 64, path 256, command 512, reply 512, text line 1000, 100 recipients.'
      ' The domain limit is 255 in RFC 5321 (64 in RFC 821, from memory).'),
    R('SMTP-HIST-4', 'client', 'SHOULD', 'RFC 5321 §4.5.3.1.10',
      'RFC 821 wrongly listed 552 for "too many recipients". Treat that 552 as temporary.'),
    R('SMTP-HIST-5', 'server', 'note', 'RFC 5321 §3.5.2, §4.1.4',
      'VRFY was optional in RFC 821 and is mandatory since RFC 1123. SEND, SOML and SAML are obsolete, and TURN is '
      'unused. A server may answer them with 502.'),
]
