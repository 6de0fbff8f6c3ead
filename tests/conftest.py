"""Settings for every test folder."""

from __future__ import annotations

from hypothesis import settings

# Property tests check values, not speed: on a loaded CI machine hypothesis's default 200 ms
# deadline per example failed a parser test that takes 2 ms when idle.
settings.register_profile("wijkkracht", deadline=None, print_blob=True)
settings.load_profile("wijkkracht")
