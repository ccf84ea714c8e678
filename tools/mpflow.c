/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: mpflow, the command line analyzer over pcap and pcapng files
 *
 * Reads a capture with libpcap, feeds every frame to a libmpflow context in
 * one streaming pass (no per-frame store), and prints the summary or the
 * per-frame results. A capture that breaks off in the middle still gets
 * everything before the break printed, then a one-line error and exit 1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

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
		"Usage: %s COMMAND [OPTIONS] FILE\n"
		"       %s match [OPTIONS] CLIENT SERVER\n"
		"Find the multipath structure in a pcap or pcapng capture: MPTCP\n"
		"connections and their subflows, SCTP associations and their paths,\n"
		"LISP sites and their locators. FILE may be - for standard input.\n"
		"\n"
		"Commands:\n"
		"  summary            every node (connection, association, site) with\n"
		"                     its flows (subflows, paths, RLOC pairs)\n"
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
		"Options:\n"
		"  -f, --format FMT   text (default) or json; frames and match also\n"
		"                     take csv\n"
		"  -a, --all          frames: one row for every frame, not only\n"
		"                     those that belong to a node\n"
		"  -s, --stream       frames: print each frame as it is read, keeping\n"
		"                     nothing (reinjected_in stays empty: it is only\n"
		"                     known later); summary: print each node when it\n"
		"                     ends, idles or is evicted, and free it, so\n"
		"                     memory stays flat (nodes still open come last)\n"
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
		"Exit status: 0 success; 1 the capture could not be read (or not\n"
		"completely: what was read before the error is still printed);\n"
		"2 wrong usage; 3 (match) the captures share no connection.\n",
		progname, progname);
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
	const char *path;
	enum report_format fmt;
	bool all;
	bool stream;
	int verbose;
	bool idle_set, cap_set;
	uint32_t idle;    /* --idle-timeout, seconds */
	uint64_t cap_mib; /* --memory-cap */
	bool disabled[4];
	bool has_kind;
	bool delay;              /* plot -k delay: two captures */
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

/*
 * Prints the retained results of frames 1..@number, with each frame's time
 * from @times (standard input) or from a second read of the file.
 */
static void
print_retained(const struct options *o, struct frames_writer *w,
	       const struct mpf_ctx *ctx, uint32_t number, GArray *times,
	       GArray *times_ns)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *pc = NULL;
	uint32_t k;

	if (times->len < number)
		pc = pcap_open_offline_with_tstamp_precision(
			o->path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	for (k = 1; k <= number; k++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, k);
		int64_t sec;
		uint32_t nsec;

		if (k <= times->len) {
			sec = g_array_index(times, int64_t, k - 1);
			nsec = g_array_index(times_ns, uint32_t, k - 1);
		} else if (pc && pcap_next_ex(pc, &hdr, &data) == 1) {
			sec = hdr->ts.tv_sec;
			nsec = (uint32_t)hdr->ts.tv_usec; /* nanoseconds */
		} else {
			break; /* the file changed under us: print no more */
		}
		if (f && (o->all || mpf_frame_get_node_id(f) != MPF_ID_NONE))
			report_frames_row(w, f, sec, nsec);
	}
	if (pc)
		pcap_close(pc);
}

/*
 * Runs the analysis of @o->path. Returns the exit status; the output of
 * what was analysed is always written, even when the file breaks off.
 */
