"""E-mail to clinic staff: new callback requests, a test message, a daily summary.

Off unless SMTP_HOST is set (see `settings`). The sender (`sender.Sender`)
runs as a process of its own, reading the log database, so a slow or absent
mail server never touches a visitor's turn.
"""
