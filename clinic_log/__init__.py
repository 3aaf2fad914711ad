"""The conversation log: what visitors asked, what they got, and callback requests.

The one place that reads and writes the log. The action server hands it plain
records (`clinic_log.records`) through a background writer; staff tools read it
through `clinic_log.repository`. Schema changes go through Alembic
(`migrations/`), never `create_all`, so existing logs survive upgrades.
"""
