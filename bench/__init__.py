"""The benchmark: answer quality and speed of the assistant next to a stock Rasa bot."""
