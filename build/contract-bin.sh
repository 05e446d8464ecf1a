#!/bin/bash
# contract-bin.sh OUT [DAEMONS]: make OUT a lab binary directory for the
# contract suite: the product's own binaries from bin/, and lab-microovnd
# and lab-microcephd from DAEMONS when it has them (else the lab's).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=$1
daemons=${2:-}

rm -rf "$out"
mkdir -p "$out"
for f in "$repo"/bin/*; do
	ln -s "$f" "$out/"
done

if [ -z "$daemons" ]; then
	echo "contract: the lab's MicroOVN and MicroCeph daemons"
	exit 0
fi

[ -d "$daemons" ] || { echo "contract: LAB_BIN=$daemons is not a directory" >&2; exit 1; }
found=0
for d in lab-microovnd lab-microcephd; do
	if [ -x "$daemons/$d" ]; then
		ln -sfn "$(realpath "$daemons/$d")" "$out/$d"
		echo "contract: $d is $(realpath "$daemons/$d")"
		found=1
	fi
done

if [ "$found" = 0 ]; then
	echo "contract: $daemons has neither lab-microovnd nor lab-microcephd" >&2
	exit 1
fi
