#!/usr/bin/env bash
# Installs what only the tests need: GoogleTest, chromium (headless, for the monitoring
# dashboard test), clang with its fuzzer runtime (tests/fuzz), fusepy (tests/durability's
# FUSE filesystem; it brings libfuse2), Go with Debian's nats.go 1.22 (tests/go: the Go client's
# KV and Object Store APIs) and nats-server 2.9.10, the reference server the integration tests and
# benchmarks compare against (/usr/sbin/nats-server). Run by tools/test.sh.
#
# Debian's nats-server package enables and starts a service on port 4222, the port our
# own server uses by default. The install here leaves no such service behind: a temporary
# policy-rc.d forbids starting services during apt-get, the unit is disabled afterwards,
# and the script checks that nothing of the package listens on 4222.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/apt_install.sh

apt_install_missing test-deps libgtest-dev libgmock-dev chromium \
  clang libclang-rt-14-dev `# libFuzzer and its sanitizers, for tools/fuzz.sh` \
  python3-fusepy `# the FUSE layer of the power-cut tests, tests/durability` \
  golang-go golang-github-nats-io-go-nats-dev `# nats.go 1.22 for tests/go, built offline in GOPATH mode`

if [ -n "$(apt_missing nats-server)" ]; then
  policy=/usr/sbin/policy-rc.d
  own_policy=""
  if [ ! -e "$policy" ]; then
    # Exit code 101 means "action forbidden" to invoke-rc.d and deb-systemd-invoke.
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    own_policy=yes
    trap 'as_root rm -f "$policy"' EXIT
  fi
  apt_install_missing test-deps nats-server
  if [ -n "$own_policy" ]; then
    as_root rm -f "$policy"
    trap - EXIT
  fi
fi

# Whether or not we installed it just now: the reference server is a test tool here,
# never a service. systemctl edits the unit links even where systemd is not running.
if [ -e /lib/systemd/system/nats-server.service ] && command -v systemctl >/dev/null; then
  if [ -d /run/systemd/system ]; then as_root systemctl stop nats-server.service >/dev/null 2>&1 || true; fi
  as_root systemctl disable nats-server.service >/dev/null 2>&1 || true
fi
# The check: no process of the package's user "nats" (the service's) listens on 4222.
if command -v ss >/dev/null && [ -n "$(ss -Hltn 'sport = :4222' 2>/dev/null)" ] &&
   pgrep -u nats -x nats-server >/dev/null 2>&1; then
  echo "test-deps: the nats-server package's service listens on port 4222; stop it: systemctl disable --now nats-server" >&2
  exit 1
fi
