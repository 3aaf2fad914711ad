"""The channel's limits, read from its section of credentials.yml.

    clinic_channel.ClinicRestInput:
      per_sender_per_minute: 20
      per_address_per_minute: 120
      action_timeout_s: 10
      turn_timeout_s: 25
      parse_cache_size: 2000

Every key is optional; a bad value stops Rasa at start-up with a clear error
rather than serving with a limit nobody chose.
"""

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from clinic_rasa import SeamSettings, parse_cache
from clinic_rasa.action_timeout import DEFAULT_ACTION_TIMEOUT_S

# The channel's section name in credentials.yml: the class Rasa loads.
SECTION = "clinic_channel.ClinicRestInput"

# Marks a setting whose 0 switches its feature off instead of being refused.
ZERO_TURNS_OFF = "zero_turns_off"


@dataclass(frozen=True)
class ChannelSettings:
    """Rate limits and timeouts of the public webhook."""

    # A visitor types a few messages a minute; 20 leaves room for quick replies.
    per_sender_per_minute: int = 20
    # Several visitors may share an address (a clinic, a care home).
    per_address_per_minute: int = 120
    # How long one custom action may take before Rasa gives up on it.
    action_timeout_s: float = DEFAULT_ACTION_TIMEOUT_S
    # How long a whole turn may take before the visitor gets the phone number.
    turn_timeout_s: float = 25.0
    # Texts whose NLU reading is kept in memory (clinic_rasa.parse_cache); 0: off.
    parse_cache_size: int = field(
        default=parse_cache.DEFAULT_SIZE, metadata={ZERO_TURNS_OFF: True}
    )

    def __post_init__(self) -> None:
        """Refuses limits that would switch the guard off or never answer."""
        for setting in fields(self):
            value = getattr(self, setting.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{setting.name} must be a number, got {value!r}")
            if value < 0 or (value == 0 and not setting.metadata.get(ZERO_TURNS_OFF)):
                raise ValueError(f"{setting.name} must be positive, got {value!r}")

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]]
    ) -> "ChannelSettings":
        """Settings from the channel's credentials.yml section (None: defaults)."""
        given = dict(credentials or {})
        known = {setting.name for setting in fields(cls)}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValueError(f"unknown channel settings: {', '.join(unknown)}")
        return cls(**given)

    @classmethod
    def from_credentials_file(cls, path: Path) -> "ChannelSettings":
        """Settings from the channel's section of a credentials file, if it has one."""
        if not path.is_file():
            return cls()
        credentials = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_credentials(credentials.get(SECTION))

    def seam(self) -> SeamSettings:
        """The part of these settings the Rasa seam applies to the whole process."""
        return SeamSettings(self.action_timeout_s, self.parse_cache_size)
