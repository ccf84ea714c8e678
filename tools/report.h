/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output of the mpflow command: summary and frames, as text, CSV or JSON.
 * Uses only the public libmpflow API.
 */
#ifndef MPFLOW_REPORT_H
#define MPFLOW_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "mpflow.h"

enum report_format {
	REPORT_TEXT,
	REPORT_CSV,
	REPORT_JSON,
};

/* Writes the node/flow summary of @ctx (JSON: the library's writer).
 * @path names the capture. */
void report_summary(FILE *out, enum report_format fmt, const char *path,
		    const struct mpf_ctx *ctx);

/* The summary while streaming: each node as it is released (@reason an
 * enum mpf_release_reason), then the ones left and the counters. */
struct summary_stream {
	FILE *out;
	enum report_format fmt;
	const char *path;
	uint32_t shown;
	struct mpf_summary_stream *json; /* JSON: the library's writer */
};

void report_stream_begin(struct summary_stream *s);
void report_stream_node(struct summary_stream *s, const struct mpf_node *n,
			int reason);
void report_stream_end(struct summary_stream *s, const struct mpf_ctx *ctx);

/* Frames (frames.c): a header, one row per frame, a footer. Rows are
 * gathered in a buffer and written in blocks; report_frames_flush()
 * writes them out (and flushes @out when @line). */
/* The text of a time stamp's seconds, kept from one row to the next. */
struct time_text {
	bool valid;
	int64_t sec;
	size_t len;
	char text[24];
};

struct frames_writer {
	FILE *out;
	enum report_format fmt;
	bool line;    /* line-buffered: each batch of rows out at once */
	unsigned rows;
	bool have_t0; /* text shows time since the first frame */
	int64_t t0_ns;
	char *buf;    /* rows not written yet */
	size_t len;
	struct time_text time;
};

void report_frames_begin(struct frames_writer *w, const char *path);
void report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		       int64_t ts_sec, uint32_t ts_nsec);
void report_frames_flush(struct frames_writer *w);
void report_frames_end(struct frames_writer *w);

/* The one pass of `mpflow frames` (frames.c): each frame fed is noted
 * with its time stamp; its row is printed when the library says its
 * result is final (and, @bounded, when more than @hold rows wait),
 * then its result is released; freeing prints the rows left. */
#define FRAMES_HOLD 262144u /* rows held at most with --stream */
struct frames_pass;
/* @bounded: at most @hold rows wait (0: none) */
struct frames_pass *frames_pass_new(struct frames_writer *w, bool all,
				    bool bounded, uint32_t hold);
void frames_pass_fed(struct frames_pass *p, struct mpf_ctx *ctx,
		     uint32_t number, int64_t ts_sec, uint32_t ts_nsec);
void frames_pass_free(struct frames_pass *p, struct mpf_ctx *ctx);

/* Writes @s as a JSON string, quotes included, with the library's one
 * escaper (mpf_json_string(): bytes that are not UTF-8 become \ufffd). */
void json_string(FILE *out, const char *s);

/* ------------------------------------------------ shared by the parts */

/* A frame number, or null for 0 (JSON: match's rows). */
void report_json_frame(FILE *out, uint32_t frame);
/* "addr:port", "[v6]:port" into @buf. */
const char *report_endpoint(const struct mpf_endpoint *e, char *buf,
			    size_t len);
double report_seconds(int64_t ns);
/* "F frames, N node(s)" and each counter that is not 0, as ", name
 * value": the capture's line in the text and HTML reports. */
void report_counters(FILE *out, const struct mpf_ctx *ctx, uint32_t nodes);
/* The HTML report's graph of node @n: its addresses on two sides, its
 * flows between them (tools/report-graph.c). */
void report_html_graph(FILE *out, const struct mpf_node *n);
/* "123 B", "1.5 MB" into @buf. */
const char *report_bytes(uint64_t b, char *buf, size_t len);
/* One name of a list: after @sep, or as a JSON string when @sep is NULL. */
void report_list_item(FILE *out, const char *name, const char *sep,
		      bool *first);
/* The client and server ends of an MPTCP connection: its initial
 * subflow's, else its first flow's as seen from the client. */
void report_mptcp_node_ends(const struct mpf_node *n,
			    struct mpf_endpoint *client,
			    struct mpf_endpoint *server);
/* The widest source and destination endpoint strings of a node's flows. */
void report_endpoint_widths(const struct mpf_node *n, int *ws, int *wd);

/* Each protocol's part (its JSON keys are the library's, lib/summary*.c):
 * the text after the node's title, and the names of a frame's elements
 * (MPTCP options, SCTP chunks, the LISP message type) from @bits, or of its
 * analysis flags (@flags), each handed to @fn. */
typedef void (*report_name_func)(const char *name, void *user);

void report_mptcp_text_title(FILE *out, const struct mpf_node *n);
void report_mptcp_text_node(FILE *out, const struct mpf_node *n);
void report_mptcp_frame_names(unsigned bits, bool flags, report_name_func fn,
			      void *user);

void report_sctp_text_title(FILE *out, const struct mpf_node *n);
void report_sctp_text_node(FILE *out, const struct mpf_node *n);
void report_sctp_frame_names(unsigned bits, bool flags, report_name_func fn,
			     void *user);

void report_lisp_text_title(FILE *out, const struct mpf_node *n);
void report_lisp_text_node(FILE *out, const struct mpf_node *n);
/* @bits: the message type (mpf_frame_get_lisp_type()) when not @flags */
void report_lisp_frame_names(unsigned bits, bool flags, report_name_func fn,
			     void *user);

#endif /* MPFLOW_REPORT_H */
