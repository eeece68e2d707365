# Sourced by setup.sh and test-deps.sh.
# apt_install_missing <who> [apt-get option...] <package>... installs the packages that
# are not installed yet (as root, or with sudo), quietly.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_install_missing() {
  local who="$1" arg
  shift
  local flags=() packages=() missing
  for arg in "$@"; do
    if [[ "$arg" == -* ]]; then flags+=("$arg"); else packages+=("$arg"); fi
  done
  mapfile -t missing < <(apt_missing "${packages[@]}")
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$who: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${flags[@]}" "${missing[@]}"
}
