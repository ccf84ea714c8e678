/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: mpflow, the command line analyzer over pcap and pcapng files
 *
 * Reads a capture file or a live interface (input.c: pcap and pcapng read
 * by capfile.c, a BPF filter, a frame count), feeds every frame to a
 * libmpflow context in one pass, and prints the summary or the per-frame
 * results. The command line takes tcpdump's and tshark's forms too:
 * `mpflow -r FILE [FILTER...]`, summary by default. A capture that breaks
 * off in the middle still gets everything before the break printed, then
 * a one-line error and exit 1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "input.h"
#include "mpflow.h"
#include "match.h"
#include "plot.h"
#include "report.h"
#include "split.h"

#define EXIT_BAD_FILE 1
#define EXIT_USAGE 2

static const char *progname = "mpflow";

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [COMMAND] [OPTIONS] FILE [FILTER...]\n"
		"       %s [COMMAND] [OPTIONS] -r FILE [FILTER...]\n"
		"       %s [COMMAND] [OPTIONS] -i INTERFACE [FILTER...]\n"
		"       %s match [OPTIONS] CLIENT SERVER [FILTER...]\n"
		"Find the multipath structure in a pcap or pcapng capture or on a\n"
		"live interface: MPTCP connections and their subflows, SCTP\n"
		"associations and their paths, LISP sites and their locators. FILE\n"
		"may be - for standard input, a pipe or a FIFO. FILTER is a BPF\n"
		"expression, as tcpdump takes it ('tcp port 5201'); frames keep\n"
		"their numbers in the file.\n"
		"\n"
		"Commands:\n"
		"  summary            every node (connection, association, site) with\n"
		"                     its flows (subflows, paths, RLOC pairs); the\n"
		"                     default\n"
		"  frames             one row per frame that belongs to a node\n"
		"  plot               an SVG picture of one MPTCP connection\n"
		"                     (needs -o); -k delay CLIENT SERVER: the\n"
		"                     one-way delay per subflow of two captures\n"
		"  report             one self-contained HTML file: every node, its\n"
		"                     flows drawn as a graph, the plots and the\n"
		"                     anomalies of each MPTCP connection (needs -o);\n"
		"                     with CLIENT SERVER, a section on the match\n"
		"  match CLIENT SERVER  two captures of one run, taken at the MPTCP\n"
		"                     client and at the server: connections, subflows\n"
		"                     and data segments paired across them; per\n"
		"                     packet (csv, json) its frame on each side,\n"
		"                     one-way delay, loss, and whether a reinjection\n"
		"                     was useful or redundant; per subflow and way\n"
		"                     the delays and losses (exit 3: nothing pairs)\n"
		"  split              cut FILE in time shards: split FILE --shards N\n"
		"                     OUTDIR (see split --help)\n"
		"\n"
		"Input (as tcpdump and tshark):\n"
		"  -r, --read-file FILE  the capture to read (or FILE after the\n"
		"                     command)\n"
		"  -i, --interface IF live capture on IF (a name, or a number from\n"
		"                     -D); implies --stream, prints each node as it\n"
		"                     ends and the rest on Ctrl-C or after -c\n"
		"  -c, --count N      stop after N frames (that pass the filter; of\n"
		"                     each capture for two)\n"
		"  -l, --line-buffered  write each line as it is made (always so\n"
		"                     with -i)\n"
		"  -D, --list-interfaces  list the interfaces -i takes and exit\n"
		"\n"
		"Options:\n"
		"  -f, --format FMT   text (default) or json; frames and match also\n"
		"                     take csv\n"
		"  -a, --all          frames: one row for every frame, not only\n"
		"                     those that belong to a node\n"
		"  -s, --stream       frames: memory stays flat: a row waits for the\n"
		"                     frames that may change it (as without\n"
		"                     --stream) but at most --hold rows, and nodes\n"
		"                     are released as summary --stream does;\n"
		"                     summary: print each node when it ends, idles\n"
		"                     or is evicted, and free it, so memory stays\n"
		"                     flat (nodes still open come last)\n"
		"      --hold N       frames --stream: rows waiting at most (default\n"
		"                     262144; an older row is printed as it stands,\n"
		"                     without a link a later frame adds); 0: each\n"
		"                     row as its frame is read, as one pass of\n"
		"                     Wireshark shows it\n"
		"      --idle-timeout S  summary --stream: release a node idle for\n"
		"                     S seconds of capture time (default 300)\n"
		"      --memory-cap MIB  summary --stream: evict the least recently\n"
		"                     active nodes past MIB MiB of state (default\n"
		"                     16; 0: no cap)\n"
		"  -o, --output FILE  plot, report: write to FILE (- for standard\n"
		"                     output)\n"
		"  -n, --node ID      plot: the connection to draw (default: the\n"
		"                     first MPTCP connection that carried data;\n"
		"                     -k delay: the client capture's node)\n"
		"  -k, --kind K       plot: dsn (default: data sequence numbers,\n"
		"                     data acks, reinjections), throughput (goodput\n"
		"                     per subflow and total) or share (each\n"
		"                     subflow's part of the data), delay (two\n"
		"                     captures: the one-way delay per subflow)\n"
		"  -w, --window S     plot, report: the sliding window of throughput\n"
		"                     and share, in seconds (default: a fiftieth of\n"
		"                     the time shown)\n"
		"      --time-axis A  plot, report: cut (default: stretches with no\n"
		"                     data and no new data ack, longer than a fifth\n"
		"                     of the time shown, are cut out and marked) or\n"
		"                     full (all the time, to scale)\n"
		"      --clock-offset US|auto  match: subtract US microseconds (the\n"
		"                     server's clock minus the client's; auto: the\n"
		"                     estimate from the smallest delays) from the\n"
		"                     client-to-server delays, add it to the others\n"
		"  -d, --disable P    switch off the backend of protocol P (mptcp,\n"
		"                     sctp, lisp)\n"
		"  -v, --verbose      log warnings to standard error (twice: debug)\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n"
		"\n"
		"Exit status: 0 success; 1 the input could not be read (or not\n"
		"completely: what was read before the error is still printed);\n"
		"2 wrong usage (a filter that does not compile too); 3 (match) the\n"
		"captures share no connection.\n",
		progname, progname, progname, progname);
}

