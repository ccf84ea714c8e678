/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The summary's JSON writer (summary.c), shared by its protocol parts
 * (summary-mptcp.c, summary-sctp.c, summary-lisp.c). Internal; like the
 * parts, it reads the graph through the public API only.
 */
#ifndef MPF_SUMMARY_H
#define MPF_SUMMARY_H

#include <glib.h>

#include "mpflow.h"

/* @s as a JSON string, quotes included (bytes that are not UTF-8 as
 * U+FFFD escapes). */
void mpf__json_string(GString *out, const char *s);
/* An address as a JSON string. */
void mpf__json_addr(GString *out, const struct mpf_addr *addr);
/* @v when @has, else null. */
void mpf__json_uint(GString *out, bool has, uint64_t v);
/* "@v" in hexadecimal with @digits digits (zero-padded) when @has, else
 * null. */
void mpf__json_hex(GString *out, bool has, uint64_t v, int digits);
/* A frame number, or null for 0. */
void mpf__json_frame(GString *out, uint32_t frame);
/* A number of seconds (or any double) with @decimals digits, in the C
 * locale whatever the program's. */
void mpf__json_double(GString *out, double v, int decimals);
/* Nanoseconds as seconds with 9 decimals. */
void mpf__json_seconds(GString *out, int64_t ns);
/* "true" or "false". */
const char *mpf__json_bool(bool b);
/* One name of a list, as a JSON string, after ", " unless it is first. */
void mpf__json_list_item(GString *out, const char *name, bool *first);

/* Each protocol's keys after a flow's and a node's common ones (each
 * starting with a comma), and the context's. */
void mpf__json_mptcp_flow(GString *out, const struct mpf_node *n,
			  const struct mpf_flow *f);
void mpf__json_mptcp_node(GString *out, const struct mpf_node *n);
void mpf__json_sctp_flow(GString *out, const struct mpf_node *n,
			 const struct mpf_flow *f);
void mpf__json_sctp_node(GString *out, const struct mpf_node *n);
void mpf__json_lisp_node(GString *out, const struct mpf_node *n);
void mpf__json_lisp_ctx(GString *out, const struct mpf_ctx *ctx);

#endif /* MPF_SUMMARY_H */
