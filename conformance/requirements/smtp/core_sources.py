"""The RFC sentences behind the base-protocol SMTP requirements (:mod:`.core`): for each MUST, MUST (def)
and derived row, the sentence quoted (from RFC 5321 unless named); for rows graded below MUST, why."""

#: the RFC's own sentence behind each MUST / MUST (def) / derived row (quoted from RFC 5321 unless named),
#: and, for rows graded below MUST, why
CORE_SOURCES = {
    'SMTP-LINE-2': 'RFC 5321 §2.3.8: "Conforming implementations MUST NOT recognize or generate any other character or '
                   'character sequence as a line terminator." and "SMTP client implementations MUST NOT transmit these '
                   'characters except when they are intended as line terminators". The suite treats a bare LF in a '
                   'command line as the sender\'s fault and grades a receiver that accepts it as a warning (smuggling '
                   'hygiene); a bare LF ending DATA stays a MUST failure (SMTP-DATA-4).',
    'SMTP-CMD-9': 'RFC 5321 §2.4 / §4.1.2: envelope addresses are ASCII in the grammar; sending anything else is the '
                  'client\'s fault. A server accepting 8-bit or invalid characters is liberal: warning (smuggling '
                  'hygiene: what one hop accepts unchecked another may parse differently).',
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
    'SMTP-421-2': 'RFC 5321 §4.2.1: "4yz Transient Negative Completion reply The command was not accepted, and the '
                  'requested action did not occur."; §3.8 (a 421 is followed by the server\'s close): "SMTP clients that experience a connection close, reset, or other '
                  'communications failure due to circumstances not under their control (in violation of the intent of '
                  'this specification but sometimes unavoidable) SHOULD, to maintain the robustness of the mail system, '
                  'treat the mail transaction as if a 451 response had been received and act accordingly."',
    'SMTP-CLIENT-3': 'De-facto: RFC 5321 §3.3 expects a DATA after every RCPT was refused and forbids only what follows a '
                     'refusal of it: "If there was no MAIL, or no RCPT, command, or all such commands were rejected, the '
                     'server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response '
                     'to the DATA command. If one of those replies (or any other 5yz reply) is received, the client MUST '
                     'NOT send the message data" (that MUST is SMTP-SEQ-9). Not sending DATA then saves a round trip; '
                     'no sentence requires it.',
    'SMTP-CLIENT-6': 'De-facto: RFC 5321 §4.2.1: "5yz Permanent Negative Completion reply The command was not accepted '
                     'and the requested action did not occur."; how a client tells its user is outside SMTP. The suite\'s '
                     'client contract (README "Testing your implementation") asks for a non-zero exit status when the '
                     'message was not accepted.',
    'SMTP-CLIENT-4': 'RFC 5321 §4.5.4.1: "More significantly, 5yz responses to the MAIL command MUST NOT be cached."',
    'SMTP-CLIENT-5': 'RFC 5321 §2.4: "An originating SMTP client that has not successfully negotiated an appropriate '
                     'extension with a particular server (see the next paragraph) MUST NOT transmit messages with '
                     'information in the high-order bit of octets."',
    'SMTP-HIST-2': 'RFC 5321 §2.2.1: "(However, for compatibility with older conforming implementations, SMTP clients '
                   'and servers MUST support the original HELO mechanisms as a fallback.)"',
}
