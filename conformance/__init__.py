"""netconformance: conformance tests for echo, daytime, time, gopher, HTTP/1.0 and SMTP.

The package is light on purpose: importing it pulls in neither pytest nor any scenario.
"""

__version__ = "0.1.0"
