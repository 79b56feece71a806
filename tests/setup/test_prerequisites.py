"""dev/prerequisites on a fake machine: every command it looks for is a stub in a temporary PATH.

The stubs log their calls; apt-get "installs" by adding to a list that dpkg-query reads, npm "installs"
yarn, start-stop-daemon and redis-server "start" a service. Nothing here touches the real system: the
MariaDB config root, the sbin folders and the systemd marker all point into the temporary folder.
"""

import configparser
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "dev" / "prerequisites"
# Real tools the script needs that are not under test (symlinked into the fake PATH).
BASICS = "bash env sort head grep sed awk cat dirname mkdir tee seq sleep tr cut rm touch chmod".split()
FULL_PACKAGES = ["build-essential", "pkg-config", "libmariadb-dev"]
MARIADBD_STUB = r'''#!{python}
"""Prints what `mariadbd --verbose --help` prints: the options read from my.cnf and what it includes."""
import os, sys
from pathlib import Path

GROUPS = {{"mysqld", "server", "mariadb", "mariadbd"}}
values = {{}}

def read(path):
    group = None
    for raw in Path(path).read_text().splitlines():
        line = raw.strip()
        if line.startswith("!includedir"):
            folder = Path(line.split(None, 1)[1])
            for f in sorted(folder.glob("*.cnf")):
                read(f)
        elif line.startswith("!include"):
            read(line.split(None, 1)[1])
        elif line.startswith("["):
            group = line.strip("[]")
        elif line and not line.startswith("#") and group in GROUPS and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            values[key.replace("_", "-")] = value

if "--help" in sys.argv:
    cnf = Path(os.environ["MYSQL_CONF_ROOT"]) / "my.cnf"
    if cnf.exists():
        read(cnf)
    for key, value in values.items():
        print(key.ljust(60), value)
'''


class Machine:
	def __init__(self, root: Path):
		self.root = root
		self.bin = root / "bin"
		self.state = root / "state"
		self.conf = root / "etc-mysql"
		for folder in (self.bin, self.state, self.conf, root / "home", root / "run-mysqld"):
			folder.mkdir()
		(self.state / "installed").write_text("")
		(self.state / "log").write_text("")
		for tool in BASICS:
			os.symlink(shutil.which(tool), self.bin / tool)
		self.env = {
			"PATH": str(self.bin),
			"HOME": str(root / "home"),
			"STATE": str(self.state),
			"MYSQL_CONF_ROOT": str(self.conf),
			"SBIN_DIRS": "",
			"SYSTEMD_RUN_DIR": str(root / "no-systemd"),
			"MYSQLD_RUN_DIR": str(root / "run-mysqld"),
			"FAKE_UID": "0",
			"NODE_CANDIDATE": "18.19.0+dfsg-6~deb12u2",
			"PY_FACTS": "3.11.2 1 1 1 1",
		}
		# Always there on Debian: the package tools.
		self.stub("id", 'echo "$FAKE_UID"')
		self.stub(
			"apt-get",
			'log apt-get "$@"\n'
			'[ "$1" = install ] || exit 0\n'
			'for p in "$@"; do case "$p" in -*|install) ;; *) echo "$p" >>"$STATE/installed" ;; esac; done',
		)
		self.stub(
			"dpkg-query",
			'for p; do :; done\ngrep -qx "$p" "$STATE/installed" && printf installed || printf not-installed',
		)
		self.stub(
			"apt-cache", 'printf "nodejs:\\n  Installed: (none)\\n  Candidate: %s\\n" "$NODE_CANDIDATE"'
		)

	def stub(self, name: str, body: str) -> None:
		path = self.bin / name
		path.write_text(f'#!/bin/bash\nlog() {{ echo "$*" >>"$STATE/log"; }}\n{body}\n')
		path.chmod(0o755)

	def install_everything(self, node="v20.11.1", yarn="1.22.22", running=True):
		"""A machine with every prerequisite present (the MariaDB config is separate: configure())."""
		(self.state / "installed").write_text("\n".join(FULL_PACKAGES) + "\n")
		self.stub("git", "echo git version 2.39.5")
		self.stub("python3", 'echo "$PY_FACTS"')
		self.stub(
			"mariadb", "echo 'mariadb  Ver 15.1 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)'"
		)
		path = self.bin / "mariadbd"
		path.write_text(MARIADBD_STUB.format(python=sys.executable))
		path.chmod(0o755)
		self.stub("mariadb-admin", '[ -e "$STATE/mariadb-running" ]')
		self.stub("start-stop-daemon", 'log start-stop-daemon "$@"\ntouch "$STATE/mariadb-running"')
		self.stub("systemctl", 'log systemctl "$@"')
		self.stub(
			"redis-server",
			'[ "$1" = --version ] && { echo "Redis server v=7.0.15 sha=00000000:0"; exit; }\n'
			'log redis-server "$@"\ntouch "$STATE/redis-running"',
		)
		self.stub("redis-cli", '[ -e "$STATE/redis-running" ]')
		self.stub("node", f"echo {node}")
		self.stub(
			"npm",
			'log npm "$@"\n'
			'[ "$*" = "install -g yarn@1.22.22" ] && printf \'#!/bin/bash\\necho 1.22.22\\n\' >"$(dirname "$0")/yarn"'
			' && chmod +x "$(dirname "$0")/yarn"; exit 0',
		)
		if yarn:
			self.stub("yarn", f"echo {yarn}")
		self.stub("bench", "echo 5.31.1")
		if running:
			(self.state / "mariadb-running").touch()
			(self.state / "redis-running").touch()
		# Debian's own my.cnf (mariadb.cnf): it includes both config folders.
		(self.conf / "conf.d").mkdir()
		(self.conf / "mariadb.conf.d").mkdir()
		(self.conf / "mariadb.conf.d" / "50-server.cnf").write_text(
			"[mysqld]\ncharacter-set-server = utf8mb4\ncollation-server = utf8mb4_general_ci\n"
		)
		(self.conf / "my.cnf").write_text(
			f"[client-server]\n!includedir {self.conf}/conf.d/\n!includedir {self.conf}/mariadb.conf.d/\n"
		)

	def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
		result = subprocess.run(
			["bash", str(SCRIPT), *args],
			env={**self.env, **env},
			capture_output=True,
			text=True,
			timeout=60,
		)
		result.output = result.stdout + result.stderr
		return result

	def log(self) -> str:
		return (self.state / "log").read_text()

	def cnf(self) -> Path:
		return self.conf / "mariadb.conf.d" / "99-frappe.cnf"


