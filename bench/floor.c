/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the benchmark floor, a bare libpcap read loop
 *
 * Opens a capture with libpcap (nanosecond time stamps, as mpflow opens it)
 * and reads every packet with pcap_next_ex(),
 * touching each one (summing the captured lengths and one byte of data) so
 * that nothing is optimised away. This is the least any pcap analyser must
 * do; bench/run compares mpflow and tshark against it.
 *
 * usage: floor FILE
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, touch = 0;
	pcap_t *pc;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	pc = pcap_open_offline_with_tstamp_precision(argv[1],
						     PCAP_TSTAMP_PRECISION_NANO,
						     errbuf);
	if (!pc) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], errbuf);
		return 1;
	}
	while ((r = pcap_next_ex(pc, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
		if (hdr->caplen > 0)
			touch += data[hdr->caplen / 2];
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
			pcap_geterr(pc));
		pcap_close(pc);
		return 1;
	}
	printf("%" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 "\n", packets,
	       bytes, touch);
	pcap_close(pc);
	return 0;
}