static void
log_to_stderr(enum mpf_log_level level, const char *message, void *user_data)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	(void)user_data;
	fprintf(stderr, "%s: %s: %s\n", progname,
		(unsigned)level < 4 ? names[level] : "log", message);
}

struct options {
	const char *command;
	struct input_options in; /* file or interface, filter, count */
	enum report_format fmt;
	bool all;
	bool stream;
	bool line_buffered; /* -l, or a live capture */
	int verbose;
	bool idle_set, cap_set, hold_set;
	uint32_t hold;    /* frames --stream --hold */
	uint32_t idle;    /* --idle-timeout, seconds */
	uint64_t cap_mib; /* --memory-cap */
	bool disabled[MPF_PROTO_COUNT];
	bool has_kind;
	bool delay;              /* plot -k delay: two captures */
	bool time_set; /* --time-axis */
	struct plot_request pic; /* plot and report */
};

enum command {
	CMD_SUMMARY,
	CMD_FRAMES,
	CMD_PLOT,
	CMD_REPORT,
	CMD_MATCH,
};

static int
parse_format(const char *s, enum report_format *fmt)
{
	if (strcmp(s, "text") == 0)
		*fmt = REPORT_TEXT;
	else if (strcmp(s, "json") == 0)
		*fmt = REPORT_JSON;
	else if (strcmp(s, "csv") == 0)
		*fmt = REPORT_CSV;
	else
		return -1;
	return 0;
}

static void fail_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

static void
fail_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", progname);
	exit(EXIT_USAGE);
}

static void
on_release(const struct mpf_ctx *ctx, const struct mpf_node *node,
	   enum mpf_release_reason reason, void *user)
{
	(void)ctx;
	report_stream_node(user, node, (int)reason);
}

/* The input of a live capture, for the signal handler. */
static struct input *volatile live_input;

static void
on_signal(int sig)
{
	(void)sig;
	if (live_input)
		input_stop(live_input);
}