@pytest.fixture
def machine(tmp_path):
	return Machine(tmp_path)


def apt_install_line(output: str) -> list[str]:
	lines = [line for line in output.splitlines() if "apt-get install" in line]
	assert len(lines) == 1, output
	return lines[0].split("--no-install-recommends", 1)[1].split()


def test_check_on_a_bare_machine_lists_everything_missing_and_fails(machine):
	result = machine.run("--check")

	assert result.returncode == 1, result.output
	missing = result.stdout.strip().splitlines()[-1]
	assert missing == (
		"==> Missing: git build-essential pkg-config libmariadb-dev python3 mariadb redis node npm "
		"mariadb-config mariadb-running redis-running yarn bench"
	)
	assert "would run" not in result.output
	assert machine.log() == ""


def test_dry_run_on_a_bare_machine_plans_every_install_and_runs_none(machine):
	result = machine.run("--dry-run")

	assert result.returncode == 0, result.output
	assert "would run: apt-get update" in result.output
	assert apt_install_line(result.output) == [
		*["git", "build-essential", "pkg-config", "libmariadb-dev"],
		*["python3", "python3-venv", "python3-dev", "python3-pip"],
		*["mariadb-server", "mariadb-client", "redis-server", "redis-tools", "nodejs", "npm"],
	]
	assert "would run: npm install -g yarn@1.22.22" in result.output
	assert "would run: python3 -m pip install --user frappe-bench" in result.output
	assert (
		"would run: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
		in result.output
	)
	assert "would run: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save  --appendonly no" in (
		result.output
	)
	assert machine.log() == ""
	assert not machine.cnf().exists()


def test_a_machine_with_everything_plans_nothing(machine):
	machine.install_everything()
	machine.run()  # writes the MariaDB config once

	check = machine.run("--check")
	dry = machine.run("--dry-run")

	assert check.returncode == 0, check.output
	assert check.stdout.strip().splitlines()[-1] == "==> Every prerequisite is in place"
	for found in ("git 2.39.5", "Python 3.11.2", "MariaDB 10.11.6", "Redis 7.0.15", "Node v20.11.1"):
		assert f"==> {found} found" in check.stdout
	assert dry.returncode == 0, dry.output
	assert "would" not in dry.output
	assert dry.stdout.strip().splitlines()[-1] == "==> Nothing to do: every prerequisite is in place"