static int
run(const struct options *o, enum command cmd)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct frames_writer w = { stdout, o->fmt, 0, false, 0 };
	struct mpf_config *cfg;
	struct mpf_ctx *ctx;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	const char *shown = strcmp(o->path, "-") == 0 ? "(standard input)" : o->path;
	pcap_t *pc;
	GArray *times, *times_ns; /* each frame's time stamp, for printing */
	struct plot_data *pd = NULL; /* plot, report: decimated as fed */
	struct summary_stream ss = { stdout, o->fmt, shown, 0, NULL };
	uint32_t number = 0;
	int linktype, r, i, status = EXIT_SUCCESS;
	bool keep_times;

	pc = pcap_open_offline_with_tstamp_precision(o->path,
						     PCAP_TSTAMP_PRECISION_NANO,
						     errbuf);
	if (!pc) {
		fprintf(stderr, "%s: %s: %s\n", progname, shown,
			errbuf[0] ? errbuf : "cannot read the capture");
		return EXIT_BAD_FILE;
	}
	linktype = pcap_datalink(pc);
	if (!mpf_linktype_is_supported(linktype)) {
		const char *name = pcap_datalink_val_to_name(linktype);

		fprintf(stderr, "%s: %s: unsupported link type %d (%s)\n",
			progname, shown, linktype, name ? name : "unknown");
		pcap_close(pc);
		return EXIT_BAD_FILE;
	}

	cfg = mpf_config_new();
	if (!cfg) {
		fprintf(stderr, "%s: out of memory\n", progname);
		pcap_close(pc);
		return EXIT_BAD_FILE;
	}
	/* summary needs only the graph; frames keeps every result (32 bytes
	 * a frame) so that links to later frames are filled in, unless the
	 * user streams; a streamed summary lets nodes go as they end */
	mpf_config_set_retain_frames(cfg, cmd == CMD_FRAMES && !o->stream);
	if (cmd == CMD_SUMMARY && o->stream) {
		mpf_config_set_streaming(cfg, true);
		mpf_config_set_release_handler(cfg, on_release, &ss);
		if (o->idle_set)
			mpf_config_set_idle_timeout(cfg, o->idle);
		if (o->cap_set)
			mpf_config_set_memory_cap(cfg, o->cap_mib << 20);
	}
	for (i = 1; i < 4; i++)
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
	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", progname);
		pcap_close(pc);
		return EXIT_BAD_FILE;
	}

	times = g_array_new(FALSE, FALSE, sizeof(int64_t));
	times_ns = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	/* the frames' times for printing after the pass: read from the file
	 * again, as Wireshark does, or kept when it cannot be reopened */
	keep_times = cmd == CMD_FRAMES && !o->stream && strcmp(o->path, "-") == 0;
	if (cmd == CMD_FRAMES)
		report_frames_begin(&w, shown);
	if (cmd == CMD_SUMMARY && o->stream)
		report_stream_begin(&ss);
	if (cmd == CMD_PLOT || cmd == CMD_REPORT)
		pd = plot_data_new();
	while ((r = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct mpf_packet pkt;
		const struct mpf_frame *f;

		pkt.number = ++number;
		pkt.linktype = linktype;
		pkt.data = data;
		pkt.caplen = hdr->caplen;
		pkt.wirelen = hdr->len;
		pkt.ts_sec = hdr->ts.tv_sec;
		pkt.ts_nsec = (uint32_t)hdr->ts.tv_usec; /* nanoseconds: see open */
		if (mpf_ctx_feed(ctx, &pkt, &f) != MPF_OK)
			continue;
		if (cmd == CMD_FRAMES && o->stream &&
		    (o->all || mpf_frame_get_node_id(f) != MPF_ID_NONE))
			report_frames_row(&w, f, pkt.ts_sec, pkt.ts_nsec);
		if (pd)
			plot_data_add(pd, f, pkt.ts_sec * 1000000000LL + pkt.ts_nsec);
		if (keep_times) {
			g_array_append_val(times, pkt.ts_sec);
			g_array_append_val(times_ns, pkt.ts_nsec);
		}
	}
	if (cmd == CMD_FRAMES && !o->stream)
		print_retained(o, &w, ctx, number, times, times_ns);
	if (cmd == CMD_FRAMES)
		report_frames_end(&w);
	else if (cmd == CMD_PLOT)
		status = plot_command(&o->pic, shown, ctx, pd);
	else if (cmd == CMD_REPORT)
		status = report_html_command(&o->pic, shown, ctx, pd);
	else if (o->stream)
		report_stream_end(&ss, ctx);
	else
		report_summary(stdout, o->fmt, shown, ctx);
	plot_data_free(pd);
	g_array_free(times, TRUE);
	g_array_free(times_ns, TRUE);
	if (r == PCAP_ERROR) {
		fflush(stdout);
		fprintf(stderr, "%s: %s: frame %" PRIu32 ": %s\n", progname,
			shown, number + 1, pcap_geterr(pc));
		status = EXIT_BAD_FILE;
	}
	mpf_ctx_free(ctx);
	pcap_close(pc);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: writing the output: %s\n", progname,
			strerror(errno));
		status = EXIT_BAD_FILE;
	}
	return status;
}

/*
 * The pictures of two captures of one run: `plot -k delay CLIENT SERVER`
 * (tools/plot-delay.c) and `report CLIENT SERVER`, the client capture's
 * report with a section on the match (tools/report-match.c).
 */
static int
two_captures(struct options *o, const struct match_options *mo,
	     enum command cmd, int npos, const char *const *pos)
{
	struct match_run mr;
	struct match_html mh;
	int status;

