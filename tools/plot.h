/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pictures of the mpflow command: SVG plots of MPTCP connections
 * (`mpflow plot`) and the self-contained HTML report (`mpflow report`).
 * Uses only the public libmpflow API.
 *
 * Both run over one streaming pass with frame results not retained: each
 * result is folded into a struct plot_data as it comes back from
 * mpf_ctx_feed(), decimated on the way, so memory follows the number of
 * connections and subflows, never the number of frames.
 */
#ifndef MPFLOW_PLOT_H
#define MPFLOW_PLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mpflow.h"

enum plot_kind {
	PLOT_DSN,        /* relative DSN against time, data acks, reinjections */
	PLOT_THROUGHPUT, /* goodput per subflow and in total, sliding window */
	PLOT_SHARE,      /* each subflow's part of the data, stacked */
};

/* Stores in *kind the kind named @name ("dsn", ...). Returns 0 or -1. */
int plot_kind_from_string(const char *name, enum plot_kind *kind);
const char *plot_kind_to_string(enum plot_kind kind);

/* What a capture's MPTCP connections need for their pictures. */
struct plot_data;

struct plot_data *plot_data_new(void);
void plot_data_free(struct plot_data *pd);

/* Folds in one frame's result (borrowed for the call only); @ts_ns is its
 * time stamp in nanoseconds since the epoch. */
void plot_data_add(struct plot_data *pd, const struct mpf_frame *f,
		   int64_t ts_ns);

/* An anomaly of an MPTCP connection, for the report's list. */
struct plot_event {
	uint32_t frame;
	uint32_t node;   /* as the frame reported it when fed */
	uint32_t flow;
	uint8_t dir;     /* enum mpf_side */
	unsigned flags;  /* the anomaly bits of enum mpf_mptcp_frame_flag */
	bool mp_fail;    /* the frame carried MP_FAIL */
	uint32_t of;     /* for a reinjection, the frame first carrying it */
};

/* The anomalies of the node that @node survives as, in frame order, at
 * most a bounded number; *dropped (nullable) gets how many were left
 * out. Returns: (transfer full) a NULL-terminated array of borrowed
 * pointers, released with g_free(). */
const struct plot_event **plot_data_events(const struct plot_data *pd,
					   const struct mpf_ctx *ctx,
					   uint32_t node, uint64_t *dropped);

/* Whether the node carried MPTCP data that a picture can show. */
bool plot_node_has_data(const struct plot_data *pd, const struct mpf_ctx *ctx,
			uint32_t node);

struct plot_options {
	enum plot_kind kind;
	double window;   /* seconds; 0: one fiftieth of the connection */
	bool inline_svg; /* inside HTML: no XML prolog; markers link to
			  * the report's anomaly rows (#frame-N) */
	const char *capture; /* named in the subtitle; nullable */
	bool full_time;  /* false: idle stretches cut out of the time axis
			  * (plot-axis.h); true: the whole time, to scale */
};

/*
 * Writes the picture of MPTCP node @node (a node merged into another is
 * drawn as the survivor). Returns: 0, or -1 when @node is no MPTCP node.
 */
int plot_write_svg(FILE *out, const struct plot_data *pd,
		   const struct mpf_ctx *ctx, uint32_t node,
		   const struct plot_options *o);

/* The node `mpflow plot` draws without --node: the first MPTCP node
 * that carried data, else the first MPTCP node; MPF_ID_NONE if none. */
uint32_t plot_default_node(const struct plot_data *pd,
			   const struct mpf_ctx *ctx);

/* The node or flow that @id ended up in after merges. */
uint32_t plot_node_survivor(const struct mpf_ctx *ctx, uint32_t id);
uint32_t plot_flow_survivor(const struct mpf_ctx *ctx, uint32_t id);

/* Writes @s with &, <, >, " and ' escaped and bytes that are not UTF-8 as
 * U+FFFD: safe in XML and HTML text and in attribute values. */
void plot_escape(FILE *out, const char *s);

/* The colour of the @index-th flow of a node (plots and graphs agree). */
const char *plot_colour(uint32_t index);


/* "MPTCP connection 3 (v1): 10.0.0.1:4242 -> 10.0.0.2:80" into @buf. */
const char *plot_node_title(const struct mpf_node *n, char *buf, size_t len);

/* Opens @path for writing ("-": standard output); on failure says why
 * on standard error and returns NULL. Closing reports a failed write
 * and returns the exit status (0 or 1). */
FILE *plot_open_output(const char *path);
int plot_close_output(FILE *out, const char *path);

/* The `mpflow plot` and `mpflow report` commands, after the analysis:
 * write to @output ("-": standard output). Return the exit status. */
struct plot_request {
	const char *output;
	bool has_node;
	uint32_t node;
	enum plot_kind kind;
	double window;
	/* the report: a section of more (two captures matched) written
	 * before the footer, when set */
	void (*extra)(FILE *out, void *user);
	void *extra_user;
	bool full_time; /* --time-axis full */
};

int plot_command(const struct plot_request *rq, const char *capture,
		 const struct mpf_ctx *ctx, const struct plot_data *pd);
int report_html_command(const struct plot_request *rq, const char *capture,
			const struct mpf_ctx *ctx, const struct plot_data *pd);

#endif /* MPFLOW_PLOT_H */