/* A live capture ends cleanly on Ctrl-C: what was seen is printed. */
static void
catch_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* A quiet interface: time still passes for the nodes waiting to be
 * released. */
static void
on_idle(int64_t ts_sec, uint32_t ts_nsec, void *user)
{
	mpf_ctx_expire(user, ts_sec, ts_nsec);
}

/* The analysis context @cmd and @o ask for; NULL when out of memory. */
static struct mpf_ctx *
make_ctx(const struct options *o, enum command cmd, struct summary_stream *ss)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	int i;

	if (!cfg)
		return NULL;
	/* summary needs only the graph; frames keeps each result (32 bytes)
	 * until it is final and printed (frames.c); streamed, nodes go as
	 * they end */
	mpf_config_set_retain_frames(cfg, cmd == CMD_FRAMES);
	if ((cmd == CMD_SUMMARY || cmd == CMD_FRAMES) && o->stream)
		mpf_config_set_streaming(cfg, true);
	if (cmd == CMD_SUMMARY && o->stream) {
		mpf_config_set_release_handler(cfg, on_release, ss);
		if (o->idle_set)
			mpf_config_set_idle_timeout(cfg, o->idle);
		if (o->cap_set)
			mpf_config_set_memory_cap(cfg, o->cap_mib << 20);
	}
	for (i = 1; i < MPF_PROTO_COUNT; i++)
		if (o->disabled[i] &&
		    mpf_config_set_backend(cfg, (enum mpf_protocol)i, false) !=
			    MPF_OK)
			fail_usage("no backend for '%s' in this build",
				   mpf_protocol_to_string((enum mpf_protocol)i));
	if (o->verbose)
		mpf_config_set_log_handler(cfg, log_to_stderr,
					   o->verbose > 1 ? MPF_LOG_DEBUG
							  : MPF_LOG_WARNING,
					   NULL);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	return ctx;
}

/*
 * Runs the analysis of @o's input. Returns the exit status; the output of
 * what was analysed is always written, even when the input breaks off.
 */
/* MPF_BENCH_HEAP=1: the heap the process holds (glibc's bytes in use,
 * mapped chunks included),
 * sampled every HEAP_EVERY frames and at the end, beside the library's
 * state estimate at the same moment, so that bench/hostile can check the
 * estimate against what is really held. The heap is counted from after
 * the context was made; its peak sample is reported with the estimate
 * of that sample. */
#define HEAP_EVERY 4096

struct heap_probe {
	bool on;
	size_t base, peak;
	uint64_t est_at_peak;
};

static void
heap_sample(struct heap_probe *h, const struct mpf_ctx *ctx)
{
	struct mallinfo2 mi = mallinfo2();
	/* chunks in the arenas and the big ones malloc mapped on their own */
	size_t all = mi.uordblks + mi.hblkhd;
	size_t used = all > h->base ? all - h->base : 0;

	if (used >= h->peak) {
		h->peak = used;
		h->est_at_peak = mpf_ctx_get_state_bytes(ctx, NULL);
	}
}

static void
heap_report(const struct heap_probe *h, const struct mpf_ctx *ctx)
{
	uint64_t peak;

	mpf_ctx_get_state_bytes(ctx, &peak);
	fprintf(stderr,
		"%s: heap: %zu bytes in use at the peak sample, state "
		"estimate then %" PRIu64 ", estimate peak %" PRIu64 "\n",
		progname, h->peak, h->est_at_peak, peak);
}

