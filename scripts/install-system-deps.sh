#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (headless browser for the end-to-end tests,
# and its SwiftShader Vulkan driver that lets Dawn run WebGPU without a GPU) and the Vulkan
# loader. python3-brian is optional: `npm run bench` compares against Brian2 when present.
# WITH_PEERS=1 also installs the simulators `spikeflow export-model` targets (python3-brian,
# python3-pynn), so that the export tests (test/export) run instead of skipping.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/lib/chromium/vk_swiftshader_icd.json ] || need+=(chromium)
ldconfig -p | grep -q 'libvulkan.so.1' || need+=(libvulkan1)
if [ "${WITH_BRIAN:-0}" = 1 ] || [ "${WITH_PEERS:-0}" = 1 ]; then /usr/bin/python3 -c 'import brian2' 2>/dev/null || need+=(python3-brian); fi
if [ "${WITH_PEERS:-0}" = 1 ]; then /usr/bin/python3 -c 'import pyNN.brian2' 2>/dev/null || need+=(python3-pynn); fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages ready: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), vulkan loader present"
