# Shared by dev/setup and dev/test. Source it; it defines functions and a few variables only.
# shellcheck shell=bash

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP=call_status_crm
BENCH_PATH="${BENCH_PATH:-$HOME/frappe-bench}"
DB_ADMIN_USER="${DB_ADMIN_USER:-bench_admin}"
DB_ADMIN_PASSWORD="${DB_ADMIN_PASSWORD:-bench_admin}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"
export BENCH_DISABLE_UV=1

say() { printf '\n==> %s\n' "$*"; }
die() {
	printf '\nERROR: %s\n' "$*" >&2
	exit 1
}

# The Python the unit tier runs on: python3 when it has what the tier needs (pytest, phonenumbers), else a
# project virtualenv (.venv, gitignored) made once with them, since Debian's own python3 refuses
# `pip install` outside one. Prints the interpreter's path; says what it installs on stderr.
UNIT_REQUIREMENTS=("pytest>=7" phonenumbers)
unit_python() {
	local venv="$REPO_DIR/.venv"
	if python3 -c "import pytest, phonenumbers" 2>/dev/null; then
		command -v python3
		return
	fi
	if ! "$venv/bin/python" -c "import pytest, phonenumbers" 2>/dev/null; then
		say "python3 lacks pytest or phonenumbers: installing them into $venv" >&2
		[ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2 ||
			die "could not make a virtualenv with python3 -m venv (apt-get install python3-venv)"
		"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${UNIT_REQUIREMENTS[@]}" >&2 ||
			die "could not install ${UNIT_REQUIREMENTS[*]} into $venv"
	fi
	echo "$venv/bin/python"
}

have_bench() { [ -x "$BENCH_PATH/env/bin/python" ] && [ -d "$BENCH_PATH/apps/frappe" ] && [ -d "$BENCH_PATH/sites" ]; }

# The bench CLI when it is installed; otherwise Frappe's own entry point, which is what bench calls.
bench_cmd() {
	if command -v bench >/dev/null 2>&1; then
		(cd "$BENCH_PATH" && bench "$@")
	else
		(cd "$BENCH_PATH/sites" && ../env/bin/python -m frappe.utils.bench_helper frappe "$@")
	fi
}

common_config() {
	"$BENCH_PATH/env/bin/python" - "$BENCH_PATH/sites/common_site_config.json" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1])).get(sys.argv[2], "")
print(value if value is not None else "")
PY
}

# How this machine starts MariaDB and Redis: systemd when it runs, otherwise the daemons directly.
# Each sets START_CMD (an array) so dev/prerequisites can print it in its dry run.
systemd_running() { [ -d "${SYSTEMD_RUN_DIR:-/run/systemd/system}" ]; }
mariadb_answers() { mariadb-admin -uroot ping >/dev/null 2>&1; }
redis_answers() { redis-cli -h 127.0.0.1 -p "$1" ping >/dev/null 2>&1; }
mariadb_start_cmd() {
	if systemd_running; then
		START_CMD=(systemctl start mariadb)
	else
		START_CMD=(start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)
	fi
}
redis_start_cmd() {
	if [ "$1" = 6379 ] && systemd_running; then
		START_CMD=(systemctl start redis-server)
	else
		START_CMD=(redis-server --daemonize yes --bind 127.0.0.1 --port "$1" --save "" --appendonly no)
	fi
}
wait_for() {
	local tries="$1"
	shift
	for _ in $(seq 1 "$tries"); do "$@" && return 0; sleep 0.5; done
	return 1
}

# MariaDB and the Redis servers the bench is configured for must answer; start them when they do not.
ensure_services() {
	if ! mariadb_answers; then
		say "Starting MariaDB"
		mariadb_start_cmd
		"${START_CMD[@]}"
		wait_for 60 mariadb_answers || true
	fi
	mariadb_answers || die "MariaDB is not answering on this machine"
	# Frappe's own CI sets these; v15 creates its tables with utf8mb4_unicode_ci.
	mariadb -uroot -e "SET GLOBAL character_set_server='utf8mb4'; SET GLOBAL collation_server='utf8mb4_unicode_ci';"

	local url port
	for key in redis_cache redis_queue redis_socketio; do
		url="$(common_config "$key")"
		[ -n "$url" ] || continue
		port="${url##*:}"
		port="${port%%/*}"
		if ! redis_answers "$port"; then
			say "Starting Redis on 127.0.0.1:$port ($key)"
			redis_start_cmd "$port"
			"${START_CMD[@]}"
			wait_for 20 redis_answers "$port" || true
		fi
		redis_answers "$port" || die "Redis ($key) is not answering on port $port"
	done
}

