/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading pcap and pcapng files from a stream (a file, a pipe, a FIFO),
 * block by block, without seeking and without libpcap: libpcap gives a
 * pcapng file one link type, so a capture whose interfaces differ (an
 * "any" capture plus a tunnel) cannot be read through it.
 *
 * What is read, and what is refused:
 *  - pcap: both byte orders, microsecond and nanosecond magics, the
 *    modified (Kuznetzov) format, version 2.x with the lengths of old
 *    writers swapped back as libpcap does; a record longer than libpcap's
 *    262144-byte limit is malformed, one longer than the file's snapshot
 *    length is cut to it (as libpcap does).
 *  - pcapng: Section Header Blocks of either byte order (a new section
 *    forgets the interfaces of the last), Interface Description Blocks
 *    with if_tsresol and if_tsoffset, Enhanced, Simple and (obsolete)
 *    Packet Blocks, each frame with its own interface's link type; every
 *    other block is skipped, as the format asks of readers. A block must
 *    be 12 bytes or more, a multiple of 4, at most 16 MiB, and end with
 *    its own length.
 *  - A file that ends inside a header, block or record is *truncated*;
 *    fields that contradict each other make it *malformed*. Both stop the
 *    reading there; every frame before was returned.
 * Memory is one buffer of the largest block read (at most 16 MiB) plus
 * one small record per interface described.
 */
#ifndef MPFLOW_CAPFILE_H
#define MPFLOW_CAPFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct capfile;

/* One frame, as the file has it. */
struct capfile_frame {
	const uint8_t *data; /* caplen bytes, valid until the next call */
	uint32_t caplen;
	uint32_t wirelen;
	int linktype;        /* LINKTYPE_ value of the frame's interface */
	uint32_t interface;  /* its interface in its section (pcap: 0) */
	/*
	 * The time stamp in seconds and nanoseconds (< 10^9), with the
	 * interface's resolution and offset applied. Values past what
	 * int64 nanoseconds can hold (about year 2262, or before 1678) are
	 * clamped to the nearest one that can: ts_sec * 10^9 + ts_nsec
	 * never overflows. A Simple Packet Block carries no time stamp: it
	 * gets the one of the frame before it in its section, or 0.
	 */
	int64_t ts_sec;
	uint32_t ts_nsec;
};

enum capfile_status {
	CAPFILE_FRAME = 1,      /* a frame was read */
	CAPFILE_END = 0,        /* the file ended after a whole block */
	CAPFILE_TRUNCATED = -1, /* the file ends inside a block or record */
	CAPFILE_MALFORMED = -2, /* fields that contradict each other */
	CAPFILE_IO = -3,        /* reading failed (see errno's text) */
};

/*
 * Reads the file header of @fp (borrowed: capfile_close() does not close
 * it; it is read from its current position on, never seeked).
 * Returns: (transfer full) the reader, or NULL with a one-line reason in
 * @err ("not a pcap or pcapng file", ...), which names no file.
 */
struct capfile *capfile_open(FILE *fp, char *err, size_t errlen);

/*
 * The next frame into *@f. Returns: CAPFILE_FRAME, CAPFILE_END, or a
 * negative enum capfile_status, after which every call returns the same
 * and capfile_error() says what happened (one line, no file name).
 */
int capfile_next(struct capfile *cf, struct capfile_frame *f);

/* Returns: (transfer none) the last error's text, "" when none. */
const char *capfile_error(const struct capfile *cf);

/* "pcap" or "pcapng". */
const char *capfile_format(const struct capfile *cf);

/* pcap: the file's link type (LINKTYPE_ value); pcapng: -1 (each
 * interface has its own). */
int capfile_linktype(const struct capfile *cf);

/* Bytes of the file consumed so far (for a progress line). */
uint64_t capfile_offset(const struct capfile *cf);

void capfile_close(struct capfile *cf);

/*
 * The time of @ts units since the epoch, an interface's if_tsresol
 * (@tsresol: bit 7 clear, 10^-value seconds a unit; set, 2^-(value &
 * 127)) plus @offset seconds (if_tsoffset), into *@sec and *@nsec,
 * saturating as described for struct capfile_frame. Exposed for tests.
 */
void capfile_ts_convert(uint64_t ts, uint8_t tsresol, int64_t offset,
			int64_t *sec, uint32_t *nsec);

#endif /* MPFLOW_CAPFILE_H */
