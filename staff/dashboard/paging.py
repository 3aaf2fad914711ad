"""Pages of a long list: which rows a `?page=N` asks for, and the links around it."""

from dataclasses import dataclass

from flask import abort, request

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of `total` rows, `size` rows a page."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size

    @property
    def count(self) -> int:
        """How many pages there are (at least one, if empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        """The 1-based number of the page's first row (0 when there are none)."""
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        """The 1-based number of the page's last row."""
        return min(self.offset + self.size, self.total)


def requested_page() -> int:
    """The `page` query argument, 1 if absent; anything else than 1, 2, ... is a 400."""
    value = request.args.get("page", "1").strip()
    if not value.isdigit() or int(value) < 1 or len(value) > 9:
        abort(400, "page must be a whole number from 1")
    return int(value)