def test_only_the_missing_pieces_are_planned(machine):
	machine.install_everything(yarn=None, running=False)
	(machine.state / "installed").write_text("build-essential\npkg-config\n")

	result = machine.run("--dry-run")

	assert result.returncode == 0, result.output
	assert apt_install_line(result.output) == ["libmariadb-dev"]
	assert "would run: npm install -g yarn@1.22.22" in result.output
	assert "pip install" not in result.output
	assert "would run: start-stop-daemon" in result.output
	assert "would run: redis-server --daemonize yes" in result.output


def test_yarn_2_is_replaced_by_yarn_1(machine):
	machine.install_everything(yarn="4.1.0")

	result = machine.run("--dry-run")

	assert "yarn 4.1.0 found, but Frappe v15 needs yarn 1" in result.stdout
	assert "would run: npm install -g yarn@1.22.22" in result.stdout


def test_node_16_is_refused_before_anything_is_installed(machine):
	machine.install_everything(node="v16.20.2")
	(machine.state / "installed").write_text("")  # apt-get would have work to do

	dry = machine.run("--dry-run")
	check = machine.run("--check")

	assert dry.returncode == 1
	message = (
		"Node v16.20.2 is too old: Frappe v15 needs Node 18 or newer. Remove it or put Node 18+ first in PATH"
	)
	assert f"ERROR: {message}" in dry.stderr
	assert "would run" not in dry.output
	assert check.returncode == 1
	assert f"==> NOT POSSIBLE: {message}" in check.stdout


def test_a_package_manager_without_node_18_is_refused_with_nodesource_named(machine):
	result = machine.run("--dry-run", NODE_CANDIDATE="12.22.9~dfsg-1ubuntu3")

	assert result.returncode == 1
	assert "offers nodejs 12.22.9, which is too old" in result.stderr
	assert "NodeSource (deb.nodesource.com) is not reachable" in result.stderr
	assert "would run" not in result.output


def test_not_root_installs_through_sudo_or_stops(machine):
	machine.stub("sudo", 'log sudo "$@"')
	with_sudo = machine.run("--dry-run", FAKE_UID="1000")
	(machine.bin / "sudo").unlink()
	without_sudo = machine.run("--dry-run", FAKE_UID="1000")

	assert "would run: sudo apt-get update" in with_sudo.output
	assert "would run: sudo npm install -g yarn@1.22.22" in with_sudo.output
	assert "would run: python3 -m pip install --user frappe-bench" in with_sudo.output  # pip: the user's own
	assert without_sudo.returncode == 1
	assert "installing needs root: run this as root or install sudo" in without_sudo.stderr


def test_an_externally_managed_python_gets_break_system_packages(machine):
	machine.install_everything()
	(machine.bin / "bench").unlink()

	result = machine.run("--dry-run", PY_FACTS="3.11.2 1 1 1 1")

	assert "would run: python3 -m pip install --user frappe-bench --break-system-packages" in result.stdout


def test_install_writes_utf8mb4_config_the_server_reads_and_a_second_run_changes_nothing(machine):
	machine.install_everything(yarn=None, running=False)
	(machine.state / "installed").write_text("build-essential\n")
	# A my.cnf written by hand that includes no folder (as on the machine this was written on).
	(machine.conf / "my.cnf").write_text("[mysqld]\ncollation-server = utf8mb4_general_ci\n")

	first = machine.run()
	snapshot = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in machine.root.rglob("*") if p.is_file()}
	log = machine.log()
	second = machine.run()

	assert first.returncode == 0, first.output
	assert "apt-get install -y --no-install-recommends pkg-config libmariadb-dev" in log
	assert "npm install -g yarn@1.22.22" in log
	assert "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd" in log
	config = configparser.ConfigParser()
	config.read_string(machine.cnf().read_text())
	assert dict(config["mysqld"]) == {
		"character-set-client-handshake": "FALSE",
		"character-set-server": "utf8mb4",
		"collation-server": "utf8mb4_unicode_ci",
	}
	assert dict(config["mysql"]) == {"default-character-set": "utf8mb4"}
	assert (machine.conf / "my.cnf").read_text().endswith(f"\n!includedir {machine.conf}/mariadb.conf.d/\n")
	assert (
		"==> The MariaDB server reads character-set-server=utf8mb4, collation-server=utf8mb4_unicode_ci"
		in first.stdout
	)
	assert first.stdout.strip().splitlines()[-1] == (
		"==> Installed or fixed: pkg-config libmariadb-dev mariadb-config mariadb-config-include "
		"mariadb-running redis-running yarn"
	)

	assert second.returncode == 0, second.output
	assert second.stdout.strip().splitlines()[-1] == "==> Nothing to do: every prerequisite is in place"
	assert machine.log() == log
	after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in machine.root.rglob("*") if p.is_file()}
	assert after == snapshot
