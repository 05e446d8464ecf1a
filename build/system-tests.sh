#!/bin/bash
# system-tests: run the system tests (make system) and, when they fail,
# repeat each failed test's last own messages at the very end.
#
# A failed lab test prints every daemon's log tail after its failure
# message, so the tail of the output (all a CI report keeps) shows logs and
# not why the test failed. The summary puts the why last.
#
# Usage: system-tests.sh LOG go test ARGS...
set -uo pipefail

log=$1
shift
mkdir -p "$(dirname "$log")"

"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then exit 0; fi

echo
echo "=== why the system tests failed (full output: $log)"
# For each test (or subtest) that failed, its last two messages logged from
# a _test.go file (a Fatal is the last one before the log dump), each as its
# first line and its last 12: a failed command's own error comes last.
awk '
	function leading(line) { match(line, /^ */); return RLENGTH }
	/^=== (RUN|CONT) / { name = $3; cur = ""; next }
	/^ *--- FAIL: / {
		t = $3
		print "--- FAIL: " t
		for (i = (n[t] > 2 ? n[t] - 1 : 1); i <= n[t]; i++) {
			k = split(msg[t, i], lines, "\n")
			print lines[1]
			if (k > 13) print "        ..."
			for (j = (k > 13 ? k - 11 : 2); j <= k; j++) print lines[j]
		}
		next
	}
	/^ +[^ ]+_test\.go:[0-9]+: / {
		if (name == "") next
		n[name]++; cur = name; ind = leading($0)
		msg[name, n[name]] = $0
		next
	}
	cur != "" && leading($0) >= ind + 4 { msg[cur, n[cur]] = msg[cur, n[cur]] "\n" $0; next }
	{ cur = "" }
' "$log"
echo "=== exit status $status"
exit "$status"
