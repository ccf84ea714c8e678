/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where mpflow's frames come from: a capture file (pcap or pcapng; a
 * path, "-" for standard input, a pipe or a FIFO, read once and never
 * seeked) or a live interface (libpcap), with an optional BPF filter
 * (libpcap's syntax, as tcpdump takes it) and a frame count (-c).
 *
 * One iterator hands out every frame with its own link type (a pcapng
 * file's interfaces may differ), its time stamp and its number. Numbers
 * are the frames' positions in the file, as Wireshark numbers them, so
 * a filter leaves gaps; a live capture numbers the frames it delivers.
 *
 *	struct input *in;
 *	struct input_frame f;
 *	char *msg;
 *
 *	if (input_open(&opts, &in, &msg) != 0) { print msg; exit }
 *	while ((r = input_next(in, &f)) > 0)
 *		feed f;
 *	if (r < 0)
 *		print input_error(in);
 *	input_close(in);
 */
#ifndef MPFLOW_INPUT_H
#define MPFLOW_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct input;

struct input_options {
	const char *path;   /* a file, or "-" for standard input */
	const char *iface;  /* or a live capture on this interface (a name,
			     * or a number from input_list_interfaces()) */
	const char *filter; /* a BPF expression; NULL: every frame */
	uint64_t count;     /* stop after this many frames that pass the
			     * filter; 0: no limit */
	bool progress;      /* a progress line on standard error when it is
			     * a terminal and a file takes a while */
	bool quiet;         /* no warnings on standard error (a second
			     * read of an input already warned about) */
};

/* One frame. @data is borrowed until the next input_next() call. */
struct input_frame {
	uint32_t number;    /* 1-based (see above) */
	int linktype;       /* LINKTYPE_ value, or libpcap's DLT_ one live;
			     * mpf_packet.linktype takes either */
	uint32_t interface; /* pcapng: its interface in its section */
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	int64_t ts_sec;     /* ts_sec * 10^9 + ts_nsec fits an int64 */
	uint32_t ts_nsec;   /* < 10^9 */
};

enum {
	INPUT_OK = 0,
	INPUT_EOPEN = 1,  /* cannot open or read the input: exit status 1 */
	INPUT_EUSAGE = 2, /* a filter that does not compile: exit status 2 */
};

/*
 * Opens what @o names (@o is copied; its strings must outlive the input).
 * A pcap file or an interface of a link type the library cannot decode
 * is refused here. Returns: INPUT_OK and *@in, or INPUT_EOPEN /
 * INPUT_EUSAGE and in *@msg (transfer full, g_free()) one line naming
 * the input, e.g. "x.pcap: No such file or directory".
 */
int input_open(const struct input_options *o, struct input **in, char **msg);

/*
 * The next frame. Returns: 1 and *@f; 0 at the end (of the file, of the
 * count, or after input_stop()); -1 when the input breaks off, with
 * input_error() saying where and why. Every frame before the break was
 * handed out. A pcapng file in which no frame has a link type the
 * library decodes ends with -1 too.
 */
int input_next(struct input *in, struct input_frame *f);

/* Returns: (transfer none) one line for the last error, naming the input
 * and, for a file, the frame ("x.pcap: frame 51: truncated: ..."). */
const char *input_error(const struct input *in);

/* Returns: (transfer none) the input as messages name it: the path,
 * "(standard input)" or the interface. */
const char *input_name(const struct input *in);

/* Whether frames come from a live interface (output should then be
 * line-buffered) and whether the input can be opened and read again from
 * the start with the same frames (a regular file). */
bool input_is_live(const struct input *in);
bool input_is_rereadable(const struct input *in);

/* Live captures: @fn is called, with the current time, whenever no frame
 * came for a while (about a fifth of a second), so that time-driven work
 * (releasing idle nodes) goes on on a quiet interface. */
void input_set_idle(struct input *in,
		    void (*fn)(int64_t ts_sec, uint32_t ts_nsec, void *user),
		    void *user);

/* Makes input_next() return 0 as soon as it can. Safe in a signal
 * handler. */
void input_stop(struct input *in);

/* Live captures: "N packets captured, M dropped by the kernel" into
 * @buf; false (nothing written) for a file. */
bool input_stats(struct input *in, char *buf, size_t len);

void input_close(struct input *in);

/* Writes the interfaces a live capture can use, numbered as -i takes
 * them (tcpdump -D). Returns: 0, or -1 with a message in *@msg. */
int input_list_interfaces(FILE *out, char **msg);

#endif /* MPFLOW_INPUT_H */
