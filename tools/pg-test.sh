#!/bin/sh
# Starts the local PostgreSQL cluster (Debian's postgresql package) on loopback if it is not
# running, makes sure the test role and database exist, and prints the URI the store tests
# use. Usage: URI=$(sh tools/pg-test.sh) || exit 1
set -e
URI="postgresql://caucus:caucus-test@127.0.0.1:5432/caucus_test"
ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
[ -n "$ver" ] || { echo "pg-test: PostgreSQL is not installed (make deps)" >&2; exit 1; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! pg_lsclusters -h 2>/dev/null | grep -q " online"; then
  pg_lsclusters -h 2>/dev/null | grep -q "^$ver main" || $SUDO pg_createcluster "$ver" main >&2
  $SUDO pg_ctlcluster "$ver" main start >&2
fi
psql_as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "psql -qAt -c \"$1\""; else sudo -u postgres psql -qAt -c "$1"; fi
}
i=0
until psql_as_pg "SELECT 1" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 60 ] || { echo "pg-test: PostgreSQL did not start" >&2; exit 1; }
  sleep 0.5
done
[ "$(psql_as_pg "SELECT 1 FROM pg_roles WHERE rolname='caucus'")" = 1 ] ||
  psql_as_pg "CREATE ROLE caucus LOGIN PASSWORD 'caucus-test'" >/dev/null
[ "$(psql_as_pg "SELECT 1 FROM pg_database WHERE datname='caucus_test'")" = 1 ] ||
  psql_as_pg "CREATE DATABASE caucus_test OWNER caucus" >/dev/null
echo "$URI"
