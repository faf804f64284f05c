/*
 * Reading the hypervisor command line (flaxen/cmdline.h).
 */
#include <flaxen/cmdline.h>
#include <flaxen/string.h>

int cmdline_get(const char *cmdline, const char *key, char *value, size_t size)
{
    size_t key_len = strlen(key);
    const char *found = NULL;
    size_t found_len = 0;

    if (!cmdline)
        return 0;
    for (const char *p = cmdline; *p;) {
        const char *end;

        while (*p == ' ')
            p++;
        end = p;
        while (*end && *end != ' ')
            end++;
        if ((size_t)(end - p) > key_len && !strncmp(p, key, key_len) && p[key_len] == '=') {
            found = p + key_len + 1;
            found_len = (size_t)(end - found);
        }
        p = end;
    }
    if (!found)
        return 0;
    if (found_len >= size)
        return -ERANGE;
    memcpy(value, found, found_len);
    value[found_len] = '\0';
    return 1;
}

int cmdline_parse_size(const char *text, uint64_t *bytes)
{
    uint64_t n = 0;
    unsigned shift = 0;
    const char *p = text;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t digit = (uint64_t)(*p - '0');

        if (n > UINT64_MAX / 10 || (n == UINT64_MAX / 10 && digit > UINT64_MAX % 10))
            return -EINVAL;
        n = n * 10 + digit;
    }
    if (*p == 'K' || *p == 'k')
        shift = 10;
    else if (*p == 'M' || *p == 'm')
        shift = 20;
    else if (*p == 'G' || *p == 'g')
        shift = 30;
    else if (*p)
        return -EINVAL;
    if (shift && p[1])
        return -EINVAL;
    if (n > (UINT64_MAX >> shift))
        return -EINVAL;
    *bytes = n << shift;
    return 0;
}
