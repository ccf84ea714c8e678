/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: mpflow split: a capture cut in time shards, for analysing the
 * parts on several machines (bindings/python: mpflow.distributed)
 *
 * The capture's time span is cut in N equal intervals; each frame goes to
 * the interval of its time stamp, never to one before the previous
 * frame's (time stamps of a capture can go back a little), so every shard
 * is a run of consecutive frames. The capture is read through input.c, as
 * every command reads (pcap or pcapng, twice: a file, not a pipe). A shard
 * is written as a pcap with nanosecond time stamps and the frames' link
 * type (one for all: a pcapng of several is refused), named
 * NAME.shardK.fFIRST.pcap (K from 0, FIRST the number its first frame has
 * in the whole capture, from 1), and manifest.json lists them: the merge
 * of the shards' partial results numbers frames as the whole capture does.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "input.h"
#include "report.h"
#include "split.h"

#define EXIT_BAD_FILE 1
#define EXIT_USAGE 2
#define MAX_SHARDS 10000

struct shard {
	char *name;          /* file name inside OUTDIR */
	uint32_t first, count;
	int64_t t_first, t_last;
};

static void
split_usage(FILE *out, const char *progname)
{
	fprintf(out,
		"Usage: %s split [-r] FILE (--shards N [--by time|frames] | --at N,N...)\n"
		"       OUTDIR\n"
		"Cut a capture in N time shards of equal duration, each a run of\n"
		"consecutive frames, written to OUTDIR as NAME.shardK.fFIRST.pcap\n"
		"(FIRST: the number of its first frame in the whole capture), with\n"
		"OUTDIR/manifest.json listing them. mpflow.distributed.summary()\n"
		"analyses the shards on a Dask cluster and merges the results.\n"
		"\n"
		"Options:\n"
		"  -n, --shards N     how many shards (1 to %d)\n"
		"  -b, --by WHAT      time (default): intervals of equal duration;\n"
		"                     frames: of equal numbers of frames (even work,\n"
		"                     when the traffic comes in bursts)\n"
		"      --at N,N...    instead of --shards: a new shard begins at each\n"
		"                     of these frame numbers (increasing, from 2)\n"
		"  -r FILE            the capture (or give it as a word)\n"
		"  -h, --help         show this help and exit\n",
		progname, MAX_SHARDS);
}

