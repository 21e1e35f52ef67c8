"""A real Prometheus for tests and benchmarks: known data backfilled with promtool, served on a free port.

`scripts/bootstrap_prometheus` installs Debian's `prometheus` package (scripts/test runs it). The server has no
scrape jobs: everything it answers comes from the OpenMetrics text given to `start_prometheus`, loaded with
`promtool tsdb create-blocks-from openmetrics` (samples must be more than ~3 hours old, or the head block
would own them).
"""

import math
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

CONFIG = """global:
  scrape_interval: 1m
  evaluation_interval: 1m
scrape_configs: []
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binaries_missing() -> list[str]:
    return [name for name in ("prometheus", "promtool") if shutil.which(name) is None]


def format_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def openmetrics_family(
    name: str, kind: str, series: Iterable[tuple[dict[str, str], Iterable[tuple[int, float]]]], sample_name: str = ""
) -> Iterable[str]:
    """Lines of one metric family: `# TYPE`, then each series' samples in time order."""
    yield f"# TYPE {name} {kind}\n"
    for labels, points in series:
        label_text = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
        prefix = f"{sample_name or name}{{{label_text}}}"
        for timestamp, value in points:
            yield f"{prefix} {format_value(value)} {timestamp}\n"


@dataclass
class PrometheusServer:
    url: str
    process: subprocess.Popen
    base: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_prometheus(base: Path, *files: Iterable[str]) -> PrometheusServer:
    """Write each OpenMetrics text to a file, backfill them into a fresh TSDB under `base`, serve it on 127.0.0.1.

    promtool reads a whole file once per 2-hour block it covers: long ranges load much faster as one file per day.
    """
    base.mkdir(parents=True, exist_ok=True)
    storage = base / "tsdb"
    storage.mkdir(exist_ok=True)
    for number, lines in enumerate(files):
        data_file = base / f"data-{number}.om"
        with data_file.open("w") as out:
            out.writelines(lines)
            out.write("# EOF\n")
        loaded = subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", str(data_file), str(storage)],
            capture_output=True,
            text=True,
        )
        if loaded.returncode != 0:
            raise RuntimeError(f"promtool failed:\n{loaded.stdout[-2000:]}\n{loaded.stderr[-2000:]}")
        data_file.unlink()
    (base / "prometheus.yml").write_text(CONFIG)
    port = free_port()
    log = open(base / "prometheus.log", "wb")  # noqa: SIM115 (the process holds it until stop)
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={base / 'prometheus.yml'}",
            f"--storage.tsdb.path={storage}",
            # Backfilled blocks older than the retention would be deleted at once.
            "--storage.tsdb.retention.time=3650d",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"Prometheus did not start:\n{(base / 'prometheus.log').read_text()[-3000:]}")
        time.sleep(0.05)
    return PrometheusServer(url, process, base)
