"""`python -m clinic_launch` (`make run`): the assistant, in the foreground."""

from clinic_launch.run import main

raise SystemExit(main())
