"""Custom actions of the clinic assistant, run by the rasa-sdk action server."""
