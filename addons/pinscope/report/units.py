"""Numbers for people in every report form: durations rounded to what a reader can use."""

from __future__ import annotations


def _trim(number: float, digits: int) -> str:
    """`12.0` -> `12`, `1.50` -> `1.5`."""
    text = f"{number:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration(seconds: float) -> str:
    """`14 ms`, `2.3 s`, `45 s`, `12.5 min`, `3.2 h`: two or three significant figures at most."""
    seconds = abs(seconds)
    if seconds == 0:
        return "0 s"
    if seconds < 0.001:
        return "under 1 ms"
    if seconds < 0.9995:  # what would round to 1000 ms reads as 1 s
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{_trim(seconds, 1)} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{_trim(seconds / 60, 1)} min"
    return f"{_trim(seconds / 3600, 1)} h"
