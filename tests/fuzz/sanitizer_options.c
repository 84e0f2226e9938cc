// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Default sanitizer options of the ASan/UBSan builds of the unit and BPF
 * tests (build/asan/, tests/run_sanitizers.sh), so that a run through
 * tests/run_tests.sh, which sets no *SAN_OPTIONS, checks the same:
 * leaks (LeakSanitizer at exit), use after return, strict string
 * arguments; UBSan prints a stack and stops at the first report
 * (the code is built with -fno-sanitize-recover=all).  The environment
 * still overrides each of them.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=1:detect_stack_use_after_return=1:"
	       "strict_string_checks=1:check_initialization_order=1";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}
