# Shared by scripts/run and scripts/test: installs the Debian packages that are
# missing, asking for root (sudo) only when something is.

BUILD_PACKAGES="build-essential cmake pkg-config libcpp-httplib-dev libssl-dev libsqlite3-dev
  zlib1g-dev libbrotli-dev nlohmann-json3-dev libstb-dev libtomlplusplus-dev libcli11-dev"
TEST_PACKAGES="catch2 sqlite3 curl chromium"

# Node.js may come from NodeSource (with npm inside) rather than Debian's
# nodejs + npm packages, which would conflict with it: install only if absent.
ensure_node() {
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
}

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing packages: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

jobs_count() { nproc 2>/dev/null || echo 2; }
