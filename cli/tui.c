// SPDX-License-Identifier: MIT
/*
 * ptkit tui: the page-table browser in a terminal (ncurses), or scripted:
 * keys from an option, the final screen written as text, for tests and
 * for showing a screen in a mail.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

enum { OPT_KEYS = 0x700, OPT_SCREEN, OPT_SIZE, OPT_REPLAY, OPT_POLICY,
       OPT_SELECT, OPT_TIMING, OPT_EXPECT };

struct tui_args {
	struct source_opts src;
	const char *keys;	/* scripted mode */
	const char *screen;	/* write the final screen here */
	int rows, cols;
	bool timing;		/* scripted: how long keys and slices took */
	const char *replay;	/* a trace to play in the grid */
	const char *expect;	/* the dump its last frame is compared with */
	enum ptk_policy policies[PTK_POLICY_N];
	size_t npolicies;
	struct ptk_selector sel;
};

static const struct argp_option options[] = {
	{ "keys", OPT_KEYS, "KEYS", 0,
	  "scripted: press KEYS (characters, and <Enter> <Esc> <BS> <Up> "
	  "<Down> <Left> <Right> <PgUp> <PgDn> <Home> <End>), then print the "
	  "screen as text instead of opening the terminal", 0 },
	{ "screen", OPT_SCREEN, "FILE", 0,
	  "scripted: write the screen to FILE instead of standard output", 0 },
	{ "size", OPT_SIZE, "COLSxROWS", 0,
	  "scripted: the screen's size (default 80x24)", 0 },
	{ "timing", OPT_TIMING, NULL, 0,
	  "scripted: say on standard error how long the slowest key took "
	  "(its handling and the redraw) and the slowest slice of the work "
	  "done between keys, as the terminal would run them", 0 },
	{ "replay", OPT_REPLAY, "TRACE", 0,
	  "open the direct-map grid on a replay of this allocator trace, as "
	  "ptkit replay runs it: . > W E step an event, a thousand, to the "
	  "worst point, to the end; c shows the next policy", 0 },
	{ "policy", OPT_POLICY, "P,P,...", 0,
	  "with --replay: the policies, none, naive, pageblock (default "
	  "naive,pageblock,none; the first is shown first)", 0 },
	{ "expect", OPT_EXPECT, "DUMP", 0,
	  "with --replay: at the end, compare the model with this later dump "
	  "of the same machine, as ptkit replay --expect, and mark the cells "
	  "where they disagree with !", 0 },
	{ "select", OPT_SELECT, "SEL", 0,
	  "with --replay: the allocations a policy takes out, as ptkit "
	  "replay --select", 0 },
	{ 0 }
};

static void add_policies(struct argp_state *state, struct tui_args *a,
			 const char *list)
{
	a->npolicies = 0;
	policies_opt(state, list, a->policies, &a->npolicies);
	if (!a->npolicies)
		argp_error(state, "--policy: no policy given");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tui_args *a = state->input;
	char err[160];
	char *end;

	switch (key) {
	case OPT_REPLAY:
		a->replay = arg;
		return 0;
	case OPT_TIMING:
		a->timing = true;
		return 0;
	case OPT_EXPECT:
		a->expect = arg;
		return 0;
	case OPT_POLICY:
		add_policies(state, a, arg);
		return 0;
	case OPT_SELECT:
		if (!ptk_selector_parse(arg, &a->sel, err, sizeof(err)))
			argp_error(state, "--select: %s", err);
		return 0;
	case OPT_KEYS:
		a->keys = arg;
		return 0;
	case OPT_SCREEN:
		a->screen = arg;
		return 0;
	case OPT_SIZE:
		a->cols = (int)strtol(arg, &end, 10);
		if (*end != 'x' || a->cols < 20 || a->cols > 1000)
			argp_error(state, "--size: '%s' is not COLSxROWS, at "
				   "least 20x4", arg);
		a->rows = (int)strtol(end + 1, &end, 10);
		if (*end || a->rows < 4 || a->rows > 1000)
			argp_error(state, "--size: '%s' is not COLSxROWS, at "
				   "least 20x4", arg);
		return 0;
	default:
		return one_source_opt(key, arg, state, &a->src, NULL);
	}
}

