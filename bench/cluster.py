"""Several app processes behind nginx on one port: what the README's "Scale-out" runs, what the
nginx browser test and the 1-versus-2-process load figures go through.

    .venv/bin/python bench/cluster.py --processes 2 --port 8080 [--data-dir DIR | DATABASE_URL=...]

nginx (Debian's package) listens on 127.0.0.1:PORT (or --address) and spreads browsers over the
app processes by a cookie it sets on the first answer (`encuentro_node`, random per browser, so
delegates behind one NAT still spread), hashed consistently: a browser's page, websocket and
uploads reach the same process. Websockets are upgraded and kept open for an hour; answers say
which process served them (X-Encuentro-Upstream), and /metrics is not passed on. Every process
shares the store (SQLite in --data-dir, or DATABASE_URL) and the cookie secret, so any of them can
verify a form's XSRF token. Ctrl-C stops them all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import free_port, serve  # noqa: E402

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  client_max_body_size {upload_mb}m;
  map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
  map $cookie_encuentro_node $encuentro_node {{ "" $request_id; default $cookie_encuentro_node; }}
  upstream encuentro {{
    hash $encuentro_node consistent;
{servers}
  }}
  server {{
    listen {address}:{port};
    location = /metrics {{ return 404; }}
    location / {{
      proxy_pass http://encuentro;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 3600s;
      proxy_buffering off;
      proxy_request_buffering off;  # uploads stream to the app, never to nginx's temp files
      add_header Set-Cookie "{cookie}" always;
      add_header X-Encuentro-Upstream $upstream_addr always;
    }}
  }}
}}
"""


COOKIE = "encuentro_node=$encuentro_node; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400"


def nginx_conf(folder: Path, address: str, port: int, backends: list[str], upload_mb: int = 25) -> str:
    """The configuration for BACKENDS ("127.0.0.1:8601", ...) behind ADDRESS:PORT."""
    servers = "\n".join(f"    server {backend};" for backend in backends)
    return NGINX_CONF.format(
        folder=folder, address=address, port=port, servers=servers, upload_mb=upload_mb, cookie=COOKIE
    )


@contextmanager
def cluster(env: dict[str, str], processes: int, port: int = 0, address: str = "127.0.0.1") -> Iterator[dict]:
    """PROCESSES app processes on ENV's store and nginx in front: {"url", "backends", "pids"}."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is missing: install Debian's package `nginx` (`make test` does it as root)")
    env = {
        **env,
        "STREAMLIT_SERVER_COOKIE_SECRET": env.get("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32)),
    }
    folder = Path(tempfile.mkdtemp(prefix="encuentro-nginx-"))
    folder.chmod(0o755)  # nginx's workers drop root: they must reach their temp folders
    with ExitStack() as stack:
        urls = [stack.enter_context(serve(env)) for _ in range(processes)]
        backends = [url.split("//", 1)[1] for url in urls]
        port = port or free_port()
        (folder / "nginx.conf").write_text(nginx_conf(folder, address, port, backends), encoding="utf-8")
        proxy = subprocess.Popen([nginx, "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")])
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        stack.callback(_stop, proxy)
        _wait_listening(address, port, proxy)
        from bench.loadserve import find_server_pid

        pids = [find_server_pid(int(b.rsplit(":", 1)[1])) for b in backends]
        conf = folder / "nginx.conf"
        yield {"url": f"http://{address}:{port}", "backends": backends, "pids": pids, "conf": str(conf)}


def _stop(proxy: subprocess.Popen) -> None:
    proxy.send_signal(signal.SIGQUIT)
    try:
        proxy.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proxy.kill()


def _wait_listening(address: str, port: int, proxy: subprocess.Popen, timeout: float = 20) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proxy.poll() is not None:
            raise RuntimeError("nginx stopped at start: see its error.log")
        with socket.socket() as probe:
            if probe.connect_ex((address, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {address}:{port}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--data-dir", default=os.environ.get("ENCUENTRO_DATA_DIR", "./data"))
    args = parser.parse_args(argv)
    env = {"ENCUENTRO_DATA_DIR": str(Path(args.data_dir).resolve())}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    subprocess.run([sys.executable, "manage.py", "seed"], cwd=ROOT, env={**os.environ, **env}, check=True)
    with cluster(env, args.processes, args.port, args.address) as running:
        print(f"Encuentro on {running['url']}: {args.processes} processes ({', '.join(running['backends'])})")
        print(f"nginx's configuration: {running['conf']} (a starting point for /etc/nginx)", flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