static int
run(const struct options *o, enum command cmd)
{
	struct frames_writer w = { stdout, o->fmt, o->line_buffered, 0, false,
				   0, NULL, 0 };
	struct frames_pass *fp = NULL; /* frames: rows waiting to be final */
	struct mpf_ctx *ctx;
	struct input *in;
	struct input_frame fr;
	const char *shown;
	char *msg = NULL, stats[160];
	struct plot_data *pd = NULL; /* plot, report: decimated as fed */
	struct summary_stream ss = { stdout, o->fmt, NULL, 0, NULL };
	struct heap_probe heap = { false, 0, 0, 0 };
	const char *probe = getenv("MPF_BENCH_HEAP");
	uint32_t number = 0;
	int r, status = EXIT_SUCCESS;

	r = input_open(&o->in, &in, &msg);
	if (r != INPUT_OK) {
		fprintf(stderr, "%s: %s\n", progname, msg);
		if (r == INPUT_EUSAGE)
			fprintf(stderr, "Try '%s --help'.\n", progname);
		g_free(msg);
		return r == INPUT_EUSAGE ? EXIT_USAGE : EXIT_BAD_FILE;
	}
	shown = ss.path = input_name(in);
	ctx = make_ctx(o, cmd, &ss);
	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", progname);
		input_close(in);
		return EXIT_BAD_FILE;
	}
	if (input_is_live(in)) {
		/* frames as they come, and a clean end on Ctrl-C */
		setvbuf(stdout, NULL, _IOLBF, 0);
		w.line = true;
		live_input = in;
		catch_signals(true);
		input_set_idle(in, on_idle, ctx);
	}

	if (cmd == CMD_FRAMES) {
		report_frames_begin(&w, shown);
		fp = frames_pass_new(&w, o->all, o->stream,
				     o->hold_set ? o->hold : FRAMES_HOLD);
	}
	if (cmd == CMD_SUMMARY && o->stream)
		report_stream_begin(&ss);
	if (cmd == CMD_PLOT || cmd == CMD_REPORT)
		pd = plot_data_new();
	if (probe && *probe && strcmp(probe, "0") != 0) {
		struct mallinfo2 mi = mallinfo2();

		heap.on = true;
		heap.base = mi.uordblks + mi.hblkhd;
	}
	while ((r = input_next(in, &fr)) > 0) {
		struct mpf_packet pkt;
		const struct mpf_frame *f;

		pkt.number = number = fr.number;
		pkt.linktype = fr.linktype;
		pkt.data = fr.data;
		pkt.caplen = fr.caplen;
		pkt.wirelen = fr.wirelen;
		pkt.ts_sec = fr.ts_sec;
		pkt.ts_nsec = fr.ts_nsec;
		if (mpf_ctx_feed(ctx, &pkt, &f) != MPF_OK)
			continue;
		if (heap.on && fr.number % HEAP_EVERY == 0)
			heap_sample(&heap, ctx);
		if (fp)
			frames_pass_fed(fp, ctx, pkt.number, pkt.ts_sec,
					pkt.ts_nsec);
		if (pd)
			plot_data_add(pd, f, pkt.ts_sec * 1000000000LL + pkt.ts_nsec);
	}
	if (input_is_live(in)) {
		catch_signals(false);
		live_input = NULL;
	}
	if (heap.on) {
		heap_sample(&heap, ctx);
		heap_report(&heap, ctx);
	}
	if (cmd == CMD_FRAMES) {
		frames_pass_free(fp, ctx);
		report_frames_end(&w);
	}
	else if (cmd == CMD_PLOT)
		status = plot_command(&o->pic, shown, ctx, pd);
	else if (cmd == CMD_REPORT)
		status = report_html_command(&o->pic, shown, ctx, pd);
	else if (o->stream)
		report_stream_end(&ss, ctx);
	else
		report_summary(stdout, o->fmt, shown, ctx);
	plot_data_free(pd);
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", progname, input_error(in));
		status = EXIT_BAD_FILE;
	}
	if (input_stats(in, stats, sizeof(stats))) {
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", progname, shown, stats);
	}
	mpf_ctx_free(ctx);
	input_close(in);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing the output: %s\n", progname,
			strerror(errno));
		status = EXIT_BAD_FILE;
	}
	return status;
}

/*
 * Two captures of one run: `match CLIENT SERVER` (tools/match.c), the
 * pictures `plot -k delay CLIENT SERVER` (tools/plot-delay.c) and
 * `report CLIENT SERVER`, the client capture's report with a section on
 * the match (tools/report-match.c). A filter and -c apply to both.
 */
static int
two_captures(struct options *o, const struct match_options *mo,
	     enum command cmd, const char *client, const char *server)
{
	struct match_run mr;
	struct match_html mh;
	int status;

