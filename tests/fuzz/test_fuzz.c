// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The libFuzzer targets as a cmocka suite, so that tests/run_tests.sh
 * (which runs every build/tests/test_* and counts cmocka's PASSED and
 * FAILED lines) runs them in `make test` and counts them in its summary.
 *
 * Per target (sip_msg, sl_engine, config, answer_frame) two tests, each
 * one run of
 * tests/fuzz/run_fuzz.sh, whose output goes to this suite's log:
 *   <target>_replay  every input in tests/fuzz/regressions/<target>/ and
 *                    every seed, once (run_fuzz.sh --replay);
 *   <target>_fuzz    libFuzzer for $SL_FUZZ_SECONDS (default 10) seconds
 *                    from the seeds (run_fuzz.sh --no-replay -t N).
 * A test fails when the script does: a crash, a sanitizer report, a leak,
 * an invariant of the target broken, or a binary not built.  The crash
 * input stays in build/fuzz/artifacts/<target>/ and the log says how to
 * keep it as a regression input.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

static char script[PATH_MAX];

static bool find_script(void)
{
	const char *root = getenv("SL_ROOT");
	char exe[PATH_MAX / 2], *slash;
	ssize_t n;

	if (root && strlen(root) < PATH_MAX / 2) {
		snprintf(script, sizeof(script), "%s/tests/fuzz/run_fuzz.sh", root);
		if (access(script, X_OK) == 0)
			return true;
	}
	/* build/tests/test_fuzz -> <root>/tests/fuzz/run_fuzz.sh */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(script, sizeof(script),
				 "%s/../../tests/fuzz/run_fuzz.sh", exe);
			if (access(script, X_OK) == 0)
				return true;
		}
	}
	return false;
}

/* run_fuzz.sh with args; its exit status, or -1. */
static int run_script(const char *const args[])
{
	const char *argv[8];
	int i = 0, status;
	pid_t pid;

	argv[i++] = script;
	while (*args && i < 7)
		argv[i++] = *args++;
	argv[i] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(STDOUT_FILENO, STDERR_FILENO);	/* one ordered log */
		execv(script, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void replay(const char *target)
{
	const char *const args[] = { "--replay", target, NULL };
	int rc = run_script(args);

	if (rc != 0)
		fail_msg("run_fuzz.sh --replay %s: exit %d", target, rc);
}

static void fuzz(const char *target)
{
	const char *env = getenv("SL_FUZZ_SECONDS");
	char secs[16];
	const char *const args[] = { "--no-replay", "-t", secs, target, NULL };
	unsigned long s = env && *env ? strtoul(env, NULL, 10) : 10;
	int rc;

	snprintf(secs, sizeof(secs), "%lu", s);
	rc = run_script(args);
	if (rc != 0)
		fail_msg("run_fuzz.sh -t %s %s: exit %d", secs, target, rc);
}

static void test_sip_msg_replay(void **state)
{
	(void)state;
	replay("sip_msg");
}

static void test_sip_msg_fuzz(void **state)
{
	(void)state;
	fuzz("sip_msg");
}

static void test_sl_engine_replay(void **state)
{
	(void)state;
	replay("sl_engine");
}

static void test_sl_engine_fuzz(void **state)
{
	(void)state;
	fuzz("sl_engine");
}

static void test_config_replay(void **state)
{
	(void)state;
	replay("config");
}

static void test_answer_frame_replay(void **state)
{
	(void)state;
	replay("answer_frame");
}

static void test_answer_frame_fuzz(void **state)
{
	(void)state;
	fuzz("answer_frame");
}

static void test_config_fuzz(void **state)
{
	(void)state;
	fuzz("config");
}

static int group_setup(void **state)
{
	(void)state;
	if (!find_script()) {
		fprintf(stderr, "test_fuzz: tests/fuzz/run_fuzz.sh not found (set SL_ROOT)\n");
		return -1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_msg_replay),
		cmocka_unit_test(test_sl_engine_replay),
		cmocka_unit_test(test_config_replay),
		cmocka_unit_test(test_answer_frame_replay),
		cmocka_unit_test(test_sip_msg_fuzz),
		cmocka_unit_test(test_sl_engine_fuzz),
		cmocka_unit_test(test_config_fuzz),
		cmocka_unit_test(test_answer_frame_fuzz),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("fuzz", tests, group_setup, NULL);
}
