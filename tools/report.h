/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output of the mpflow command: summary and frames, as text, CSV or JSON.
 * Uses only the public libmpflow API.
 */
#ifndef MPFLOW_REPORT_H
#define MPFLOW_REPORT_H

#include <stdio.h>

#include "mpflow.h"

enum report_format {
	REPORT_TEXT,
	REPORT_CSV,
	REPORT_JSON,
};

/* Writes the node/flow summary of @ctx. @path names the capture. */
void report_summary(FILE *out, enum report_format fmt, const char *path,
		    const struct mpf_ctx *ctx);

/* Frames: a header, one row per frame, a footer. */
struct frames_writer {
	FILE *out;
	enum report_format fmt;
	unsigned rows;
	bool have_t0; /* text shows time since the first frame */
	int64_t t0_ns;
};

void report_frames_begin(struct frames_writer *w, const char *path);
void report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		       int64_t ts_sec, uint32_t ts_nsec);
void report_frames_end(struct frames_writer *w);

/* Writes @s as a JSON string, quotes included. */
void json_string(FILE *out, const char *s);

#endif /* MPFLOW_REPORT_H */
