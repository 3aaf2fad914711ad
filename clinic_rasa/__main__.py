"""`python -m clinic_rasa ARGS`: Rasa's own command line, with the seam installed first.

    python -m clinic_rasa run --model models/M.tar.gz --credentials credentials.yml
    python -m clinic_rasa shell --model models
    python -m clinic_rasa test core --model models/M.tar.gz --stories tests/...

The one launcher of Rasa in this project (clinic_launch/run.py, the tests, the
benchmark and the cluster all start Rasa this way), so a terminal chat, a test
run and the served assistant get the same action timeout, NLU cache, reply
validation and failure watch. Settings come from the channel's section of the
credentials file the command names (default credentials.yml). Forked Sanic
workers inherit the installed patches.
"""

import sys
from pathlib import Path
from typing import List, Optional

from clinic_channel.settings import ChannelSettings
from clinic_rasa import IncompatibleRasa, install

DEFAULT_CREDENTIALS = Path("credentials.yml")


def credentials_path(arguments: List[str]) -> Path:
    """The file after --credentials, as Rasa will read it; credentials.yml if none."""
    for index, argument in enumerate(arguments):
        if argument == "--credentials" and index + 1 < len(arguments):
            return Path(arguments[index + 1])
        if argument.startswith("--credentials="):
            return Path(argument.split("=", 1)[1])
    return DEFAULT_CREDENTIALS


def main(arguments: Optional[List[str]] = None) -> None:
    """Installs the seam, then hands the same arguments to Rasa's command line."""
    arguments = sys.argv[1:] if arguments is None else arguments
    try:
        settings = ChannelSettings.from_credentials_file(credentials_path(arguments))
        print(install(settings.seam()), file=sys.stderr, flush=True)
    except (IncompatibleRasa, ValueError) as error:
        sys.exit(f"error: {error}")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
