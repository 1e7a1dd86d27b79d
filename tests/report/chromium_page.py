"""Opening a page in headless Chromium, network off, and reporting what it loaded.

Chromium is driven through its DevTools protocol over a local websocket (websocket-client); no
browser is downloaded: the system's ``chromium`` is started with ``--remote-debugging-port=0`` and
the port is read from the ``DevToolsActivePort`` file it writes in its fresh profile folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]

PAGE_FACTS = """JSON.stringify({
  images: Array.from(document.images).map(img => ({
    src: img.currentSrc.slice(0, 30), complete: img.complete, naturalWidth: img.naturalWidth})),
  math: Array.from(document.querySelectorAll("math")).map(m => {
    const box = m.getBoundingClientRect(); return {width: box.width, height: box.height}; }),
  title: document.title,
})"""


@dataclass(frozen=True)
class PageFacts:
    """What the browser saw: each image's load state, each ``<math>`` box, and any errors."""

    title: str
    images: list[dict[str, Any]]
    math_boxes: list[dict[str, float]]
    errors: list[str]


def chromium_path() -> str | None:
    """The system's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class DevToolsSession:
    """A headless Chromium with one page target, driven over the DevTools protocol."""

    def __init__(self, executable: str) -> None:
        import websocket

        self._profile = tempfile.TemporaryDirectory(prefix="statlab-chromium-")
        self._process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port, browser_path = self._read_devtools_port(
            Path(self._profile.name) / "DevToolsActivePort"
        )
        self._socket = websocket.create_connection(
            f"ws://127.0.0.1:{port}{browser_path}", timeout=60, suppress_origin=True
        )
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)
        self.send(
            "Network.emulateNetworkConditions",
            session=True,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )

    def _read_devtools_port(self, port_file: Path) -> tuple[str, str]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self._process.returncode}")
            if port_file.is_file():
                lines = port_file.read_text().split()
                if len(lines) == 2:
                    return lines[0], lines[1]
            time.sleep(0.05)
        raise TimeoutError("chromium did not write DevToolsActivePort within 60 s")

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv())
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for_event(self, method: str, timeout: float = 60) -> dict[str, Any]:
        """Wait for the page's next ``method`` event."""
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while time.monotonic() < deadline:
            event = json.loads(self._socket.recv())
            self.events.append(event)
            if event.get("method") == method:
                return event
        raise TimeoutError(f"no {method} within {timeout} s")

    def open(self, page: Path) -> PageFacts:
        """Load ``page`` (a local file) and report what it shows and any errors it raised."""
        self.events.clear()
        self.send("Page.navigate", session=True, url=page.resolve().as_uri())
        self.wait_for_event("Page.loadEventFired")
        facts = json.loads(
            self.send("Runtime.evaluate", session=True, expression=PAGE_FACTS, returnByValue=True)[
                "result"
            ]["value"]
        )
        return PageFacts(facts["title"], facts["images"], facts["math"], self._errors())

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the open page (JSON-serialisable values)."""
        reply = self.send(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        return reply["result"].get("value")

    def set_width(self, width: int, height: int = 900) -> None:
        """Make the page's viewport ``width`` CSS pixels wide (a narrow screen or window)."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(json.dumps(params.get("args")))
            elif method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails")))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                errors.append(f"failed to load: {params.get('errorText')}")
        return errors

    def close(self) -> None:
        """Close the browser and remove its profile folder."""
        try:
            self.send("Browser.close")
        except Exception:  # the browser may already be gone; it is killed below either way
            pass
        self._socket.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._profile.cleanup()
