/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mpflow split (split.c): a capture cut in time shards.
 */
#ifndef MPFLOW_SPLIT_H
#define MPFLOW_SPLIT_H

/* Runs `mpflow split` on the words after the command (argv[0] is
 * "split"). Returns the exit status. */
int split_main(const char *progname, int argc, char **argv);

#endif /* MPFLOW_SPLIT_H */
