"""What every django-tables2 table of the front office shares."""

from __future__ import annotations


def cell_classes(*classes: str) -> dict[str, dict[str, str]]:
    """Column attrs giving the header and the cells the same classes (e.g. "fold-tablet")."""
    names = " ".join(classes)
    return {"th": {"class": names}, "td": {"class": names}}
