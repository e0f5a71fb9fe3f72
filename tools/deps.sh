#!/bin/sh
# Installs every missing Debian package caucus needs; a no-op when all are present.
set -e
PKGS="build-essential clang pkg-config python3 python3-yaml python3-jsonschema python3-docx bc time valgrind cppcheck iso-codes tzdata libfyaml-dev libjansson-dev libsodium-dev libssl-dev libcriterion-dev libsqlite3-dev sqlite3 libpq-dev postgresql libxlsxwriter-dev libzip-dev libexpat1-dev libmicrohttpd-dev python3-simpy openssl chromium fonts-noto-cjk poppler-utils nodejs libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
