"""Test helper: a private JupyterLab server for browser tests (the browser itself is the
session's `chromium` fixture in tests/conftest.py). `JupyterLab` starts
`jupyter lab` on 127.0.0.1 at a free port with a random token, in a folder of its own with its own
settings (no news pop-up), and stops it and its kernels afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "outputs" / "screenshots"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class JupyterLab:
    """`jupyter lab` serving `folder` on a free local port with a random token."""

    def __init__(self, folder: Path, timeout: float = 180) -> None:
        self.folder = folder
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.timeout = timeout
        self.log = folder / "jupyterlab.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open_url(self, path: str) -> str:
        """The address of a file in JupyterLab, token included."""
        return f"{self.url}/lab/tree/{path}?token={self.token}"

    def _settings(self) -> dict[str, str]:
        """Folders of its own for config, settings and workspaces; news and update checks off."""
        config, settings, workspaces = (self.folder / n for n in (".config", ".settings", ".ws"))
        notices = settings / "@jupyterlab" / "apputils-extension"
        notices.mkdir(parents=True, exist_ok=True)
        (notices / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        config.mkdir(exist_ok=True)
        workspaces.mkdir(exist_ok=True)
        return {"JUPYTER_CONFIG_DIR": str(config), "JUPYTERLAB_SETTINGS_DIR": str(settings),
                "JUPYTERLAB_WORKSPACES_DIR": str(workspaces)}

    def __enter__(self) -> JupyterLab:
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
            f"--port={self.port}", "--port-retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.folder}", "--LabApp.expose_app_in_browser=True",
            "--allow-root",  # containers run as root; harmless otherwise
        ]
        env = os.environ | self._settings()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.folder, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}",
                                            timeout=5):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.__exit__(None, None, None)
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise RuntimeError(f"JupyterLab did not start on port {self.port}:\n{tail}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Ask the server to shut down (it stops its kernels), then make sure it has."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            request = urllib.request.Request(
                f"{self.url}/api/shutdown", method="POST",
                headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=10).close()
            self.process.wait(timeout=30)
        except (urllib.error.URLError, OSError, subprocess.TimeoutExpired):
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def copy_notebook(notebook: Path, folder: Path) -> str:
    """Copy a notebook into the server's folder (so JupyterLab never saves outputs into the
    repository's copy); returns its name there."""
    shutil.copy2(notebook, folder / notebook.name)
    return notebook.name


#: Waits for the current notebook's kernel and returns its name (in the page, as JavaScript).
KERNEL_READY = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.ready;
    return panel.sessionContext.session.kernel.name;
}"""


def start_notebook_kernel(page, timeout_ms: int) -> str:
    """Accept JupyterLab's "Select Kernel" dialog if it asks (it preselects the notebook's own
    kernel) and wait until that kernel is ready; returns the kernel's name."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
    try:
        dialog.wait_for(timeout=15_000)
        dialog.click()
    except Exception:  # noqa: BLE001 - no dialog: the kernel started by itself
        pass
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget?.sessionContext",
                           timeout=timeout_ms)
    return str(page.evaluate(KERNEL_READY))