	if (npos != 3)
		fail_usage("%s needs two captures: CLIENT SERVER", o->command);
	if (!o->pic.output)
		fail_usage("%s needs an output file (-o FILE)", o->command);
	if (o->all || o->stream || o->fmt != REPORT_TEXT || o->idle_set ||
	    o->cap_set || o->pic.window > 0)
		fail_usage("%s of two captures takes -o, --node, --clock-offset, "
			   "--disable and -v", o->command);
	if (strcmp(pos[1], "-") == 0 || strcmp(pos[2], "-") == 0)
		fail_usage("%s of two captures reads files, not standard input",
			   o->command);
	if (cmd == CMD_PLOT)
		return match_plot_command(mo, pos[1], pos[2], o->pic.output,
					  o->pic.has_node, o->pic.node);
	if (o->pic.has_node || o->has_kind)
		fail_usage("--node and --kind apply to plot only");
	memset(&mr, 0, sizeof(mr));
	mr.path[0] = pos[1];
	mr.path[1] = pos[2];
	status = match_load(&mr, mo);
	if (!mr.match) {
		match_run_free(&mr);
		return status ? status : EXIT_BAD_FILE;
	}
	mh.run = &mr;
	mh.offset = match_offset(&mr, mo);
	o->pic.extra = match_html_section;
	o->pic.extra_user = &mh;
	o->path = pos[1];
	status = run(o, cmd) || status ? EXIT_BAD_FILE : EXIT_SUCCESS;
	match_run_free(&mr);
	return status;
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
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "memory-cap", required_argument, NULL, 'M' },
		{ "clock-offset", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pos[4] = { NULL, NULL, NULL, NULL };
	struct match_options mo;
	struct options o;
	enum command cmd = CMD_SUMMARY;
	int c, npos = 0;

	/* split has words of its own */
	if (argc > 1 && strcmp(argv[1], "split") == 0)
		return split_main(progname, argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	memset(&mo, 0, sizeof(mo));
	o.fmt = REPORT_TEXT;
	for (;;) {
		c = getopt_long(argc, argv, "+f:asd:o:n:k:w:vhV", longopts, NULL);
		if (c == -1) {
			bool rest = optind > 1 && strcmp(argv[optind - 1], "--") == 0;

			if (optind >= argc)
				break;
			/* a positional word (command or file); options may
			 * come before or after it, until a "--" */
			do {
				if (npos < 4)
					pos[npos] = argv[optind];
				npos++;
				optind++;
			} while (rest && optind < argc);
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
		case 'M': {
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    (c == 'I' && v > UINT32_MAX) ||
			    (c == 'M' && v > (UINT64_MAX >> 20)))
				fail_usage("--%s wants a whole number, not '%s'",
					   c == 'I' ? "idle-timeout" : "memory-cap",
					   optarg);
			if (c == 'I') {
				o.idle = (uint32_t)v;
				o.idle_set = true;
			} else {
				o.cap_mib = v;
				o.cap_set = true;
			}
			break;
		}
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
	o.command = npos > 0 ? pos[0] : NULL;
	if (!o.command)
		fail_usage("missing command (summary, frames, plot or report)");
	if (strcmp(o.command, "summary") == 0)
		cmd = CMD_SUMMARY;
	else if (strcmp(o.command, "frames") == 0)
		cmd = CMD_FRAMES;
	else if (strcmp(o.command, "plot") == 0)
		cmd = CMD_PLOT;
	else if (strcmp(o.command, "report") == 0)
		cmd = CMD_REPORT;
	else if (strcmp(o.command, "match") == 0)
		cmd = CMD_MATCH;
	else
		fail_usage("unknown command '%s'", o.command);
	mo.fmt = o.fmt;
	mo.verbose = o.verbose;
	mo.log = log_to_stderr;
	memcpy(mo.disabled, o.disabled, sizeof(mo.disabled));
	if (mo.has_offset && cmd != CMD_MATCH && !o.delay &&
	    !(cmd == CMD_REPORT && npos == 3))
		fail_usage("--clock-offset applies to two captures only (match, "
			   "plot -k delay, report)");
	if ((cmd == CMD_PLOT && o.delay) || (cmd == CMD_REPORT && npos == 3))
		return two_captures(&o, &mo, cmd, npos, pos);
	if (cmd == CMD_MATCH) {
		if (npos < 3)
			fail_usage("match needs two captures: CLIENT SERVER");
		if (npos > 3)
			fail_usage("match takes two captures ('%s' is extra)",
				   pos[3]);
		if (o.all || o.stream || o.idle_set || o.cap_set ||
		    o.pic.output || o.pic.window > 0 || o.pic.has_node ||
		    o.has_kind)
			fail_usage("match takes --format, --clock-offset, "
				   "--disable and -v only");
		if (strcmp(pos[1], "-") == 0 && strcmp(pos[2], "-") == 0)
			fail_usage("match reads at most one capture from "
				   "standard input");
		return match_command(&mo, pos[1], pos[2]);
	}
	if (npos < 2)
		fail_usage("missing capture file");
	if (npos > 2)
		fail_usage("one capture file at a time ('%s' is extra; two "
			   "captures: match, plot -k delay, report)", pos[2]);
	o.path = pos[1];
	if (cmd == CMD_SUMMARY && o.fmt == REPORT_CSV)
		fail_usage("summary has no csv format (text or json)");
	if (cmd == CMD_SUMMARY && o.all)
		fail_usage("--all applies to frames only");
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
	    (o.pic.output || o.pic.window > 0))
		fail_usage("--output and --window apply to plot and report only");
	if (cmd != CMD_PLOT && (o.pic.has_node || o.has_kind))
		fail_usage("--node and --kind apply to plot only");
	return run(&o, cmd);
}