static const struct argp tui_argp = {
	options, parse_opt, "SOURCE",
	"Browse the page tables of a source interactively: the 512 entries "
	"of each table with their addresses, raw values, flags and kinds; "
	"Enter descends, Backspace goes up, g goes to a virtual address, p "
	"to a physical one, ? lists the keys.\v"
	"With --keys, no terminal is used: the keys are pressed in order and "
	"the screen is printed as text.",
	source_children, NULL, NULL,
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", TUI_KEY_ENTER }, { "Esc", TUI_KEY_ESC },
	{ "BS", KEY_BACKSPACE }, { "Up", KEY_UP }, { "Down", KEY_DOWN },
	{ "Left", KEY_LEFT }, { "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "lt", '<' },
};

/* The next key of a script, or -1 at its end, or -2 for a bad name. */
static int script_key(const char **p)
{
	const char *s = *p;

	if (!*s)
		return -1;
	if (*s == '<') {
		const char *close = strchr(s, '>');

		for (size_t i = 0; close && i < sizeof(key_names) /
					       sizeof(key_names[0]); i++)
			if ((size_t)(close - s - 1) == strlen(key_names[i].name) &&
			    !memcmp(s + 1, key_names[i].name,
				    strlen(key_names[i].name))) {
				*p = close + 1;
				return key_names[i].key;
			}
		return -2;
	}
	*p = s + 1;
	return (unsigned char)*s;
}

/* How long a script's keys and the work between them took. */
struct timing {
	double key, slice;	/* the slowest */
	unsigned key_at;	/* which key, from 1 */
	unsigned keys;
};

/* The work a terminal does between keys (counting, auditing, a film
 * running), in the slices it would, to the end. */
static void background(struct tui *t, struct timing *tm)
{
	for (;;) {
		double t0 = tui_now(), d;

		if (overview_waiting(t)) {
			/* the session's thread reads the symbols: not the
			 * keys' thread's work, not a slice */
			usleep(1000);
			continue;
		}
		if (film_busy(t))
			film_run(t, 0.04);
		else if (!overview_done(t))
			overview_step(t, 0.02);
		else if (!regions_done(t))
			regions_step(t, 0.02);
		else
			break;
		d = tui_now() - t0;
		tm->slice = d > tm->slice ? d : tm->slice;
	}
	/* a script's screens do not depend on the thread's timing */
	session_preload_wait(t->s);
}

static int run_script(struct tui *t, const struct tui_args *a)
{
	struct timing tm = { 0 };
	struct canvas c;
	const char *p = a->keys;
	FILE *out = stdout;
	int key;

	if (!canvas_init(&c, a->rows, a->cols))
		return EXIT_ENV;
	background(t, &tm);	/* a script sees the counts complete */
	tui_draw(t, &c);
	while ((key = script_key(&p)) >= 0) {
		double t0 = tui_now(), d;
		bool go_on = tui_key(t, key);

		if (go_on) {
			/* what a terminal shows at once: the key's work and
			 * the redraw; the rest comes slice by slice */
			tui_draw(t, &c);
			d = tui_now() - t0;
			tm.keys++;
			if (d > tm.key) {
				tm.key = d;
				tm.key_at = tm.keys;
			}
			background(t, &tm);
			tui_draw(t, &c);
		}
		if (!go_on)
			break;
	}
	if (a->timing)
		fprintf(stderr, "ptkit tui: %u keys, the slowest %.1f ms (key "
			"%u); the slowest slice of work between keys %.1f ms\n",
			tm.keys, tm.key * 1e3, tm.key_at, tm.slice * 1e3);
	if (key == -2) {
		fprintf(stderr, "ptkit tui: --keys: unknown key name at '%s'\n",
			p);
		canvas_free(&c);
		return EXIT_USAGE;
	}
	if (a->screen && !(out = fopen(a->screen, "w"))) {
		fprintf(stderr, "ptkit tui: cannot create '%s': %s\n",
			a->screen, strerror(errno));
		canvas_free(&c);
		return EXIT_ENV;
	}
	canvas_write(&c, out);
	if (out != stdout && fclose(out)) {
		canvas_free(&c);
		return EXIT_ENV;
	}
	canvas_free(&c);
	return EXIT_OK;
}

/* The terminal is given back on every way out, signals included. */
static void restore_and_die(int sig)
{
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static chtype attr_of(int a, bool colour)
{
	static const struct {
		short fg, bg;
		chtype mono;
	} look[CA_NATTR] = {
		[CA_NORMAL] = { -1, -1, A_NORMAL },
		[CA_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
		[CA_HEADING] = { COLOR_YELLOW, -1, A_UNDERLINE },
		[CA_CURSOR] = { COLOR_BLACK, COLOR_CYAN, A_REVERSE },
		[CA_TABLE] = { COLOR_CYAN, -1, A_NORMAL },
		[CA_LEAF] = { COLOR_GREEN, -1, A_NORMAL },
		[CA_ABSENT] = { -1, -1, A_DIM },
		[CA_BAD] = { COLOR_RED, -1, A_BOLD },
		[CA_STATUS] = { COLOR_BLACK, COLOR_WHITE, A_REVERSE },
		[CA_SPLIT] = { COLOR_YELLOW, -1, A_BOLD },
		[CA_PARTLY] = { COLOR_MAGENTA, -1, A_UNDERLINE },
		[CA_HOLE] = { COLOR_WHITE, COLOR_RED, A_REVERSE },
	};
	static bool paired;

	if (a < 0 || a >= CA_NATTR)
		a = CA_NORMAL;
	if (!colour)
		return look[a].mono;
	if (!paired) {
		for (int i = 1; i < CA_NATTR; i++)
			init_pair((short)i, look[i].fg, look[i].bg);
		paired = true;
	}
	return a ? COLOR_PAIR(a) : A_NORMAL;
}

static void show(const struct canvas *c, bool colour)
{
	erase();
	for (int r = 0; r < c->rows; r++)
		for (int col = 0; col < c->cols; col++) {
			size_t at = (size_t)r * (size_t)c->cols + (size_t)col;

			mvaddch(r, col, (chtype)(unsigned char)c->text[at] |
				attr_of(c->attr[at], colour));
		}
	refresh();
}

static int run_terminal(struct tui *t)
{
	struct canvas c = { 0 };
	bool colour, busy;
	int rows, cols, key;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ptkit tui: standard input and output must be "
			"a terminal (or give --keys)\n");
		return EXIT_USAGE;
	}
	signal(SIGINT, restore_and_die);
	signal(SIGTERM, restore_and_die);
	signal(SIGHUP, restore_and_die);
	signal(SIGQUIT, restore_and_die);
	if (!initscr()) {
		fprintf(stderr, "ptkit tui: cannot set up the terminal\n");
		return EXIT_ENV;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	colour = has_colors() && start_color() == OK;
	if (colour)
		use_default_colors();
	do {
		getmaxyx(stdscr, rows, cols);
		if (rows != c.rows || cols != c.cols) {
			canvas_free(&c);
			if (!canvas_init(&c, rows, cols))
				break;
		}
		tui_draw(t, &c);
		show(&c, colour);
		/* while the overview and the regions are being worked
		 * out, work between keys */
		busy = !overview_done(t) || !regions_done(t) ||
		       film_busy(t) || session_preloading(t->s);
		/* the thread reading symbols needs no help: look every
		 * 20 ms whether it is done, to redraw with them */
		timeout(!busy ? -1 : overview_waiting(t) ||
			(overview_done(t) && regions_done(t) && !film_busy(t))
			? 20 : 0);
		key = getch();
		if (key == ERR && busy) {
			/* a film plays first: it is what is being watched */
			if (film_busy(t))
				film_run(t, 0.04);
			else if (overview_waiting(t))
				;	/* redraw, the symbols may be there */
			else if (!overview_step(t, 0.02))
				;	/* more next time */
			else if (!regions_done(t))
				regions_step(t, 0.02);
			key = KEY_RESIZE;	/* only redraw */
		}
	} while (key == KEY_RESIZE || tui_key(t, key == ERR ? 0 : key));
	endwin();
	canvas_free(&c);
	return EXIT_OK;
}

/* @path opens as a source, or one message and an exit status. */
static int check_opens(const char *cmd, const char *path)
{
	struct ptk_ctx *ctx = ptk_ctx_new();
	struct ptk_source *src = NULL;
	enum ptk_status st;
	int ret = EXIT_OK;

	if (!ctx)
		return EXIT_ENV;
	st = ptk_source_open(ctx, path, &src);
	if (st != PTK_OK)
		ret = fail_status(cmd, ctx, st);
	ptk_source_free(src);
	ptk_ctx_free(ctx);
	return ret;
}

int cmd_tui(int argc, char **argv)
{
	struct tui_args a = {
		.rows = 24, .cols = 80,
		.policies = { PTK_POLICY_NAIVE, PTK_POLICY_PAGEBLOCK,
			      PTK_POLICY_NONE },
		.npolicies = 3,
		.sel = { .all = true, .migratetype = -1, .order = -1,
			 .sample = 1.0 },
	};
	struct session s;
	struct tui *t = NULL;
	int ret;

	argp_parse(&tui_argp, argc, argv, 0, NULL, &a);
	ret = session_open(&s, argv[0], &a.src);
	if (ret != EXIT_OK)
		goto out;
	t = calloc(1, sizeof(*t));
	if (!t) {
		ret = EXIT_ENV;
		goto out;
	}
	if (a.expect && !a.replay) {
		fprintf(stderr, "%s: --expect needs --replay\n", argv[0]);
		ret = EXIT_USAGE;
		goto out;
	}
	/* the later dump must open: its errors cannot reach a full screen */
	if (a.expect && (ret = check_opens(argv[0], a.expect)) != EXIT_OK)
		goto out;
	tui_open(t, &s);
	if (a.replay && !film_open(t, a.replay, a.policies, a.npolicies,
				   &a.sel, a.expect)) {
		/* one message, as every command gives for its input */
		fprintf(stderr, "%s: %s\n", argv[0], t->message);
		ret = EXIT_BADINPUT;
		tui_close(t);
		goto out;
	}
	ret = a.keys ? run_script(t, &a) : run_terminal(t);
	tui_close(t);
out:
	free(t);
	session_close(&s);
	return finish_output(argv[0], ret);
}