	if (cmd == CMD_MATCH) {
		if (o->all || o->stream || o->idle_set || o->cap_set ||
		    o->pic.output || o->pic.window > 0 || o->pic.has_node ||
		    o->has_kind)
			fail_usage("match takes --format, --clock-offset, -c, "
				   "--disable and -v only");
		if (strcmp(client, "-") == 0 && strcmp(server, "-") == 0)
			fail_usage("match reads at most one capture from "
				   "standard input");
		return match_command(mo, client, server);
	}
	if (!o->pic.output)
		fail_usage("%s needs an output file (-o FILE)", o->command);
	if (o->all || o->stream || o->fmt != REPORT_TEXT || o->idle_set ||
	    o->cap_set || o->pic.window > 0)
		fail_usage("%s of two captures takes -o, --node, --clock-offset, "
			   "-c, --disable and -v", o->command);
	if (strcmp(client, "-") == 0 || strcmp(server, "-") == 0)
		fail_usage("%s of two captures reads files, not standard input",
			   o->command);
	if (cmd == CMD_PLOT)
		return match_plot_command(mo, client, server, o->pic.output,
					  o->pic.has_node, o->pic.node);
	if (o->pic.has_node || o->has_kind)
		fail_usage("--node and --kind apply to plot only");
	memset(&mr, 0, sizeof(mr));
	mr.path[0] = client;
	mr.path[1] = server;
	status = match_load(&mr, mo);
	if (!mr.match) {
		match_run_free(&mr);
		return status ? status : EXIT_BAD_FILE;
	}
	mh.run = &mr;
	mh.offset = match_offset(&mr, mo);
	o->pic.extra = match_html_section;
	o->pic.extra_user = &mh;
	o->in.path = client;
	o->in.quiet = true; /* read a second time: warned about already */
	status = run(o, cmd) || status ? EXIT_BAD_FILE : EXIT_SUCCESS;
	match_run_free(&mr);
	return status;
}

static const char *const command_names[] = { "summary", "frames", "plot",
					      "report", "match" };

/* Whether @word names a command; stores it in *@cmd. */
static bool
command_from_string(const char *word, enum command *cmd)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(command_names); i++)
		if (strcmp(word, command_names[i]) == 0) {
			*cmd = (enum command)i;
			return true;
		}
	return false;
}

/* Whether the words from @w name two captures of one run: match always,
 * plot -k delay, and report when the word after the first file is a
 * file too (else it starts a filter). */
static bool
two_captures_given(const struct options *o, enum command cmd,
		   const GPtrArray *words, guint w)
{
	if (cmd == CMD_MATCH || (cmd == CMD_PLOT && o->delay))
		return true;
	return cmd == CMD_REPORT && !o->in.path && !o->in.iface &&
	       words->len - w >= 2 &&
	       strcmp(g_ptr_array_index(words, w + 1), "-") != 0 &&
	       access(g_ptr_array_index(words, w + 1), F_OK) == 0;
}

