#!/usr/bin/env bash
# Gives this machine a rootful podman and local busybox images, so that the container runtime
# tests run for real. Safe to run again: it installs, writes and imports only what is missing.
#
# Images cannot be pulled here, so the busybox images are built from the host's static busybox:
# a root file system with /bin/busybox and relative links for every applet (absolute links made
# by `busybox --install -s` would point outside the container), imported with the settings of
# the real busybox image (CMD ["sh"], the usual PATH). They are tagged with the names that the
# fixtures and tests use for busybox. `alpine:latest` is tagged too: Alpine's shell and core
# tools are busybox applets, so it behaves as Alpine for the shell commands the fixtures run.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "setup-podman: run as root (it installs packages and writes /etc/containers)" >&2
  exit 1
fi

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v nsenter >/dev/null || missing+=(util-linux)
[ -x /usr/bin/catatonit ] || [ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-podman: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc busybox-static catatonit \
    util-linux >/dev/null
fi

# The sandbox forbids raising ulimits, and crun refuses its cgroup layout.
conf=/etc/containers/containers.conf
wanted='[containers]
default_ulimits = []

[engine]
runtime = "runc"'
mkdir -p /etc/containers
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$wanted" ]; then
  printf '%s\n' "$wanted" > "$conf"
fi

tags=(
  docker.io/library/busybox:latest
  docker.io/library/busybox:1.28
  registry.k8s.io/busybox:latest
  registry.k8s.io/busybox:1.27.2
  k8s.gcr.io/busybox:latest
  k8s.gcr.io/busybox:1.24
  mcr.microsoft.com/cbl-mariner/busybox:1.35
  docker.io/library/alpine:latest
)
# Bump when the image contents change, so that machines that have an older build import again.
build=2
absent=()
for tag in "${tags[@]}"; do
  label=$(podman image inspect --format '{{index .Config.Labels "dev.nodeless.image-build"}}' \
    "$tag" 2>/dev/null || true)
  [ "$label" = "$build" ] || absent+=("$tag")
done
if [ ${#absent[@]} -gt 0 ]; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,etc,root,tmp,proc,sys,dev,var,usr/bin,usr/sbin,sbin,home}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  # Debian's busybox lacks the printenv applet that the busybox image has, so a script replaces it.
  cat > "$rootfs/bin/printenv" <<'SCRIPT'
#!/bin/sh
# printenv [NAME...]: prints the named variables, or all of them; exits 1 if one is unset.
[ $# -eq 0 ] && exec env
status=0
for name in "$@"; do
  if eval "[ -n \"\${$name+set}\" ]"; then eval "printf '%s\\n' \"\$$name\""; else status=1; fi
done
exit $status
SCRIPT
  chmod 755 "$rootfs/bin/printenv"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' \
    > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"
  id=$(tar -C "$rootfs" -c . | podman import --quiet \
    --change 'CMD ["sh"]' \
    --change "LABEL dev.nodeless.image-build=$build" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "${tags[0]}")
  for tag in "${tags[@]}"; do
    podman tag "$id" "$tag"
  done
  echo "setup-podman: imported busybox as ${tags[*]}"
fi
echo "setup-podman: podman $(podman version --format '{{.Server.Version}}') ready"
