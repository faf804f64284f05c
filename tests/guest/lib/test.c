/*
 * The test registry and the guest's main program.
 *
 * GUEST_TEST places a struct guest_test in the .guest_tests section; the linker script
 * brackets the section with __guest_tests_start/__guest_tests_end. The entries are sorted
 * by file and line, so tests run in source order whatever the compiler emitted, each under
 * its own fault guard: an unexpected exception fails that test only. A test whose condition
 * says it does not apply (GUEST_TEST_WHEN) prints an information line and no result.
 */
#include "internal.h"

extern struct guest_test __guest_tests_start[];
extern struct guest_test __guest_tests_end[];

static const struct guest_test *volatile current_test;

const char *guest_current_test(void)
{
    const struct guest_test *test = current_test;
    return test != NULL ? test->name : NULL;
}

void guest_check_failed(const char *file, unsigned int line, const char *format, ...)
{
    struct cpu_state *cpu = &cpu_states[guest_cpu_index() % GUEST_MAX_CPUS];
    const char *test = guest_current_test();
    va_list args;
    console_flush();
    if (guest_cpu_index() == 0)
        printf("[test] FAIL %s: %s:%u: ", test != NULL ? test : "guest", file, line);
    else
        printf("[cpu%u] check failed: %s:%u: ", guest_cpu_index(), file, line);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
    if (cpu->abort != NULL)
        fault_resume(cpu->abort, FAULT_CALL_ABORTED);
    printf("[guest] check failed outside a test: stopping\n");
    guest_shutdown(SHUTDOWN_crash);
}

/* Orders tests by source file, then line (insertion sort: there are few). */
static void test_sort(struct guest_test *tests, size_t count)
{
    for (size_t next = 1; next < count; next++) {
        struct guest_test moving = tests[next];
        size_t slot = next;
        while (slot > 0) {
            int order = strcmp(tests[slot - 1].file, moving.file);
            if (order < 0 || (order == 0 && tests[slot - 1].line <= moving.line))
                break;
            tests[slot] = tests[slot - 1];
            slot--;
        }
        tests[slot] = moving;
    }
}

/* Whether "tests=a,b,c" in the bootargs selects `name` (no such word selects every test). */
static bool test_selected(const char *name)
{
    const char *args = guest_bootargs();
    size_t name_length = strlen(name);
    for (const char *at = args; *at != '\0'; at += strcspn(at, " ")) {
        while (*at == ' ')
            at++;
        if (strncmp(at, "tests=", 6) != 0)
            continue;
        const char *list = at + 6;
        size_t list_length = strcspn(list, " ");
        for (size_t i = 0; i < list_length;) {
            size_t item = strcspn(list + i, ", ");
            if (item == name_length && strncmp(list + i, name, item) == 0)
                return true;
            i += item + 1;
        }
        return false;
    }
    return true;
}

static void test_trampoline(void *argument)
{
    const struct guest_test *test = argument;
    test->run();
}

/* Runs one test on the boot CPU and prints its result line. */
static void test_run(const struct guest_test *test)
{
    struct fault_jump jump;
    struct cpu_state *cpu = &cpu_states[0];
    printf("[test] START %s\n", test->name);
    current_test = test;
    cpu->abort = &jump;
    int result = fault_guarded_call(&jump, test_trampoline, (void *)test);
    cpu->abort = NULL;
    console_flush();
    if (result == FAULT_CALL_RETURNED) {
        printf("[test] PASS %s\n", test->name);
    } else if (result == FAULT_CALL_FAULTED) {
        printf("[test] FAIL %s: ", test->name);
        fault_print(&jump.fault);
        printf("\n");
    }
    /* FAULT_CALL_ABORTED: guest_check_failed already printed the FAIL line. */
    current_test = NULL;
    /* Whatever the test left on, the next one starts with IRQs masked and the timer off. */
    guest_irq_disable();
    timer_set_control(0);
}

const char *guest_needs_hypervisor(void)
{
    return guest_mode() == GUEST_MODE_XEN ? NULL : "needs a hypervisor";
}

/* Whether the test applies here; prints why not when it does not. */
static bool test_applies(const struct guest_test *test)
{
    const char *reason = test->not_run_because != NULL ? test->not_run_because() : NULL;
    if (reason == NULL)
        return true;
    printf("[guest] not run: %s (%s)\n", test->name, reason);
    return false;
}

void guest_main(uint64_t dtb_address, uint64_t load_address)
{
    /* The linker brackets the section; count through integers, not pointer comparisons. */
    struct guest_test *tests = __guest_tests_start;
    size_t count =
        ((uintptr_t)__guest_tests_end - (uintptr_t)__guest_tests_start) / sizeof(struct guest_test);
    platform_init(dtb_address, load_address);
    platform_print_banner();
    test_sort(tests, count);
    unsigned int ran = 0;
    for (size_t i = 0; i < count; i++) {
        if (!test_selected(tests[i].name) || !test_applies(&tests[i]))
            continue;
        test_run(&tests[i]);
        ran++;
    }
    printf("[guest] %u of %u tests ran\n", ran, (unsigned int)count);
    printf("[test] DONE\n");
    guest_shutdown(SHUTDOWN_poweroff);
}
