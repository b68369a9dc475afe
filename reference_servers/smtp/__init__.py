"""SMTP (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES).

* :mod:`.wire`: the sans-I/O wire format (command lines, paths, replies, DATA content), one namespace;
* :mod:`.session` (with :mod:`.verbs` and :mod:`.events`): the server session state machine, sans-I/O;
* :mod:`.server`: the asyncio reference server around it (:class:`SmtpServer`, one pump per connection);
* :mod:`.behaviour`: misbehaviours for client scenarios; :mod:`.log`: what each session saw;
* :mod:`.delivery`: Maildir delivery and the trace fields; :mod:`.client`: the reference client.
"""
