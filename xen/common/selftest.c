/*
 * Portable fault-injection self-tests (see selftest.h). Each function below
 * does something the hypervisor's mappings or compiler hardening must stop;
 * the expected report is named next to it.
 */
#include <flaxen/console.h>
#include <flaxen/selftest.h>
#include <flaxen/setup.h>
#include <flaxen/string.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned selftest_never = ~0u; /* keeps the compiler from seeing through */
static const uint64_t selftest_constant = 1;
static uint32_t selftest_code[2] = {0xd503201f, 0xd65f03c0}; /* NOP; RET, in a data page */

/* Data abort, permission fault on write: text is read-only. */
static void write_text(void)
{
    *(volatile uint32_t *)(uintptr_t)&start_flaxen = 0;
}

/* Data abort, permission fault on write: rodata is read-only. */
static void write_rodata(void)
{
    *(volatile uint64_t *)(uintptr_t)&selftest_constant = 2;
}

/* Instruction abort, permission fault: data is never executable. */
static void exec_data(void)
{
    void (*volatile fn)(void) = (void (*)(void))(uintptr_t)selftest_code;

    fn();
}

/* Data abort, translation fault: low memory is not mapped. */
static void read_unmapped(void)
{
    volatile uintptr_t addr = 0x1000;

    (void)*(volatile uint64_t *)addr;
}

/* Runs into the guard page under the stack: "hypervisor stack overflow". */
static NOINLINE unsigned recurse(unsigned depth)
{
    volatile char frame[512];

    frame[0] = (char)depth;
    if (depth == selftest_never)
        return 0;
    return recurse(depth + 1) + frame[0];
}

/* Overwrites its own canary: "stack protector: stack smashed". */
static NOINLINE void smash(size_t len)
{
    char buf[16];
    volatile char *p = buf;

    for (size_t i = 0; i < len; i++)
        p[i] = 'A';
}

static void stack_overflow(void)
{
    printk("selftest: recursion returned %u\n", recurse(0));
}

static void stack_smash(void)
{
    smash(16 + selftest_never % 64 + 32);
}

static const struct {
    const char *name;
    void (*run)(void);
} selftests[] = {
    {"write-text", write_text},         {"write-rodata", write_rodata},
    {"exec-data", exec_data},           {"read-unmapped", read_unmapped},
    {"stack-overflow", stack_overflow}, {"stack-smash", stack_smash},
};

/* Copies the value of "key=" from a space-separated command line; false if absent. */
static bool cmdline_value(const char *cmdline, const char *key, char *out, size_t size)
{
    size_t key_len = strlen(key);

    for (const char *p = cmdline; p && *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, key_len) && p[key_len] == '=') {
            size_t n = 0;

            for (p += key_len + 1; p[n] && p[n] != ' ' && n + 1 < size; n++)
                out[n] = p[n];
            out[n] = '\0';
            return true;
        }
        p = strchr(p, ' ');
    }
    return false;
}

void selftest_run(const char *cmdline)
{
    char name[32];

    if (!cmdline_value(cmdline, "selftest", name, sizeof(name)))
        return;
    printk("selftest: %s\n", name);
    for (unsigned i = 0; i < ARRAY_SIZE(selftests); i++) {
        if (!strcmp(name, selftests[i].name)) {
            selftests[i].run();
            printk("selftest: %s: no fault (the protection did not work)\n", name);
            return;
        }
    }
    if (arch_selftest(name))
        printk("selftest: %s: no fault (the protection did not work)\n", name);
    else
        printk("selftest: %s: unknown\n", name);
}
