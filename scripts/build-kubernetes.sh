#!/usr/bin/env bash
# Builds kube/ (one multi-call binary: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy, kubectl from the upstream Go modules) into
# ${PIER_CACHE_DIR:-/var/cache/pier}/kubernetes/<version>/bin, outside git; a finished build of
# the same sources and flags is reused at once. As root it also installs the Debian packages a
# node needs beside it (containerd, runc, CNI plugins). Prints the directory's path last, on stdout.
set -euo pipefail
cd "$(dirname "$0")/../kube"
log() { echo "build-kubernetes: $*" >&2; }

if [ "$(id -u)" = 0 ]; then
  # containerd 1.6 + runc run the pods, the CNI plugins wire them; busybox-static is the test
  # image, openssl makes the test's certificates. No etcd-server: Debian's 3.4.23 lacks the
  # /readyz and /livez that kube-apiserver 1.31+ asks etcd for, so etcd is built in the binary.
  pkgs=(containerd runc containernetworking-plugins iptables iproute2 util-linux busybox-static openssl)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  fi
fi

export PATH=/usr/local/go/bin:$PATH
version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 }' go.mod)
[ -n "$version" ] || { log "no 'require k8s.io/kubernetes vX' line in kube/go.mod"; exit 1; }
cache=${PIER_CACHE_DIR:-/var/cache/pier}/kubernetes
# PIER_KUBE_OUT: another output dir (sharing the Go caches), e.g. for a branch whose kube/ differs.
out=${PIER_KUBE_OUT:-$cache/$version}
# A GOPATH and GOCACHE of its own: the build never depends on (or fills) a developer's caches,
# so an empty cache dir is exactly CI's cold build. -modcacherw lets `rm -rf` clear it.
export GOPATH=$cache/go/path GOCACHE=$cache/go/cache GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="-modcacherw -buildvcs=false -mod=readonly"

# What upstream's hack/lib/golang.sh builds with: selinux, notest, grpcnotrace (drops x/net/trace
# so the linker can discard more). -gcflags=all=-dwarf=false was measured (kube/README.md): no gain.
tags=selinux,notest,grpcnotrace
minor=${version#v1.}; minor=${minor%%.*}
stamp_of() { cat go.mod go.sum ./*.go; echo "$tags $(go version)"; }
stamp=$(stamp_of | sha256sum | cut -c1-16)
if [ -x "$out/bin/kube" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  log "reusing $out (built from the same sources)"
  echo "$out"
  exit 0
fi

mkdir -p "$out" "$GOPATH" "$GOCACHE"
t0=$(date +%s)
log "go mod download ($version)"
go mod download
t1=$(date +%s)
log "downloaded in $((t1 - t0)) s"

# Version stamps as upstream's hack/lib/version.sh sets them, so nodes report v1.34.x;
# the build date is the module's release time, which keeps the binary reproducible.
date=$(go list -m -f '{{.Time.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=archive -X $pkg.buildDate=$date"
done

total=$(go list -deps -tags "$tags" . | wc -l)
log "compiling up to $total packages (cold on 2 cores: 12–20 min)"
# -v names each package as it is compiled: turned into a count every 100 packages.
go build -v -trimpath -tags "$tags" -ldflags "$ldflags" -o "$out/bin/kube.new" . 2>&1 |
  awk -v total="$total" -v t0="$t0" '
    /[ :]/ { print > "/dev/stderr"; next }  # a package path has neither: anything else passes through
    { n++; if (n % 100 == 0) { printf "build-kubernetes: %d/%d packages, %d s\n", n, total, systime() - t0 > "/dev/stderr" } }'
[ "${PIPESTATUS[0]}" = 0 ] || { log "go build failed"; exit 1; }
mv "$out/bin/kube.new" "$out/bin/kube"
for c in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl pier-node; do
  ln -sfn kube "$out/bin/$c"
done
echo "$stamp" > "$out/stamp"
t2=$(date +%s)
log "built $out/bin/kube ($(du -m "$out/bin/kube" | cut -f1) MiB) in $((t2 - t1)) s; total $((t2 - t0)) s"
echo "$out"
