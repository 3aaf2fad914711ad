"""The public REST webhook: Rasa's REST channel with a guard in front of it.

Rasa loads `clinic_channel.ClinicRestInput` from credentials.yml. It keeps the
URL (/webhooks/rest/webhook) and reply format of Rasa's REST channel, and adds
what a public endpoint needs: body validation with clear 4xx errors, a cut of
over-long messages, per-visitor and per-address rate limits, timeouts on the
action server, and a reply with the clinic's phone number whenever part of
the assistant fails (that turn is then logged from here, see `turn_log`).
"""

from clinic_channel.channel import ClinicRestInput

__all__ = ["ClinicRestInput"]
