"""What the browser tests share: paths, Chromium's flags, the page server."""

import shutil
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.support.servers import AssistantServers

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
# What Debian's Chromium needs to run headless as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "results" / "screenshots"
PAGE_BOT_URL = 'data-bot-url="http://localhost:5005"'
SETUP_HINT = "run scripts/ensure_chromium.sh (as root) first"
DESKTOP = {"width": 1280, "height": 800}


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class WebServer:
    """The static server and the folder it serves."""

    origin: str
    root: Path

    def publish(self, site: str, bot_url: str) -> str:
        """Copies web/ to `site`/ with the widget pointed at `bot_url`; its URL."""
        folder = self.root / site
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(WEB, folder)
        page = (WEB / "index.html").read_text(encoding="utf-8")
        assert page.count(PAGE_BOT_URL) == 1, "web/index.html changed its script tag"
        rewritten = page.replace(PAGE_BOT_URL, f'data-bot-url="{bot_url}"')
        (folder / "index.html").write_text(rewritten, encoding="utf-8")
        return f"{self.origin}/{site}/index.html"


@dataclass
class LiveAssistant:
    """The real assistant behind the page, and the database it logs to."""

    servers: AssistantServers
    database_url: str
