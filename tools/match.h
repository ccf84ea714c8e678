/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `mpflow match CLIENT SERVER`: two captures of one run, matched packet by
 * packet (lib/match/), printed as text, CSV or JSON. Uses only the
 * public libmpflow API.
 */
#ifndef MPFLOW_MATCH_H
#define MPFLOW_MATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mpflow.h"
#include "report.h"

#define EXIT_NO_MATCH 3 /* the captures share no connection */

/* The two captures, read and matched. */
struct match_run {
	const char *path[2];  /* as given */
	const char *shown[2]; /* for messages */
	struct mpf_ctx *ctx[2];
	struct mpf_match *match;
	int status;           /* exit status of the reading (0 or 1) */
};

struct match_options {
	enum report_format fmt;
	bool disabled[MPF_PROTO_COUNT]; /* backends switched off */
	int verbose;
	mpf_log_func log;     /* for -v, nullable */
	bool has_offset;      /* --clock-offset given */
	bool offset_auto;     /* ... as "auto": the estimate */
	int64_t offset_ns;    /* ... as a value */
	const char *filter;   /* a BPF filter for both captures, nullable */
	uint64_t count;       /* -c: frames read of each capture, 0: all */
};

/* Reads both captures (each into a context keeping the segment log) and
 * matches them. Returns the exit status so far: 0, or 1 when a capture
 * could not be read (what was read is still matched when both opened;
 * run->match is NULL when not). */
int match_load(struct match_run *run, const struct match_options *o);
void match_run_free(struct match_run *run);
/* The same for a @run zeroed first with paths @client and @server; freed
 * already when run->match is NULL. */
int match_open(struct match_run *run, const struct match_options *o,
	       const char *client, const char *server);

/* The clock offset to subtract from client-to-server delays (and add to
 * server-to-client ones): the option's, or 0. */
int64_t match_offset(const struct match_run *run, const struct match_options *o);

/* The delay of @dir corrected by @offset. */
static inline int64_t
match_corrected(int64_t delay, int dir, int64_t offset)
{
	return dir == MPF_SIDE_CLIENT ? delay - offset : delay + offset;
}

/* The one-way delay over time of connection @conn, per subflow, as SVG
 * (tools/plot-delay.c); @inline_svg: inside HTML, no XML prolog.
 * Returns: 0, or -1 when there is no such connection. */
int match_plot_svg(FILE *out, const struct match_run *run, uint32_t conn,
		   int64_t offset, bool inline_svg);

/* The connection to draw: the one whose client node is @node when
 * @has_node, else the first with matched segments; MPF_ID_NONE if none. */
uint32_t match_plot_default(const struct match_run *run, bool has_node,
			    uint32_t node);

/* The HTML report's section on the match (tools/report-match.c), for
 * plot_request.extra with a struct match_html. */
struct match_html {
	const struct match_run *run;
	int64_t offset;
};

void match_html_section(FILE *out, void *user);

/* `mpflow plot -k delay -o OUTPUT CLIENT SERVER`: the delay picture of
 * the connection whose client node is @node (when @has_node), else the
 * first with matched segments. Returns the exit status. */
int match_plot_command(const struct match_options *o, const char *client,
		       const char *server, const char *output, bool has_node,
		       uint32_t node);

/* `mpflow match`: prints the result; returns the exit status. */
int match_command(const struct match_options *o, const char *client,
		  const char *server);

#endif /* MPFLOW_MATCH_H */
