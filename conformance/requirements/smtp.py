"""SMTP requirements (RFC 5321 with RFC 821 history, SIZE RFC 1870, PIPELINING RFC 2920, 8BITMIME RFC 6152,
ENHANCEDSTATUSCODES RFC 2034), in our own words.  Section numbers are RFC 5321 unless another RFC is named."""

from dataclasses import replace

from conformance.requirements import Requirement as R

ROWS = [
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
    R('SMTP-421-2', 'client', 'MUST (4yz semantics)', '§3.8, §4.2.1',
      '421 can arrive at any time, including as the greeting or unsolicited. The client treats it as a temporary '
      'failure of the transaction and handles the following close without crashing.'),
    R('SMTP-CLIENT-LOST-1', 'client', 'SHOULD', '§3.8',
      'A connection lost mid-transaction is treated as if 451 had been received, never as success.'),
    R('SMTP-CLIENT-1', 'client', 'SHOULD / MUST (queueing MTA)', '§4.2.1, §4.5.4.1',
      '4yz is transient: the same request may succeed later. An MTA must queue and retry after a delay (≥30 min '
      'recommended, giving up after 4–5 days). A simple client reports it as retryable.'),
    R('SMTP-CLIENT-2', 'client', 'SHOULD NOT repeat', '§4.2.1',
      '5yz is permanent: the same request is not repeated unchanged. The result is reported or bounced.'),
    R('SMTP-CLIENT-3', 'client', 'derived', '§3.3',
      'If no RCPT was accepted, the client does not send DATA (unless pipelining; see SMTP-PIPE-3). If some were '
      'accepted, it continues.'),
    R('SMTP-CLIENT-4', 'client', 'MUST NOT', '§4.5.4.1',
      '5yz answers to MAIL are never cached.'),
    R('SMTP-CLIENT-5', 'client', 'MUST NOT', '§2.4',
      'Without a negotiated extension, the client sends no octets with the high bit set.'),
    R('SMTP-PIPE-1', 'client', 'MUST', 'RFC 2920 §3',
      'The client pipelines only if the EHLO reply carries PIPELINING.'),
    R('SMTP-PIPE-2', 'client', 'MUST', 'RFC 2920 §3.1 (quoted)',
      'RSET, MAIL and RCPT may appear anywhere in a batch. EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP and any extension'
      ' command may only be last. Message content may open the next batch.'),
    R('SMTP-PIPE-3', 'client', 'MUST', 'RFC 2920 §3.1 (quoted)',
      'The client checks every status in a batch. If every RCPT failed but DATA still got 354, it sends just .. If '
      'DATA was refused, RSET.'),
    R('SMTP-PIPE-12', 'client', 'SHOULD', 'RFC 2920 §3.1',
      'With PIPELINING, when every RCPT was refused but the pipelined DATA got 354, the client sends a single dot, '
      'not the content.',
      source='RFC 2920 §3.1: "If the DATA command was properly rejected the client SMTP can just issue RSET, but if '
             'the DATA command was accepted the client SMTP should send a single dot." (the MUST there is to check '
             'every status: SMTP-PIPE-3, seen in the exit status)'),
    R('SMTP-PIPE-4', 'client', 'derived', 'RFC 2920 §3.1 (deadlock discussion, not verified)',
      'The client must not deadlock: while sending large batches it keeps reading replies.'),
    R('SMTP-PIPE-5', 'server', 'MUST', 'RFC 2920 §3.2 (quoted)',
      'Commands are answered in the order received.'),
    R('SMTP-PIPE-6', 'server', 'MUST NOT', 'RFC 2920 §3.2 item (9) (quoted)',
      'The input buffer is never flushed or lost, including after a failed command and at the DATA transition.'),
    R('SMTP-PIPE-7', 'server', 'MUST', 'RFC 2920 §3.2 item (7) (quoted)',
      'Every pending response is sent as soon as the input buffer is empty, i.e. before blocking on a read.'),
    R('SMTP-PIPE-8', 'server', 'SHOULD', 'RFC 2920 §3.2 item (2) (quoted)',
      'Replies to batched RSET, MAIL and RCPT should be buffered and sent together.'),
    R('SMTP-PIPE-9', 'server', 'SHOULD / MUST NOT', 'RFC 2920 §3.2 (item text from memory)',
      'A positive DATA reply should come only if at least one RCPT was valid. After a 354 with no valid recipients '
      'and an empty message, nothing may be sent to anyone.'),
    R('SMTP-PIPE-10', 'server', 'MUST NOT', 'RFC 2920 §3.2 (from memory)',
      'Responses to EHLO, DATA, VRFY, EXPN, TURN, QUIT, NOOP and unrecognized commands are never held back in a '
      'buffer.'),
    R('SMTP-PIPE-11', 'server', 'de-facto MAY', '—',
      'A server that does not advertise PIPELINING may reject clients that talk ahead ("unauthorized pipelining"), '
      'but a reference server that advertises it must not.'),
    R('SMTP-SIZE-1', 'server', 'MUST (syntax)', 'RFC 1870 §3 (2)(3)',
      'The EHLO keyword is SIZE, with an optional decimal maximum. 0 means no fixed maximum, and an absent parameter '
      'gives no information.'),
    R('SMTP-SIZE-2', 'server', 'MUST', 'RFC 1870 §3 (4), §6',
      'MAIL FROM:<…> SIZE=<1–20 digits> is accepted. Only one SIZE parameter per command.'),
    R('SMTP-SIZE-3', 'server', 'MUST (§7 minimal server)', 'RFC 1870 §4, §6.1, §7',
      'A declared size above the fixed maximum gets 552. A temporary lack of storage gets 452.'),
    R('SMTP-SIZE-4', 'server', 'MUST (def)', 'RFC 1870 §5',
      'Message size counts the octets sent after 354, including CRLFs, but not the terminating . or the stuffing '
      'dots.'),
    R('SMTP-SIZE-5', 'server', 'MUST NOT', 'RFC 1870 §6 NOTE',
      'The SIZE value is never used to find the end of the DATA content.'),
    R('SMTP-SIZE-6', 'server', 'SHOULD NOT / MAY', 'RFC 1870 §6.3',
      'Once a size is accepted, 552 after the transfer is expected only if the real size exceeds the declaration. A '
      'somewhat larger message may still be accepted.'),
    R('SMTP-SIZE-7', 'both', 'MAY', 'RFC 1870 §6.4',
      'The server may send 452 or 552 to individual RCPTs because of size. A client may requeue after 452 but not '
      'after 552.'),
    R('SMTP-SIZE-8', 'client', 'SHOULD', 'RFC 1870 §6.2',
      'After 552 to MAIL the client sends RSET or QUIT at once and treats the message as undeliverable. After 452 it '
      'sends RSET or QUIT and retries later.'),
    R('SMTP-SIZE-9', 'client', 'SHOULD', 'RFC 1870 §7, §6',
      'The client compares the message size with the advertised maximum and does not try an oversize transfer. The '
      'declared SIZE should be ≥ the actual size.'),
    R('SMTP-SIZE-10', 'client', 'MUST', 'RFC 1870 §6.2',
      'A 250 to MAIL SIZE=… guarantees nothing: 452 or 552 may still come after DATA or at end-of-data.'),
    R('SMTP-SIZE-12', 'server', 'de-facto', 'RFC 1870 §3 (4)',
      'A MAIL command with two SIZE parameters is refused.',
      source='RFC 1870 adds "one optional parameter using the keyword SIZE" to MAIL; it binds the client and says '
             'nothing of a receiver seeing two. Refusing them is good hygiene: a warning.'),
    R('SMTP-SIZE-11', 'server', 'MUST (length)', 'RFC 1870 §3 (5)',
      'With SIZE the MAIL line may be 26 characters longer than the base limit.'),
    R('SMTP-8BIT-1', 'server', 'MUST (syntax)', 'RFC 6152 §2 (RFC 1652 §2)',
      'The EHLO keyword is 8BITMIME, with no parameter. MAIL gains BODY=7BIT or BODY=8BITMIME, with the value case-'
      'insensitive.'),
    R('SMTP-8BIT-2', 'server', 'MUST', 'RFC 6152 §3 (RFC 1652 §3)',
      'A server offering 8BITMIME preserves every bit of every octet in DATA.'),
    R('SMTP-8BIT-3', 'server', 'MUST', 'RFC 6152 §3',
      'Dot-stuffing and line-length limits still apply to 8-bit content.'),
    R('SMTP-8BIT-4', 'client', 'MUST NOT', 'RFC 6152 §3; RFC 5321 §2.4',
      'Without 8BITMIME advertised, the client never sends octets above 0x7F. It converts to 7-bit MIME (QP or '
      'base64) or fails before DATA.'),
    R('SMTP-8BIT-5', 'client', 'MUST NOT', 'RFC 5321 §4.1.1.3',
      'BODY= is never sent unless 8BITMIME (or BINARYMIME) was advertised.'),
    R('SMTP-8BIT-6', 'server', 'SHOULD', 'RFC 5321 §2.4',
      '8BITMIME does not allow 8-bit in the envelope.'),
    R('SMTP-ESC-1', 'server', 'MUST', 'RFC 2034 §3',
      'The EHLO keyword is ENHANCEDSTATUSCODES, with no parameter.'),
    R('SMTP-ESC-2', 'server', 'MUST', 'RFC 2034 §3 (4), §4',
      'Once advertised, every 2xx, 4xx and 5xx reply line except the greeting and the HELO/EHLO replies starts its '
      'text with class.subject.detail and one or more spaces. This includes every line of multi-line replies. 3xx '
      '(354) is exempt.'),
    R('SMTP-ESC-3', 'server', 'MUST', 'RFC 2034 §4',
      'The enhanced class equals the first digit of the reply code.'),
    R('SMTP-ESC-4', 'client', 'de-facto', 'RFC 5321 §4.2 (code drives action)',
      'Clients may display or log enhanced codes, but the basic reply code drives behaviour, and their absence is '
      'tolerated.'),
    R('SMTP-ESC-5', 'server', 'SHOULD', 'RFC 3463',
      'Use the registered meanings. Typical values (from memory): 2.0.0 OK, 2.1.0 sender OK, 2.1.5 recipient OK, '
      '5.1.1 bad mailbox, 5.1.3 bad address syntax, 4.5.3 or 5.5.3 too many recipients, 5.3.4 message too big, 5.5.1 '
      'invalid command, 5.5.2 syntax error, 5.5.4 invalid parameters, 4.3.1 storage full.'),
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


#: the RFC's own sentence behind each MUST / MUST (def) / derived row (quoted from RFC 5321 unless named),
#: and, for rows graded below MUST, why
SOURCES = {
    'SMTP-LINE-2': 'RFC 5321 §2.3.8: "Conforming implementations MUST NOT recognize or generate any other character or '
                   'character sequence as a line terminator." and "SMTP client implementations MUST NOT transmit these '
                   'characters except when they are intended as line terminators". The suite treats a bare LF in a '
                   'command line as the sender\'s fault and grades a receiver that accepts it as a warning (smuggling '
                   'hygiene); a bare LF ending DATA stays a MUST failure (SMTP-DATA-4).',
    'SMTP-CMD-9': 'RFC 5321 §2.4 / §4.1.2: envelope addresses are ASCII in the grammar; sending anything else is the '
                  'client\'s fault. A server accepting 8-bit or invalid characters is liberal: warning (smuggling '
                  'hygiene: what one hop accepts unchecked another may parse differently).',
    'SMTP-8BIT-6': 'RFC 6152 covers only the message content; 8-bit envelope octets need SMTPUTF8 (RFC 6531). Binds '
                   'the sender; a receiver accepting them gets a warning (see SMTP-CMD-9).',
    'SMTP-SEQ-3': 'RFC 5321 §3.3: "If there was no MAIL, or no RCPT, command, or all such commands were rejected, '
                  'the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in '
                  'response to the DATA command." and "If the verb is initially accepted and the 354 reply issued, the '
                  'DATA command should fail only if the mail transaction was incomplete (for example, no '
                  'recipients)": a 354 there is allowed, so refusing DATA is graded SHOULD; delivering the message to '
                  'somebody is SMTP-TXN-15.',
    'SMTP-TXN-11': '§4.4: "When an SMTP server receives a message for delivery or further processing, it MUST insert '
                   'trace ("time stamp" or "Received") information at the beginning of the message content, as '
                   'discussed in Section 4.1.1.4."',
    'SMTP-TXN-5': '§4.5.1: "Any system that includes an SMTP server supporting mail relaying or delivery MUST support '
                  'the reserved mailbox "postmaster" as a case-insensitive local name." ... "as well as the special '
                  'case of "RCPT TO:<Postmaster>" (with no domain specification), MUST be supported."',
    'SMTP-CMD-3': '§4.5.1: "The following commands MUST be supported to conform to this specification: EHLO HELO MAIL '
                  'RCPT DATA RSET NOOP QUIT VRFY"',
    'SMTP-CMD-4': '§4.5.1 lists NOOP among the commands that "MUST be supported"; §4.1.1.9: "This command does not '
                  'affect any parameters or previously entered commands... the receiver send a "250 OK" reply."',
    'SMTP-CMD-5': '§4.1.1.5: "The receiver MUST send a "250 OK" reply to a RSET command with no arguments." and "An '
                  'SMTP server MUST NOT close the connection as the result of receiving a RSET"',
    'SMTP-CMD-8': 'RFC 5321 §4.1.1.11: "If the server SMTP does not recognize or cannot implement one or more of the '
                  'parameters associated with a particular MAIL FROM or RCPT TO command, it will return code 555." '
                  '(descriptive, no keyword); the MUST is the client\'s, §4.1.1.3: "The client MUST NOT transmit '
                  'parameters other than those associated with a service extension offered by the server in its EHLO '
                  'response." A server that accepts an unknown parameter is liberal: graded as a warning (re-graded '
                  'in issue 10; was MUST). The code itself is SMTP-CMD-11.',
    'SMTP-CMD-1': '§2.4: "Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension name '
                  'keywords) are not case sensitive, with the sole exception in this specification of a mailbox '
                  'local-part"',
    'SMTP-TXN-7': '§2.4: "The local-part of a mailbox MUST BE treated as case sensitive. Therefore, SMTP '
                  'implementations MUST take care to preserve the case of mailbox local-parts."',
    'SMTP-EHLO-5': '§4.1.4: "If it is issued after the session begins and the EHLO command is acceptable to the SMTP '
                   'server, the SMTP server MUST clear all buffers and reset the state exactly as if a RSET command '
                   'had been issued."',
    'SMTP-EHLO-4': '§2.4: "Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension name '
                   'keywords) are not case sensitive"',
    'SMTP-QUIT-1': '§4.1.1.10: "This command specifies that the receiver MUST send a "221 OK" reply, and then close '
                   'the transmission channel."',
    'SMTP-QUIT-2': '§4.1.1.10: "The receiver MUST NOT intentionally close the transmission channel until it receives '
                   'and replies to a QUIT command (even if there was an error)."',
    'SMTP-QUIT-4': '§4.1.1.10: "The sender MUST NOT intentionally close the transmission channel until it sends a QUIT '
                   'command, and it SHOULD wait until it receives the reply" (the SHOULD part is SMTP-QUIT-5)',
    'SMTP-LIMIT-3': '§4.5.3.1.10: "If an SMTP server has an implementation limit on the number of RCPT commands and '
                    'this limit is exhausted, it MUST use a response code of 452" ... "If the server has a configured '
                    'site-policy limitation on the number of RCPT commands, it MAY instead use a 5yz response code."',
    'SMTP-SEQ-9': '§3.3: "If one of those replies (or any other 5yz reply) is received, the client MUST NOT send the '
                  'message data; more generally, message data MUST NOT be sent unless a 354 reply is received."',
    'SMTP-DATA-2': '§4.5.2: "If the line is composed of a single period, it is treated as the end of mail indicator. '
                   'If the first character is a period and there are other characters on the line, the first '
                   'character is deleted."',
    'SMTP-DATA-3': '§4.5.2: "Before sending a line of mail text, the SMTP client checks the first character of the '
                   'line. If it is a period, one additional period is inserted at the beginning of the line."',
    'SMTP-HIST-1': 'RFC 821 §4.5.2 and RFC 5321 §4.5.2 state the same procedure (see SMTP-DATA-2/3).',
    'SMTP-DATA-7': '§4.5.2: "The mail data may contain any of the 128 ASCII characters. All characters are to be '
                   'delivered to the recipient\'s mailbox, including spaces, vertical and horizontal tabs, and other '
                   'control characters."',
    'SMTP-DATA-4': '§2.3.8: "Conforming implementations MUST NOT recognize or generate any other character or '
                   'character sequence as a line terminator."; §4.1.1.4: "the end of mail data indicator ... the '
                   'character sequence "<CRLF>.<CRLF>""',
    'SMTP-DATA-5': '§2.3.8: "SMTP client implementations MUST NOT transmit these characters except when they are '
                   'intended as line terminators and then MUST, as indicated above, transmit them only as a <CRLF> '
                   'sequence."',
    'SMTP-REPLY-4': '§4.2: "An SMTP client MUST determine its actions only by the reply code, not by the text ... any '
                    'text, including no text at all ... MUST be acceptable." and "a sender-SMTP MUST be prepared to '
                    'handle codes not specified in this document and MUST do so by interpreting the first digit only."',
    'SMTP-REPLY-3': '§4.2: "In the absence of extensions negotiated with the client, SMTP servers MUST NOT send reply '
                    'codes whose first digits are other than 2, 3, 4, or 5."',
    'SMTP-CONN-1': 'RFC 5321 §3.1: "An SMTP session is initiated when a client opens a connection to a server and the '
                   'server responds with an opening message."; §4.2 (ABNF): "Greeting = ( "220 " (Domain / '
                   'address-literal) [ SP textstring ] CRLF )"',
    'SMTP-CONN-4': 'RFC 5321 §4.2: "The format for multiline replies requires that every line, except the last, begin '
                   'with the reply code, followed immediately by a hyphen, "-" (also known as minus), followed by '
                   'text."; §4.3.1: "the sender MUST wait for this response before sending further commands."',
    'SMTP-EHLO-1': 'RFC 5321 §2.2.1: "servers MUST support the EHLO command even if they do not implement any specific '
                   'extensions"; §4.1.1.1: "Following the normal syntax for multiline replies, these keywords follow the '
                   'code (250) and a hyphen for all but the last line, and the code and a space for the last line."',
    'SMTP-EHLO-2': 'RFC 5321 §4.1.1.1: "servers MUST support the HELO command and reply properly to it."; §3.2: "Servers '
                   'MUST NOT return the extended EHLO-style response to a HELO command."',
    'SMTP-EHLO-6': 'RFC 5321 §4.1.4: "An SMTP server MAY verify that the domain name argument in the EHLO command '
                   'actually corresponds to the IP address of the client. However, if the verification fails, the server '
                   'MUST NOT refuse to accept a message on that basis."',
    'SMTP-EHLO-7': 'RFC 5321 §4.2.4: "Extended SMTP systems MUST NOT list capabilities in response to EHLO for which '
                   'they will return 502 (or 500) replies."',
    'SMTP-EHLO-8': 'RFC 5321 §3.5.2: "if EXPN is supported, it MUST be listed as a service extension in an EHLO '
                   'response."',
    'SMTP-EHLO-9': 'RFC 5321 §4.1.1.1: "In any event, a client MUST issue HELO or EHLO before starting a mail '
                   'transaction." (the HELO fallback, a SHOULD, is checked as SMTP-EHLO-12)',
    'SMTP-EHLO-10': 'RFC 5321 §4.1.1.3: "The client MUST NOT transmit parameters other than those associated with a '
                    'service extension offered by the server in its EHLO response."; §4.3.1: "Unless other arrangements '
                    'are negotiated through service extensions, the sender MUST wait for this response before sending '
                    'further commands."',
    'SMTP-TXN-1': 'RFC 5321 §3.3: "This command tells the SMTP-receiver that a new mail transaction is starting and to '
                  'reset all its state tables and buffers, including any recipients or mail data."',
    'SMTP-TXN-2': 'RFC 5321 §3.3: "The first or only argument to this command includes a forward-path (normally a '
                  'mailbox and domain, always surrounded by "<" and ">" brackets) identifying one recipient."',
    'SMTP-TXN-3': 'RFC 5321 §4.1.1.4: "The receiver normally sends a 354 response to DATA, and then treats the lines '
                  '(strings ending in <CRLF> sequences, as described in Section 2.3.7) following the command as mail '
                  'data from the sender."; §6.1: "It MUST NOT lose the message for frivolous reasons"',
    'SMTP-TXN-4': 'RFC 5321 §4.1.2 (ABNF): "Reverse-path = Path / "<>""; §4.5.5: "There are several types of '
                  'notification messages that are required by existing and proposed Standards to be sent with a null '
                  'reverse-path"',
    'SMTP-TXN-6': 'RFC 5321 §4.1.2 (ABNF comment on A-d-l): "Note that this form, the so-called "source ; route", MUST '
                  'BE accepted, SHOULD NOT be ; generated, and SHOULD be ignored."; §3.3: "Servers MUST be prepared to '
                  'encounter a list of source routes in the forward-path, but they SHOULD ignore the routes or MAY '
                  'decline to support the relaying they imply." (so a refusal is allowed; a syntax error is not. '
                  'Delivering despite the route is SMTP-TXN-14)',
    'SMTP-TXN-8': 'RFC 5321 §4.1.2 (ABNF): "Local-part = Dot-string / Quoted-string"',
    'SMTP-TXN-9': 'RFC 5321 §3.3: "Since it has been a common source of errors, it is worth noting that spaces are not '
                  'permitted on either side of the colon following FROM in the MAIL command or TO in the RCPT command."',
    'SMTP-TXN-12': 'RFC 5321 §6.1: "When the receiver-SMTP accepts a piece of mail (by sending a "250 OK" message in '
                   'response to DATA), it is accepting responsibility for delivering or relaying the message. It must '
                   'take this responsibility seriously. It MUST NOT lose the message for frivolous reasons"',
    'SMTP-REPLY-1': 'RFC 5321 §4.2: "Every command MUST generate exactly one reply."',
    'SMTP-REPLY-2': 'RFC 5321 §4.2: "The format for multiline replies requires that every line, except the last, begin '
                    'with the reply code, followed immediately by a hyphen, "-" (also known as minus), followed by text. '
                    'The last line will begin with the reply code, followed immediately by <SP>, optionally some text, '
                    'and <CRLF>."',
    'SMTP-REPLY-5': 'Derived: RFC 5321 §4.2: "The format for multiline replies requires that every line, except the last, '
                    'begin with the reply code, followed immediately by a hyphen"; TCP delivers a byte stream with no '
                    'record boundaries (NET-TCP-1), so a reply is complete only at its last line, however the octets '
                    'arrive.',
    'SMTP-REPLY-6': 'RFC 5321 §4.5.3.1.5: "The maximum total length of a reply line including the reply code and the '
                    '<CRLF> is 512 octets."; §4.5.3.1: "Every implementation MUST be able to receive objects of at least '
                    'these sizes."',
    'SMTP-CMD-7': 'RFC 5321 §4.5.1: "The following commands MUST be supported to conform to this specification: EHLO '
                  'HELO MAIL RCPT DATA RSET NOOP QUIT VRFY"; §3.5.3: "A server MUST NOT return a 250 code in response '
                  'to a VRFY or EXPN command unless it has actually verified the address."',
    'SMTP-SEQ-2': 'RFC 5321 §3.3: "If a RCPT command appears without a previous MAIL command, the server MUST return a '
                  '503 "Bad sequence of commands" response."',
    'SMTP-SEQ-5': 'RFC 5321 §4.1.4: "If the transaction beginning command argument is not acceptable, a 501 failure '
                  'reply MUST be returned and the SMTP server MUST stay in the same state."',
    'SMTP-SEQ-6': 'RFC 5321 §4.1.1.4: "This processing consumes the information in the reverse-path buffer, the '
                  'forward-path buffer, and the mail data buffer, and on the completion of this command these buffers '
                  'are cleared."',
    'SMTP-SEQ-8': 'RFC 5321 §4.3.1: "Unless other arrangements are negotiated through service extensions, the sender '
                  'MUST wait for this response before sending further commands."',
    'SMTP-SEQ-10': 'RFC 5321 §3.3: "MAIL (or SEND, SOML, or SAML) MUST NOT be sent if a mail transaction is already '
                   'open"; §4.1.4: "The last command in a session MUST be the QUIT command."',
    'SMTP-DATA-1': 'Derived: RFC 5321 §4.1.1.4: "The mail data are terminated by a line containing only a period, that '
                   'is, the character sequence "<CRLF>.<CRLF>""; TCP may split that sequence across segments anywhere '
                   '(NET-TCP-1).',
    'SMTP-DATA-6': 'RFC 5321 §4.1.1.4: "An extra <CRLF> MUST NOT be added, as that would cause an empty line to be added '
                   'to the message."',
    'SMTP-DATA-8': 'RFC 5321 §4.5.3.1.6: "The maximum total length of a text line including the <CRLF> is 1000 octets '
                   '(not counting the leading dot duplicated for transparency)."; §4.5.3.1: "Every implementation MUST '
                   'be able to receive objects of at least these sizes."',
    'SMTP-DATA-9': 'RFC 5321 §4.5.3.1.7: "The maximum total length of a message content (including any message header '
                   'section as well as the message body) MUST BE at least 64K octets."',
    'SMTP-DATA-10': 'Derived: RFC 5321 §4.1.1.4: "The mail data are terminated by a line containing only a period"; what '
                    'follows the terminator is the next command (§4.3.1: "the sender issues a command and the receiver '
                    'responds with a reply"), however TCP groups the octets (NET-TCP-2).',
    'SMTP-LINE-1': 'RFC 5321 §4.1.1: "The argument clause consists of a variable-length character string ending with the '
                   'end of the line, i.e., with the character sequence <CRLF>. The receiver will take no action until '
                   'this sequence is received."',
    'SMTP-LINE-3': 'RFC 5321 §4.5.3.1.4: "The maximum total length of a command line including the command word and the '
                   '<CRLF> is 512 octets."; §4.2.3: "producing a "command too long" message for a command line shorter '
                   'than 512 characters would violate the provisions of Section 4.5.3.1.4."',
    'SMTP-LIMIT-1': 'RFC 5321 §4.5.3.1: "Every implementation MUST be able to receive objects of at least these sizes."; '
                    '§4.5.3.1.1: "The maximum total length of a user name or other local-part is 64 octets."',
    'SMTP-LIMIT-2': 'RFC 5321 §4.5.3.1.8: "The minimum total number of recipients that MUST be buffered is 100 '
                    'recipients. Rejection of messages (for excessive recipients) with fewer than 100 RCPT commands is a '
                    'violation of this specification."',
    'SMTP-LIMIT-5': 'RFC 5321 §4.5.3.1: "Objects larger than these sizes SHOULD be avoided when possible. However, some '
                    'Internet mail constructs such as encoded X.400 addresses (RFC 2156 [35]) will often require larger '
                    'objects. Clients MAY attempt to transmit these, but MUST be prepared for a server to reject them if '
                    'they cannot be handled by it."',
    'SMTP-TIMEOUT-1': 'RFC 5321 §4.5.3.2: "An SMTP client MUST provide a timeout mechanism. It MUST use per-command '
                      'timeouts rather than somehow trying to time the entire mail transaction."',
    'SMTP-QUIT-3': 'RFC 5321 §4.1.1.10: "The QUIT command may be issued at any time. Any current uncompleted mail '
                   'transaction will be aborted."; §4.1.1.4: "Receipt of the end of mail data indication requires the '
                   'server to process the stored mail transaction information."',
    'SMTP-421-2': 'RFC 5321 §4.2: "An SMTP client MUST determine its actions only by the reply code, not by the text"; '
                  '§4.2.1: "4yz Transient Negative Completion reply The command was not accepted, and the requested '
                  'action did not occur."; §3.8: "SMTP clients that experience a connection close, reset, or other '
                  'communications failure due to circumstances not under their control (in violation of the intent of '
                  'this specification but sometimes unavoidable) SHOULD, to maintain the robustness of the mail system, '
                  'treat the mail transaction as if a 451 response had been received and act accordingly."',
    'SMTP-CLIENT-3': 'Derived: RFC 5321 §3.3: "If one of those replies (or any other 5yz reply) is received, the client '
                     'MUST NOT send the message data; more generally, message data MUST NOT be sent unless a 354 reply is '
                     'received."',
    'SMTP-CLIENT-4': 'RFC 5321 §4.5.4.1: "More significantly, 5yz responses to the MAIL command MUST NOT be cached."',
    'SMTP-CLIENT-5': 'RFC 5321 §2.4: "An originating SMTP client that has not successfully negotiated an appropriate '
                     'extension with a particular server (see the next paragraph) MUST NOT transmit messages with '
                     'information in the high-order bit of octets."',
    'SMTP-8BIT-4': 'RFC 6152 §3: "If a server SMTP does not support the 8-bit MIME transport extension (either by not '
                   'responding with code 250 to the EHLO command, or by not including the EHLO keyword value 8BITMIME in '
                   'its response), then the client SMTP must not, under any circumstances, attempt to transfer a content '
                   'that contains characters outside of the US-ASCII octet range (hex 00-7F)."',
    'SMTP-8BIT-5': 'RFC 5321 §4.1.1.3: "The client MUST NOT transmit parameters other than those associated with a '
                   'service extension offered by the server in its EHLO response." (the same rule applies to MAIL '
                   'parameters, §4.1.1.2: "If service extensions were negotiated, the MAIL command may also carry '
                   'parameters associated with a particular service extension.")',
    'SMTP-HIST-2': 'RFC 5321 §2.2.1: "(However, for compatibility with older conforming implementations, SMTP clients '
                   'and servers MUST support the original HELO mechanisms as a fallback.)"',
    'SMTP-SIZE-1': 'RFC 1870 §3 (3): "one optional parameter is allowed with this EHLO keyword value, a decimal number '
                   'indicating the fixed maximum message size in bytes that the server will accept. The syntax of the '
                   'parameter is as follows, using the augmented BNF notation of [2]: size-param ::= [1*DIGIT]"',
    'SMTP-SIZE-2': 'RFC 1870 §4: "A server that supports the Message Size Declaration extension will accept the extended '
                   'version of the MAIL command described below."; §3 (4): "size-value ::= 1*20DIGIT"',
    'SMTP-SIZE-3': 'RFC 1870 §7: "Such a server must accept the extended MAIL command and return a 552 reply code if the '
                   'client\'s declared size exceeds its fixed size limit (if any), but it need not detect "temporary" '
                   'limitations on message size."',
    'SMTP-SIZE-4': 'RFC 1870 §5: "The message size is defined as the number of octets, including CR-LF pairs, but not '
                   'the SMTP DATA command\'s terminating dot or doubled quoting dots, to be transmitted by the SMTP '
                   'client after receiving reply code 354 to the DATA command." and "The fixed maximum message size is '
                   'defined as the message size of the largest message that a server is ever willing to accept."',
    'SMTP-SIZE-5': 'RFC 1870 §6: "NOTE: Servers MUST NOT use the SIZE parameter to determine end of content in the DATA '
                   'command."',
    'SMTP-SIZE-10': 'RFC 1870 §6.2: "SMTP clients using the extended MAIL command must still be prepared to handle both '
                    'temporary and permanent error reply codes (including codes 452 and 552), either immediately after '
                    'issuing the DATA command, or after transfer of the message."',
    'SMTP-SIZE-11': 'RFC 1870 §3 (5): "the maximum length of a MAIL FROM command line is increased by 26 characters by '
                    'the possible addition of the SIZE keyword and value;"',
    'SMTP-8BIT-1': 'RFC 6152 §2: "3. no parameter is used with the 8BITMIME EHLO keyword;" and "body-value = "7BIT" / '
                   '"8BITMIME""; RFC 5321 §2.4: "Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and '
                   'extension name keywords) are not case sensitive"',
    'SMTP-8BIT-2': 'RFC 6152 §3: "A server that supports the 8-bit MIME transport service extension shall preserve all '
                   'bits in each octet passed using the DATA command."',
    'SMTP-8BIT-3': 'RFC 6152 §3: "Naturally, the usual SMTP data-stuffing algorithm applies, so that a content that '
                   'contains the five-character sequence of <CR> <LF> <DOT> <CR> <LF> or a content that begins with the '
                   'three-character sequence of <DOT> <CR> <LF> does not prematurely terminate the transfer of the '
                   'content."',
    'SMTP-ESC-1': 'RFC 2034 §3: "(3) no parameter is used with the ENHANCEDSTATUSCODES EHLO keyword;"',
    'SMTP-ESC-2': 'RFC 2034 §4: "These codes must appear in all 2xx, 4xx, and 5xx response lines other than initial '
                  'greeting and any response to HELO or EHLO. Note that 3xx responses are NOT included in this list." '
                  'and "When responses are continued across multiple lines the same status code must appear at the '
                  'beginning of the text in each line of the response."',
    'SMTP-ESC-3': 'RFC 2034 §4: "All status codes returned by the server must agree with the primary response code, '
                  'that is, a 2xx response must incorporate a 2.X.X code, a 4xx response must incorporate a 4.X.X code, '
                  'and a 5xx response must incorporate a 5.X.X code."',
    'SMTP-PIPE-1': 'RFC 5321 §4.3.1: "Unless other arrangements are negotiated through service extensions, the sender '
                   'MUST wait for this response before sending further commands."; RFC 2920 §3: "If the server SMTP '
                   'responds with code 250 to the EHLO command, and the response includes the EHLO keyword value '
                   'PIPELINING, then the server SMTP has indicated that it can accommodate SMTP command pipelining."',
    'SMTP-PIPE-2': 'RFC 2920 §3.1: "The EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP commands can only appear as the '
                   'last command in a group since their success or failure produces a change of state which the client '
                   'SMTP must accommodate."; RFC 5321 §3.3: "message data MUST NOT be sent unless a 354 reply is '
                   'received."',
    'SMTP-PIPE-3': 'RFC 2920 §3.1: "Client SMTP implementations that employ pipelining MUST check ALL statuses '
                   'associated with each command in a group." (sending the content rather than a single dot after a 354 '
                   'with no accepted recipient is the "should" of SMTP-PIPE-12)',
    'SMTP-PIPE-5': 'RFC 2920 §3.2: "MUST respond to commands in the order they are received from the client."',
    'SMTP-PIPE-6': 'RFC 2920 §3.2: "MUST NOT flush or otherwise lose the contents of the TCP input buffer under any '
                   'circumstances whatsoever."',
    'SMTP-PIPE-7': 'RFC 2920 §3.2: "MUST send all pending responses immediately whenever the local TCP input buffer is '
                   'emptied."',
    'SMTP-PIPE-10': 'RFC 2920 §3.2: "MUST send all pending responses immediately whenever the local TCP input buffer is '
                    'emptied." (a NOOP sent alone leaves the input buffer empty, so its reply may not be held back)',
}
ROWS = [replace(r, source=SOURCES[r.id]) if r.id in SOURCES and not r.source else r for r in ROWS]
