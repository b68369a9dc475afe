"""SMTP requirements of the service extensions, in our own words: PIPELINING (RFC 2920), SIZE (RFC 1870),
8BITMIME (RFC 6152) and ENHANCEDSTATUSCODES (RFC 2034, RFC 3463), with the RFC sentences behind them."""

from conformance.requirements import Requirement as R

EXTENSION_ROWS = [
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
]


#: the RFC's own sentence behind each MUST / MUST (def) / derived extension row, and, for rows graded below
#: MUST, why
EXTENSION_SOURCES = {
    'SMTP-8BIT-6': 'RFC 6152 covers only the message content; 8-bit envelope octets need SMTPUTF8 (RFC 6531). Binds '
                   'the sender; a receiver accepting them gets a warning (see SMTP-CMD-9).',
    'SMTP-8BIT-4': 'RFC 6152 §3: "If a server SMTP does not support the 8-bit MIME transport extension (either by not '
                   'responding with code 250 to the EHLO command, or by not including the EHLO keyword value 8BITMIME in '
                   'its response), then the client SMTP must not, under any circumstances, attempt to transfer a content '
                   'that contains characters outside of the US-ASCII octet range (hex 00-7F)."',
    'SMTP-8BIT-5': 'RFC 5321 §4.1.1.3: "The client MUST NOT transmit parameters other than those associated with a '
                   'service extension offered by the server in its EHLO response." (the same rule applies to MAIL '
                   'parameters, §4.1.1.2: "If service extensions were negotiated, the MAIL command may also carry '
                   'parameters associated with a particular service extension.")',
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
