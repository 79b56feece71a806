"""`dev/test --unit` on a clean Python: it makes its own virtualenv (.venv) with what the unit tier needs.

The checkout is copied (dev/test, dev/lib.sh and one passing test) into a temporary folder, and `python3`
is a stub on a temporary PATH: a "clean" python3 has neither pytest nor phonenumbers, and its `-m venv`
makes a virtualenv whose python logs `pip install` and runs pytest with the real interpreter once
"installed". Nothing here installs anything or touches the network.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASICS = "bash env grep tail tee mktemp rm cat cp touch dirname mkdir chmod tr head sed".split()

CLEAN_PYTHON = r"""#!/bin/bash
# python3 with no pytest, no phonenumbers; -m venv makes a virtualenv of the stub below
echo "python3 $*" >>"$STATE/log"
if [ "$1" = -c ]; then [ -n "$HAS_MODULES" ] && exit 0; exit 1; fi
if [ "$1" = -m ] && [ "$2" = venv ]; then
	mkdir -p "$3/bin"
	cp "$STATE/venv-python" "$3/bin/python"
	exit 0
fi
if [ "$1" = -m ] && [ "$2" = pytest ]; then shift 2; exec "$REAL_PYTHON" -m pytest -p no:cacheprovider "$@"; fi
exit 2
"""

VENV_PYTHON = r"""#!/bin/bash
echo "venv $*" >>"$STATE/log"
if [ "$1" = -c ]; then [ -e "$STATE/installed" ]; exit; fi
if [ "$1" = -m ] && [ "$2" = pip ]; then touch "$STATE/installed"; exit 0; fi
if [ "$1" = -m ] && [ "$2" = pytest ]; then
	[ -e "$STATE/installed" ] || { echo "No module named pytest"; exit 1; }
	shift 2
	exec "$REAL_PYTHON" -m pytest -p no:cacheprovider "$@"
fi
exit 2
"""


@pytest.fixture
def checkout(tmp_path):
	repo = tmp_path / "repo"
	(repo / "dev").mkdir(parents=True)
	for name in ("test", "lib.sh"):
		shutil.copy2(REPO / "dev" / name, repo / "dev" / name)
	(repo / "tests").mkdir()
	(repo / "tests" / "test_one.py").write_text("def test_one():\n\tassert True\n")
	bin_dir, state = tmp_path / "bin", tmp_path / "state"
	bin_dir.mkdir()
	state.mkdir()
	(state / "log").write_text("")
	for tool in BASICS:
		os.symlink(shutil.which(tool), bin_dir / tool)
	for path, body in ((bin_dir / "python3", CLEAN_PYTHON), (state / "venv-python", VENV_PYTHON)):
		path.write_text(body)
		path.chmod(0o755)
	env = {"PATH": str(bin_dir), "STATE": str(state), "REAL_PYTHON": sys.executable, "HOME": str(tmp_path)}
	return repo, state, env


def run_unit(repo: Path, env: dict) -> subprocess.CompletedProcess:
	return subprocess.run(
		["bash", str(repo / "dev" / "test"), "--unit"],
		env=env,
		capture_output=True,
		text=True,
		timeout=120,
	)


def test_a_clean_python_gets_a_project_virtualenv_with_pytest_and_phonenumbers(checkout):
	repo, state, env = checkout
	result = run_unit(repo, env)
	assert result.returncode == 0, result.stdout + result.stderr
	assert "unit: 1 passed, 0 failed" in result.stdout
	log = (state / "log").read_text().splitlines()
	assert f"python3 -m venv {repo}/.venv" in log
	assert "venv -m pip install --quiet --disable-pip-version-check pytest>=7 phonenumbers" in log
	assert any(line.startswith("venv -m pytest -q tests") for line in log), log

	# a second run reuses the virtualenv: nothing is installed again
	(state / "log").write_text("")
	result = run_unit(repo, env)
	assert result.returncode == 0, result.stdout + result.stderr
	log = (state / "log").read_text().splitlines()
	assert not [line for line in log if "venv -m venv" in line or "pip install" in line], log


def test_a_python_that_has_them_is_used_as_it_is(checkout):
	repo, state, env = checkout
	result = run_unit(repo, {**env, "HAS_MODULES": "1"})
	assert result.returncode == 0, result.stdout + result.stderr
	assert "unit: 1 passed, 0 failed" in result.stdout
	assert not (repo / ".venv").exists()
	assert "python3 -m pytest -q tests" in (state / "log").read_text()
