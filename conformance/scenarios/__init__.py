"""The scenario catalog: one pytest module per protocol and role (``test_<protocol>_<role>.py``)."""
