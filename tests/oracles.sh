#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The project's independent judges, run on the shared captures: the Linux
# kernel's own view of its MPTCP connections (oracle-kernel), Wireshark's
# per-frame MPTCP analysis (oracle-tshark) and the two usrsctp stacks' view
# of their SCTP associations (oracle-sctp, also on tests/data/usrsctp) and
# the LISP sites OOR was configured with (oracle-lisp, also on
# tests/data/oor); the last three need tshark. Skips (77) where ../shared
# is absent.
# usage: oracles.sh SHARED_DIR MPFLOW DATA_DIR
set -u
shared=$1 mpflow=$2 data=$3
if [ ! -x "$shared/tools/oracle-kernel" ]; then
	echo "skipped: $shared/tools not found"
	exit 77
fi
rc=0
"$shared/tools/oracle-kernel" --mpflow "$mpflow" "$shared"/captures/kernel/*/ || rc=1
if command -v tshark >/dev/null 2>&1; then
	# kernel captures, then every public capture with MPTCP in it
	set -- "$shared"/captures/kernel/*/capture.pcap
	for f in "$shared"/captures/public/*mptcp* "$shared"/captures/public/pymptcpanalyzer-* \
		"$shared"/captures/public/theinversekey-multipath-demo.pcap \
		"$shared"/captures/public/ndpi-tls_change_cipher.pcap; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	"$shared/tools/oracle-tshark" --mpflow "$mpflow" "$@" || rc=1
	if [ -x "$shared/tools/oracle-sctp" ]; then
		"$shared/tools/oracle-sctp" --mpflow "$mpflow" \
			"$shared"/captures/usrsctp/*/ "$data"/usrsctp/*/ || rc=1
	fi
	if [ -x "$shared/tools/oracle-lisp" ]; then
		"$shared/tools/oracle-lisp" --mpflow "$mpflow" \
			"$shared"/captures/oor/*/ "$data"/oor/*/ || rc=1
	fi
else
	echo "tshark not installed: the Wireshark oracle did not run"
fi
exit $rc
