"""Run Apache httpd (Debian's apache2) in the foreground on a suite-given port, serving a document root.

    python tests/http/apache_launch.py PORT ROOT WORKDIR

Writes a minimal configuration into WORKDIR (event MPM; mod_mime, mod_dir, mod_autoindex, mod_authz_core;
the stock ``<Files ".ht*"> Require all denied`` of Debian's apache2.conf; no .htaccess overrides) and execs
``apache2 -DFOREGROUND -f WORKDIR/httpd.conf``.  Started as root it serves as www-data (``User``/``Group``),
so the document root is made world-readable first.  Everything else is Apache's default behaviour.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

MODULES = Path("/usr/lib/apache2/modules")


def readable(root: Path) -> None:
    """Let www-data read ROOT: directories 0755 on the way down and up, files 0644."""
    for here, _dirs, files in os.walk(root):
        os.chmod(here, 0o755)
        for name in files:
            os.chmod(os.path.join(here, name), 0o644)
    top = Path(tempfile.gettempdir()).resolve()
    for parent in root.parents:
        if parent == top or top not in parent.parents:
            break  # only the suite's own temporary directories are touched
        os.chmod(parent, os.stat(parent).st_mode | 0o111)


def main() -> int:
    port, root, work = sys.argv[1], Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
    work.mkdir(parents=True, exist_ok=True)
    as_root = os.geteuid() == 0
    if as_root:
        readable(root)
    modules = ["mpm_event", "authz_core", "mime", "dir", "autoindex"]
    conf = [f"LoadModule {m}_module {MODULES / f'mod_{m}.so'}" for m in modules] + [
        f"Listen 127.0.0.1:{port}",
        "ServerName 127.0.0.1",
        f"PidFile {work / 'httpd.pid'}",
        f"DefaultRuntimeDir {work}",
        f"Mutex file:{work} default",
        f"ErrorLog {work / 'error.log'}",
        "TypesConfig /etc/mime.types",
        f'DocumentRoot "{root}"',
        "<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>",
        f'<Directory "{root}">\n  Options Indexes\n  AllowOverride None\n  Require all granted\n</Directory>',
        '<Files ".ht*">\n  Require all denied\n</Files>',
    ]
    if as_root:
        conf += ["User www-data", "Group www-data"]
    (work / "httpd.conf").write_text("\n".join(conf) + "\n")
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    os.execv(apache, [apache, "-DFOREGROUND", "-f", str(work / "httpd.conf")])


if __name__ == "__main__":
    sys.exit(main())