static int
fail(const char *progname, int status, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int
fail(const char *progname, int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: split: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (status == EXIT_USAGE)
		fprintf(stderr, "Try '%s split --help'.\n", progname);
	return status;
}

static int64_t
ts_ns(const struct input_frame *f)
{
	return f->ts_sec * 1000000000 + (int64_t)f->ts_nsec;
}

/* Opens @path with input.c; NULL after saying why. */
static struct input *
open_capture(const char *progname, const char *path, bool quiet)
{
	struct input_options io = { .path = path, .progress = true,
				    .quiet = quiet };
	struct input *in;
	char *msg;
	int r = input_open(&io, &in, &msg);

	if (r != INPUT_OK) {
		fail(progname, EXIT_BAD_FILE, "%s", msg);
		g_free(msg);
		return NULL;
	}
	return in;
}

/* A shard: a pcap file with nanosecond time stamps (magic a1b23c4d, in
 * this machine's byte order, which readers detect), written as frames
 * come. */
struct shard_file {
	FILE *fp;
	int linktype;
};

static bool
pcap_put32(FILE *fp, uint32_t v)
{
	return fwrite(&v, sizeof(v), 1, fp) == 1;
}

static bool
pcap_put16(FILE *fp, uint16_t v)
{
	return fwrite(&v, sizeof(v), 1, fp) == 1;
}

static bool
shard_file_write(struct shard_file *sf, const struct input_frame *f)
{
	if (f->ts_sec < 0 || f->ts_sec > UINT32_MAX)
		return false; /* a pcap record holds 32-bit seconds */
	return pcap_put32(sf->fp, (uint32_t)f->ts_sec) &&
	       pcap_put32(sf->fp, f->ts_nsec) && pcap_put32(sf->fp, f->caplen) &&
	       pcap_put32(sf->fp, f->wirelen) &&
	       (f->caplen == 0 || fwrite(f->data, f->caplen, 1, sf->fp) == 1);
}

/* Closes the open shard file. Returns: false when it could not be
 * written whole. */
static bool
shard_file_close(struct shard_file *sf)
{
	bool ok = true;

	if (sf->fp) {
		ok = !ferror(sf->fp);
		ok = fclose(sf->fp) == 0 && ok;
	}
	sf->fp = NULL;
	return ok;
}

/* The capture's name without folders and its last extension. */
static char *
capture_stem(const char *path)
{
	char *base = g_path_get_basename(path), *dot = strrchr(base, '.');

	if (dot && dot != base)
		*dot = '\0';
	return base;
}

/* The shard of a frame at @t: its interval of [t0, t1] cut in @n. */
static unsigned
shard_of(int64_t t, int64_t t0, int64_t t1, unsigned n)
{
	double span = (double)(t1 - t0), pos;

	if (t <= t0 || span <= 0)
		return 0;
	if (t >= t1)
		return n - 1;
	pos = (double)(t - t0) / span * n;
	return pos >= n ? n - 1 : (unsigned)pos;
}

static void
write_manifest(FILE *out, const char *capture, const struct shard *sh,
	       unsigned n, uint32_t frames)
{
	unsigned k;

	fputs("{\"capture\": ", out);
	json_string(out, capture);
	fprintf(out, ", \"frames\": %" PRIu32 ", \"shards\": [", frames);
	for (k = 0; k < n; k++) {
		fputs(k ? ",\n  " : "\n  ", out);
		fputs("{\"path\": ", out);
		json_string(out, sh[k].name);
		fprintf(out,
			", \"first_frame\": %" PRIu32 ", \"frames\": %" PRIu32
			", \"first_time\": %.9f, \"last_time\": %.9f}",
			sh[k].first, sh[k].count,
			sh[k].count ? (double)sh[k].t_first / 1e9 : 0.0,
			sh[k].count ? (double)sh[k].t_last / 1e9 : 0.0);
	}
	fputs("\n]}\n", out);
}

/* Closes the open shard file, and opens shard @k's, whose first frame
 * is number @first. Returns false (after saying why) when it cannot. */
static bool
shard_open(const char *progname, struct shard_file *sf, struct shard *sh,
	   unsigned k, const char *stem, const char *outdir, uint32_t first)
{
	char *full;
	bool ok;

	if (!shard_file_close(sf)) {
		fail(progname, EXIT_BAD_FILE, "%s: %s", sh[k - 1].name,
		     g_strerror(errno));
		return false;
	}
	sh[k].first = first;
	sh[k].name = g_strdup_printf("%s.shard%u.f%" PRIu32 ".pcap", stem, k,
				     first);
	full = g_build_filename(outdir, sh[k].name, NULL);
	sf->fp = fopen(full, "wb");
	ok = sf->fp && pcap_put32(sf->fp, 0xa1b23c4d) &&
	     pcap_put16(sf->fp, 2) && pcap_put16(sf->fp, 4) && /* 2.4 */
	     pcap_put32(sf->fp, 0) && pcap_put32(sf->fp, 0) &&
	     pcap_put32(sf->fp, 262144) && /* snapshot length */
	     pcap_put32(sf->fp, (uint32_t)sf->linktype);
	if (!ok)
		fail(progname, EXIT_BAD_FILE, "%s: %s", full, g_strerror(errno));
	g_free(full);
	return ok;
}

/*
 * Reads @path twice: its time span, then each frame into its shard. Every
 * shard gets a file, an empty one for an interval without frames, so that
 * OUTDIR always holds N. Frames keep the numbers input.c gives them (their
 * places in the file). Returns the exit status.
 */
static int
split_capture(const char *progname, const char *path, unsigned n,
	      const char *outdir, bool by_frames, const GArray *at)
{
	struct shard_file sf = { NULL, -1 };
	struct input_frame f;
	struct input *in;
	struct shard *sh;
	int64_t t0 = 0, t1 = 0;
	uint32_t frames = 0, done = 0, next = 1;
	unsigned cur = 0, k;
	char *stem, *mpath;
	FILE *mf;
	int r, status = EXIT_SUCCESS;

	in = open_capture(progname, path, false);
	if (!in)
		return EXIT_BAD_FILE;
	if (!input_is_rereadable(in)) {
		input_close(in);
		return fail(progname, EXIT_USAGE,
			    "%s: needs a file it can read twice, not a pipe or "
			    "a FIFO", path);
	}
	while ((r = input_next(in, &f)) > 0) {
		int64_t t = ts_ns(&f);

		if (sf.linktype < 0)
			sf.linktype = f.linktype;
		if (f.linktype != sf.linktype) {
			input_close(in);
			return fail(progname, EXIT_BAD_FILE,
				    "%s: frame %" PRIu32 ": frames of several "
				    "link types (pcapng interfaces), and a pcap "
				    "shard holds one", path, f.number);
		}
		if (frames == 0 || t < t0)
			t0 = t;
		if (frames == 0 || t > t1)
			t1 = t;
		frames++;
	}
	if (r < 0) {
		fail(progname, EXIT_BAD_FILE, "%s", input_error(in));
		input_close(in);
		return EXIT_BAD_FILE;
	}
	input_close(in);
	if (sf.linktype < 0)
		sf.linktype = 1; /* no frame: Ethernet, as good as any */
	if (g_mkdir_with_parents(outdir, 0777) != 0)
		return fail(progname, EXIT_BAD_FILE, "%s: %s", outdir,
			    g_strerror(errno));
	in = open_capture(progname, path, true);
	if (!in)
		return EXIT_BAD_FILE;

	stem = capture_stem(path);
	sh = g_new0(struct shard, n);
	if (!shard_open(progname, &sf, sh, 0, stem, outdir, 1))
		status = EXIT_BAD_FILE;
	while (status == EXIT_SUCCESS && done < frames &&
	       input_next(in, &f) > 0) {
		unsigned s = by_frames ? (unsigned)((uint64_t)done * n / frames)
				       : shard_of(ts_ns(&f), t0, t1, n);

		if (at) /* the cuts at or before this frame */
			for (s = cur; s < at->len &&
				      g_array_index(at, uint32_t, s) <= f.number;)
				s++;

		/* never back to an earlier shard: each is a run of frames */
		while (s > cur && status == EXIT_SUCCESS)
			if (!shard_open(progname, &sf, sh, ++cur, stem, outdir,
					f.number))
				status = EXIT_BAD_FILE;
		if (status != EXIT_SUCCESS)
			break;
		done++;
		next = f.number + 1;
		if (sh[cur].count++ == 0)
			sh[cur].t_first = ts_ns(&f);
		sh[cur].t_last = ts_ns(&f);
		if (!shard_file_write(&sf, &f))
			status = fail(progname, EXIT_BAD_FILE,
				      "%s: frame %" PRIu32 ": %s", sh[cur].name,
				      f.number,
				      f.ts_sec < 0 || f.ts_sec > UINT32_MAX
					      ? "a time stamp a pcap cannot hold"
					      : g_strerror(errno));
	}
	while (status == EXIT_SUCCESS && cur + 1 < n)
		if (!shard_open(progname, &sf, sh, ++cur, stem, outdir, next))
			status = EXIT_BAD_FILE;
	if (!shard_file_close(&sf) && status == EXIT_SUCCESS)
		status = fail(progname, EXIT_BAD_FILE, "%s: %s", sh[cur].name,
			      g_strerror(errno));
	if (status == EXIT_SUCCESS && done != frames)
		status = fail(progname, EXIT_BAD_FILE,
			      "%s: the file changed while it was read", path);

	if (status == EXIT_SUCCESS) {
		mpath = g_build_filename(outdir, "manifest.json", NULL);
		mf = fopen(mpath, "w");
		if (mf) {
			write_manifest(mf, path, sh, n, frames);
			if (fclose(mf) != 0)
				mf = NULL;
		}
		if (!mf)
			status = fail(progname, EXIT_BAD_FILE, "%s: %s", mpath,
				      g_strerror(errno));
		g_free(mpath);
	}
	for (k = 0; k < n; k++)
		g_free(sh[k].name);
	g_free(sh);
	g_free(stem);
	input_close(in);
	return status;
}

int
split_main(const char *progname, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "shards", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
		{ "at", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pos[3] = { NULL, NULL, NULL };
	const char *file = NULL;
	unsigned long shards = 0;
	bool by_frames = false, by_set = false;
	GArray *at = NULL;
	int c, npos = 0, status;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "+n:b:r:h", longopts, NULL);
		if (c == -1) {
			if (optind >= argc)
				break;
			if (npos < 3)
				pos[npos] = argv[optind];
			npos++;
			optind++;
			continue;
		}
		switch (c) {
		case 'n': {
			char *end;

			errno = 0;
			shards = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    shards < 1 || shards > MAX_SHARDS)
				return fail(progname, EXIT_USAGE,
					    "--shards wants a number from 1 to %d, "
					    "not '%s'", MAX_SHARDS, optarg);
			break;
		}
		case 'A': {
			char **words = g_strsplit(optarg, ",", -1);
			unsigned i;

			if (!at)
				at = g_array_new(FALSE, FALSE, sizeof(uint32_t));
			for (i = 0; words[i]; i++) {
				char *end;
				unsigned long v;

				errno = 0;
				v = strtoul(words[i], &end, 10);
				if (errno || end == words[i] || *end ||
				    words[i][0] == '-' || v < 2 || v >= UINT32_MAX ||
				    (at->len && v <= g_array_index(at, uint32_t,
								    at->len - 1)) ||
				    at->len + 1 >= MAX_SHARDS) {
					g_strfreev(words);
					g_array_free(at, TRUE);
					return fail(progname, EXIT_USAGE,
						    "--at wants increasing frame numbers "
						    "from 2, not '%s'", optarg);
				}
				g_array_append_val(at, (uint32_t){ (uint32_t)v });
			}
			g_strfreev(words);
			break;
		}
		case 'b':
			by_set = true;
			if (strcmp(optarg, "time") == 0)
				by_frames = false;
			else if (strcmp(optarg, "frames") == 0)
				by_frames = true;
			else
				return fail(progname, EXIT_USAGE,
					    "--by wants time or frames, not '%s'",
					    optarg);
			break;
		case 'r':
			file = optarg;
			break;
		case 'h':
			split_usage(stdout, progname);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try '%s split --help'.\n", progname);
			return EXIT_USAGE;
		}
	}
	if (!file && npos > 0) {
		file = pos[0];
		memmove(pos, pos + 1, sizeof(pos) - sizeof(pos[0]));
		npos--;
	}
	if (!file)
		return fail(progname, EXIT_USAGE, "missing capture file");
	if (npos < 1)
		return fail(progname, EXIT_USAGE, "missing output folder");
	if (npos > 1)
		return fail(progname, EXIT_USAGE, "one output folder ('%s' is extra)",
			    pos[1]);
	if (at && (shards || by_set))
		status = fail(progname, EXIT_USAGE, "--at or --shards, not both");
	else if (!at && shards == 0)
		status = fail(progname, EXIT_USAGE, "missing --shards N (or --at)");
	else if (strcmp(file, "-") == 0)
		status = fail(progname, EXIT_USAGE,
			      "needs a file it can read twice, not standard input");
	else
		status = split_capture(progname, file,
				       at ? at->len + 1 : (unsigned)shards, pos[0],
				       by_frames, at);
	if (at)
		g_array_free(at, TRUE);
	return status;
}