# Site creation reads the database admin login from the bench config instead of prompting for it.
ensure_db_admin() {
	if [ -z "$(common_config root_password)" ]; then
		say "Creating MariaDB user $DB_ADMIN_USER for site creation"
		mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'localhost' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_ADMIN_USER'@'127.0.0.1' IDENTIFIED BY '$DB_ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_ADMIN_USER'@'127.0.0.1' WITH GRANT OPTION;
SQL
		bench_cmd set-config -g root_login "$DB_ADMIN_USER" >/dev/null
		bench_cmd set-config -g root_password "$DB_ADMIN_PASSWORD" >/dev/null
	fi
}

# Link this checkout into apps/ (replacing a link an earlier clone left) and install it in the bench env.
link_app() {
	local target="$BENCH_PATH/apps/$APP"
	if [ -e "$target" ] && [ ! -L "$target" ]; then
		[ "$(cd "$target" && pwd -P)" = "$(cd "$REPO_DIR" && pwd -P)" ] ||
			die "$target is a real folder, not a link to this checkout: move it away first"
	else
		ln -sfn "$REPO_DIR" "$target"
	fi
	say "Installing $APP from $REPO_DIR into the bench's Python environment"
	"$BENCH_PATH/env/bin/python" -c "import flit_core" 2>/dev/null ||
		"$BENCH_PATH/env/bin/python" -m pip install --quiet "flit_core>=3.4,<4"
	"$BENCH_PATH/env/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$REPO_DIR"
	local found
	found="$("$BENCH_PATH/env/bin/python" -c "import $APP, os; print(os.path.realpath(os.path.dirname($APP.__file__)))")"
	[ "$found" = "$(cd "$REPO_DIR/$APP" && pwd -P)" ] || die "the bench imports $APP from $found, not this checkout"
	grep -qx "$APP" "$BENCH_PATH/sites/apps.txt" || printf '\n%s' "$APP" >>"$BENCH_PATH/sites/apps.txt"
	sed -i '/^$/d' "$BENCH_PATH/sites/apps.txt"
}

# The app's [tool.bench.dev-dependencies] (what `bench setup requirements --dev` installs), where missing.
install_dev_dependencies() {
	local missing
	missing="$("$BENCH_PATH/env/bin/python" - "$REPO_DIR/pyproject.toml" <<'PY'
import sys, tomllib
from importlib.metadata import PackageNotFoundError, version
from packaging.specifiers import SpecifierSet
wanted = tomllib.load(open(sys.argv[1], "rb")).get("tool", {}).get("bench", {}).get("dev-dependencies", {})
for name, spec in wanted.items():
	try:
		if version(name) in SpecifierSet(spec):
			continue
	except PackageNotFoundError:
		pass
	print(f"{name}{spec}")
PY
)"
	[ -z "$missing" ] && return 0
	say "Installing the app's development dependencies: $missing"
	# shellcheck disable=SC2086
	"$BENCH_PATH/env/bin/python" -m pip install --quiet $missing
}

# Run a noisy command (progress bars) with its output kept in a log that is shown only if it fails.
quietly() {
	local out
	out="$(mktemp)"
	if "$@" >"$out" 2>&1; then
		rm -f "$out"
	else
		local rc=$?
		tail -n 80 "$out" >&2
		rm -f "$out"
		die "failed (exit $rc): $*"
	fi
}

site_exists() { [ -f "$BENCH_PATH/sites/$1/site_config.json" ]; }

site_has_app() { bench_cmd --site "$1" list-apps 2>/dev/null | awk '{print $1}' | grep -qx "$2"; }

new_site() {
	local site="$1"
	say "Creating site $site (about 30 s)"
	# --no-mariadb-socket: the site's database user may log in over TCP from 127.0.0.1.
	bench_cmd new-site "$site" --force --no-mariadb-socket --admin-password "$ADMIN_PASSWORD" \
		--db-root-username "$(common_config root_login)" --db-root-password "$(common_config root_password)"
}

# A site with ERPNext and this app installed and migrated to this checkout.
ensure_site() {
	local site="$1"
	site_exists "$site" || quietly new_site "$site"
	if ! site_has_app "$site" erpnext; then
		say "Installing ERPNext on $site (about a minute)"
		quietly bench_cmd --site "$site" install-app erpnext
	fi
	if ! site_has_app "$site" "$APP"; then
		say "Installing $APP on $site"
		quietly bench_cmd --site "$site" install-app "$APP"
	fi
	say "Migrating $site to this checkout"
	quietly bench_cmd --site "$site" migrate --skip-search-index
}
