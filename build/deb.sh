#!/bin/bash
# build/deb.sh VERSION OUTDIR: the Debian package of microcloud for bookworm
# (amd64) from the binaries in bin/: the client in /usr/bin, the daemon in
# /usr/sbin with its systemd unit, shell completions and man pages generated
# from the commands, the docs. Depends: comes from the shared libraries the
# binaries link (ldd) and their packages' shlibs files.
set -euo pipefail

version=${1:?usage: build/deb.sh VERSION OUTDIR}
out=${2:?usage: build/deb.sh VERSION OUTDIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# BIN: where the binaries are (make deb builds hardened ones in dist/bin).
bin=${BIN:-$repo/bin}
for b in microcloud microcloudd; do
	[ -x "$bin/$b" ] || { echo "deb: $bin/$b is missing: run 'make build'" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
doc=$root/usr/share/doc/microcloud

install -D -m 0755 "$bin/microcloud" "$root/usr/bin/microcloud"
install -D -m 0755 "$bin/microcloudd" "$root/usr/sbin/microcloudd"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/microcloud" "$root/usr/sbin/microcloudd"
install -D -m 0644 "$repo/build/debian/microcloud.service" "$root/lib/systemd/system/microcloud.service"

# Generated from the binaries, in a clean environment so that defaults
# are the package's, not the builder's.
gen() { env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@"; }
mkdir -p "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"
gen "$bin/microcloud" completion bash > "$root/usr/share/bash-completion/completions/microcloud"
gen "$bin/microcloud" completion zsh > "$root/usr/share/zsh/vendor-completions/_microcloud"
gen "$bin/microcloud" completion fish > "$root/usr/share/fish/vendor_completions.d/microcloud.fish"
chmod 0644 "$root"/usr/share/bash-completion/completions/* "$root"/usr/share/zsh/vendor-completions/* "$root"/usr/share/fish/vendor_completions.d/*

gen "$bin/microcloud" __docs man "$stage/man1"
gen "$bin/microcloudd" __docs man "$stage/man8"
for section in 1 8; do
	mkdir -p "$root/usr/share/man/man$section"
	for page in "$stage/man$section"/*; do
		gzip -9nc "$page" > "$root/usr/share/man/man$section/$(basename "$page").gz"
	done
done

install -D -m 0644 "$repo/build/debian/copyright" "$doc/copyright"
install -m 0644 "$repo/README.md" "$doc/README.md"
# The whole doc/ tree (tutorial, how-to, reference, explanation).
(cd "$repo/doc" && find . -name '*.md' -print0) | while IFS= read -r -d '' page; do
	install -D -m 0644 "$repo/doc/$page" "$doc/$page"
done
date=$(git -C "$repo" log -1 --format=%aD 2>/dev/null || date -R)
printf 'microcloud (%s) bookworm; urgency=medium\n\n  * Release %s.\n\n -- MicroCloud developers <dev@microcloud-project.org>  %s\n' \
	"$version" "$version" "$date" | gzip -9n > "$doc/changelog.gz"

# Depends: each linked library's package, at the version its shlibs asks.
depends=()
for lib in $(ldd "$bin/microcloud" "$bin/microcloudd" | awk '/=> \//{print $3}' | sort -u); do
	real=$(readlink -f "$lib")
	pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true)
	pkg=${pkg%%:*}
	[ -n "$pkg" ] || { echo "deb: no package owns $lib" >&2; exit 1; }
	soname=$(objdump -p "$real" | awk '/SONAME/{print $2}')
	name=${soname%%.so*}
	major=${soname##*.so.}
	shlibs=
	for f in /var/lib/dpkg/info/"$pkg".shlibs /var/lib/dpkg/info/"$pkg":*.shlibs; do
		if [ -f "$f" ]; then
			shlibs=$f
			break
		fi
	done

	dep=$pkg
	if [ -n "$shlibs" ]; then
		line=$(awk -v n="$name" -v m="${major%%.*}" '$1 == n && $2 == m { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$shlibs")
		[ -z "$line" ] || dep=$line
	fi

	depends+=("$dep")
done

depends_line=$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')
size=$(du -sk --apparent-size "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: microcloud
Version: $version
Architecture: amd64
Maintainer: MicroCloud developers <dev@microcloud-project.org>
Installed-Size: $size
Depends: $depends_line
Recommends: lxd
Suggests: ovn-central, ovn-host, ceph
Section: admin
Priority: optional
Homepage: https://github.com/microcloud-project/microcloud
Description: cluster LXD, OVN and Ceph across machines
 MicroCloud forms a cloud out of a few machines running LXD, and optionally
 MicroOVN and MicroCeph: it finds the machines on the network, authenticates
 them with a passphrase, lets the operator choose their network interfaces
 and disks, then clusters every service and leaves LXD with storage pools,
 an OVN network and a default profile.
 .
 This package contains the microcloud client and the microcloudd daemon
 with its systemd unit.
CONTROL
for script in postinst prerm postrm; do
	install -m 0755 "$repo/build/debian/$script" "$root/DEBIAN/$script"
done

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/microcloud_${version}_amd64.deb" >/dev/null
echo "$out/microcloud_${version}_amd64.deb"
