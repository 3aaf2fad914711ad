"""What the tests share: builders of log records, real servers, and their clients."""