/* A whole number in 1..@max for option -@c, or a usage error. */
static uint64_t
parse_count(const char *arg, const char *name, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
		fail_usage("%s wants a whole number, not '%s'", name, arg);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "stream", no_argument, NULL, 's' },
		{ "disable", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "node", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "time-axis", required_argument, NULL, 'T' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "memory-cap", required_argument, NULL, 'M' },
		{ "hold", required_argument, NULL, 'H' },
		{ "clock-offset", required_argument, NULL, 'C' },
		{ "read-file", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "line-buffered", no_argument, NULL, 'l' },
		{ "list-interfaces", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct match_options mo;
	GPtrArray *words = g_ptr_array_new(); /* command, files, filter */
	struct options o;
	enum command cmd = CMD_SUMMARY;
	bool line_buffered = false, list = false;
	guint w = 0;
	int c, status;

	/* split has words of its own */
	if (argc > 1 && strcmp(argv[1], "split") == 0)
		return split_main(progname, argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	memset(&mo, 0, sizeof(mo));
	o.fmt = REPORT_TEXT;
	o.in.progress = true;
	for (;;) {
		c = getopt_long(argc, argv, "+f:asd:o:n:k:w:r:i:c:lDvhV", longopts,
				NULL);
		if (c == -1) {
			bool rest = optind > 1 && strcmp(argv[optind - 1], "--") == 0;

			if (optind >= argc)
				break;
			/* a positional word (command, file or filter);
			 * options may come before or after it, until a "--" */
			do
				g_ptr_array_add(words, argv[optind++]);
			while (rest && optind < argc);
			continue;
		}
		switch (c) {
		case 'f':
			if (parse_format(optarg, &o.fmt) != 0)
				fail_usage("unknown format '%s' (text, csv, json)",
					   optarg);
			break;
		case 'a':
			o.all = true;
			break;
		case 's':
			o.stream = true;
			break;
		case 'I':
			o.idle = (uint32_t)parse_count(optarg, "--idle-timeout",
						       0, UINT32_MAX);
			o.idle_set = true;
			break;
		case 'H':
			o.hold = (uint32_t)parse_count(optarg, "--hold", 0,
						       UINT32_MAX);
			o.hold_set = true;
			break;
		case 'M':
			o.cap_mib = parse_count(optarg, "--memory-cap", 0,
						UINT64_MAX >> 20);
			o.cap_set = true;
			break;
		case 'r':
			o.in.path = optarg;
			break;
		case 'i':
			o.in.iface = optarg;
			break;
		case 'c':
			o.in.count = parse_count(optarg, "-c (--count)", 1,
						 UINT64_MAX);
			break;
		case 'l':
			line_buffered = true;
			break;
		case 'D':
			list = true;
			break;
		case 'C': {
			char *end;
			double v;

			if (strcmp(optarg, "auto") == 0) {
				mo.offset_auto = true;
				mo.has_offset = true;
				break;
			}
			errno = 0;
			v = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(v > -1e12 && v < 1e12))
				fail_usage("--clock-offset wants microseconds or "
					   "auto, not '%s'", optarg);
			mo.offset_ns = (int64_t)(v * 1000.0);
			mo.has_offset = true;
			break;
		}
		case 'd': {
			enum mpf_protocol p;

			if (mpf_protocol_from_string(optarg, &p) != MPF_OK ||
			    !mpf_protocol_is_available(p))
				fail_usage("no backend named '%s'", optarg);
			o.disabled[p] = true;
			break;
		}
		case 'o':
			o.pic.output = optarg;
			break;
		case 'n': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v >= MPF_ID_NONE)
				fail_usage("--node wants a node id, not '%s'", optarg);
			o.pic.node = (uint32_t)v;
			o.pic.has_node = true;
			break;
		}
		case 'k':
			if (strcmp(optarg, "delay") == 0)
				o.delay = true; /* two captures: plot-delay.c */
			else if (plot_kind_from_string(optarg, &o.pic.kind) != 0)
				fail_usage("unknown plot kind '%s' (dsn, throughput, "
					   "share, delay)", optarg);
			o.has_kind = true;
			break;
		case 'w': {
			char *end;

			errno = 0;
			o.pic.window = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o.pic.window > 0) ||
			    o.pic.window > 1e6)
				fail_usage("--window wants seconds (> 0), not '%s'",
					   optarg);
			break;
		}
		case 'T':
			if (strcmp(optarg, "cut") == 0)
				o.pic.full_time = false;
			else if (strcmp(optarg, "full") == 0)
				o.pic.full_time = true;
			else
				fail_usage("--time-axis wants cut or full, not '%s'",
					   optarg);
			o.time_set = true;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("mpflow %s (libmpflow %s, %s)\n", MPFLOW_CLI_VERSION,
			       mpf_version_string(), pcap_lib_version());
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try '%s --help'.\n", progname);
			return EXIT_USAGE;
		}
	}
	if (list) {
		char *msg;

		if (input_list_interfaces(stdout, &msg) != 0) {
			fprintf(stderr, "%s: %s\n", progname, msg);
			return EXIT_BAD_FILE;
		}
		return EXIT_SUCCESS;
	}

	/* [COMMAND] [FILE] [FILTER...]: the command defaults to summary, the
	 * file comes from -r or -i when given, the rest is a BPF filter */
	if (w < words->len && command_from_string(g_ptr_array_index(words, w),
						  &cmd))
		w++;
	else if (w < words->len && !o.in.path && !o.in.iface) {
		const char *word = g_ptr_array_index(words, w);

		/* a bare word that names no file was meant as a command */
		if (strcmp(word, "-") != 0 && !strpbrk(word, "./") &&
		    access(word, F_OK) != 0)
			fail_usage("unknown command '%s' (summary, frames, plot, "
				   "report, match or split)", word);
	}
	o.command = command_names[cmd];
	mo.fmt = o.fmt;
	mo.verbose = o.verbose;
	mo.log = log_to_stderr;
	memcpy(mo.disabled, o.disabled, sizeof(mo.disabled));
	if (two_captures_given(&o, cmd, words, w)) {
		const char *client, *server;

		if (o.in.path || o.in.iface)
			fail_usage("%s of two captures takes them as CLIENT "
				   "SERVER, not -r or -i", o.command);
		if (words->len - w < 2)
			fail_usage("%s needs two captures: CLIENT SERVER",
				   o.command);
		client = g_ptr_array_index(words, w);
		server = g_ptr_array_index(words, w + 1);
		w += 2;
		if (w < words->len) {
			g_ptr_array_add(words, NULL);
			o.in.filter = g_strjoinv(" ", (char **)words->pdata + w);
		}
		g_ptr_array_free(words, TRUE);
		mo.filter = o.in.filter;
		mo.count = o.in.count;
		if (line_buffered)
			setvbuf(stdout, NULL, _IOLBF, 0);
		status = two_captures(&o, &mo, cmd, client, server);
		g_free((char *)o.in.filter);
		return status;
	}
	if (mo.has_offset)
		fail_usage("--clock-offset applies to two captures only (match, "
			   "plot -k delay, report)");
	if (o.in.path && o.in.iface)
		fail_usage("-r and -i: one input at a time");
	if (!o.in.path && !o.in.iface) {
		if (w >= words->len)
			fail_usage("missing capture (FILE, -r FILE or -i "
				   "INTERFACE)");
		o.in.path = g_ptr_array_index(words, w++);
	}
	if (w < words->len) {
		g_ptr_array_add(words, NULL);
		o.in.filter = g_strjoinv(" ", (char **)words->pdata + w);
	}
	g_ptr_array_free(words, TRUE);
	if (o.in.iface && (cmd == CMD_SUMMARY || cmd == CMD_FRAMES))
		o.stream = true; /* a live capture has no end to wait for */
	if (cmd == CMD_SUMMARY && o.fmt == REPORT_CSV)
		fail_usage("summary has no csv format (text or json)");
	if (cmd == CMD_SUMMARY && o.all)
		fail_usage("--all applies to frames only");
	if (o.hold_set && !(cmd == CMD_FRAMES && o.stream))
		fail_usage("--hold applies to frames --stream only");
	if ((o.idle_set || o.cap_set) && !(cmd == CMD_SUMMARY && o.stream))
		fail_usage("--idle-timeout and --memory-cap apply to summary "
			   "--stream only");
	if ((cmd == CMD_PLOT || cmd == CMD_REPORT) &&
	    (o.all || o.stream || o.fmt != REPORT_TEXT))
		fail_usage("--format, --all and --stream do not apply to %s",
			   o.command);
	if ((cmd == CMD_PLOT || cmd == CMD_REPORT) && !o.pic.output)
		fail_usage("%s needs an output file (-o FILE)", o.command);
	if (cmd != CMD_PLOT && cmd != CMD_REPORT &&
	    (o.pic.output || o.pic.window > 0 || o.time_set))
		fail_usage("--output, --window and --time-axis apply to plot and "
			   "report only");
	if (cmd != CMD_PLOT && (o.pic.has_node || o.has_kind))
		fail_usage("--node and --kind apply to plot only");
	if (line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	o.line_buffered = line_buffered;
	status = run(&o, cmd);
	g_free((char *)o.in.filter);
	return status;
}
