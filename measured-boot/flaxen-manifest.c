/*
 * flaxen-manifest: the deployment's domain manifest (format in
 * xen/include/flaxen/manifest.h, docs/security/measured-boot.md).
 *
 *   flaxen-manifest keygen KEY.pem
 *       a new Ed25519 signing key (PKCS#8 PEM, mode 0600; an existing file is kept)
 *   flaxen-manifest pubkey KEY.pem [--c]
 *       its public key in hex, or as the C header the hypervisor is built with
 *   flaxen-manifest build -k KEY.pem -o OUT [--serial N] DOMAIN...
 *       DOMAIN: --domain NAME --image FILE [--cmdline TEXT] [--ramdisk FILE]
 *               --label CONTEXT [--mls RANGE]
 *       the configuration digest covers the command line and the ramdisk's digest
 *       (manifest_config_digest)
 *   flaxen-manifest print FILE
 *   flaxen-manifest verify FILE (-k KEY.pem | --pubkey HEX)
 *
 * Signing and verification use OpenSSL; the structure is read by the same
 * parser the hypervisor runs (xen/common/manifest.c). Output files are
 * written to a temporary name and renamed, so a failure leaves nothing
 * half-written. Exit status: 0 done (verify: the signature is good), 1 a
 * check failed, 2 a usage or input error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <flaxen/manifest.h>
#include <flaxen/sha256.h>

#include "manifest_writer.h"

#define FILE_MAX (1ull << 30) /* domain images and manifests: at most 1 GiB */

static const char *program = "flaxen-manifest";

static void die(int status, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

static void die_openssl(const char *what)
{
    unsigned long e = ERR_get_error();

    die(2, "%s: %s", what, e ? ERR_reason_error_string(e) : "OpenSSL error");
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, n;

    if (!f)
        die(2, "%s: %s", path, strerror(errno));
    do {
        if (size == cap) {
            uint8_t *grown;

            cap = cap ? cap * 2 : 65536;
            if (cap > FILE_MAX)
                die(2, "%s: larger than 1 GiB", path);
            grown = realloc(buf, cap);
            if (!grown)
                die(2, "%s: out of memory", path);
            buf = grown;
        }
        n = fread(buf + size, 1, cap - size, f);
        size += n;
    } while (n > 0);
    if (ferror(f))
        die(2, "%s: read error", path);
    fclose(f);
    *len = size;
    return buf;
}

/* Writes len bytes to path through path.tmp and a rename, with the given mode. */
static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    size_t plen = strlen(path) + 5;
    char *tmp = malloc(plen);
    int fd;

    if (!tmp)
        die(2, "out of memory");
    snprintf(tmp, plen, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        die(2, "%s: %s", tmp, strerror(errno));
    if (write(fd, data, len) != (ssize_t)len || fsync(fd) || close(fd)) {
        unlink(tmp);
        die(2, "%s: write failed", tmp);
    }
    if (rename(tmp, path)) {
        unlink(tmp);
        die(2, "%s: %s", path, strerror(errno));
    }
    free(tmp);
}

static EVP_PKEY *load_key(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *key;

    if (!f)
        die(2, "%s: %s", path, strerror(errno));
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key)
        die_openssl(path);
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
        die(2, "%s: not an Ed25519 key", path);
    return key;
}

static void public_key(EVP_PKEY *key, uint8_t pub[MANIFEST_PUBLIC_KEY_SIZE])
{
    size_t n = MANIFEST_PUBLIC_KEY_SIZE;

    if (!EVP_PKEY_get_raw_public_key(key, pub, &n) || n != MANIFEST_PUBLIC_KEY_SIZE)
        die_openssl("public key");
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static int parse_hex(const char *hex, uint8_t *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int cmd_keygen(int argc, char **argv)
{
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx;
    BIO *mem;
    char *pem;
    long len;

    if (argc != 1)
        die(2, "usage: keygen KEY.pem");
    if (access(argv[0], F_OK) == 0)
        die(2, "%s exists: not overwriting a signing key", argv[0]);
    ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &key) != 1)
        die_openssl("key generation");
    mem = BIO_new(BIO_s_mem());
    if (!mem || !PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL))
        die_openssl("PEM encoding");
    len = BIO_get_mem_data(mem, &pem);
    write_file(argv[0], pem, (size_t)len, 0600);
    BIO_free(mem);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    return 0;
}

static int cmd_pubkey(int argc, char **argv)
{
    uint8_t pub[MANIFEST_PUBLIC_KEY_SIZE];
    EVP_PKEY *key;

    if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "--c")))
        die(2, "usage: pubkey KEY.pem [--c]");
    key = load_key(argv[0]);
    public_key(key, pub);
    EVP_PKEY_free(key);
    if (argc == 1) {
        print_hex(stdout, pub, sizeof(pub));
        putchar('\n');
        return 0;
    }
    printf("/* Generated by flaxen-manifest pubkey --c: the key that signs domain manifests. */\n"
           "#ifndef FLAXEN_MANIFEST_KEY_H\n#define FLAXEN_MANIFEST_KEY_H\n\n"
           "#include <stdint.h>\n\nstatic const uint8_t manifest_public_key[32] = {");
    for (size_t i = 0; i < sizeof(pub); i++)
        printf("%s0x%02x,", i % 8 ? " " : "\n    ", pub[i]);
    printf("\n};\n\n#endif\n");
    return 0;
}

static void set_string(char *dst, size_t size, const char *value, const char *what)
{
    if (strlen(value) >= size)
        die(2, "%s '%s': longer than %zu characters", what, value, size - 1);
    strcpy(dst, value);
}

static int cmd_build(int argc, char **argv)
{
    static struct manifest m, check;
    static char cmdlines[MANIFEST_MAX_ENTRIES][4096];
    static uint8_t ramdisks[MANIFEST_MAX_ENTRIES][32];
    static bool has_ramdisk[MANIFEST_MAX_ENTRIES];
    const char *key_path = NULL, *out = NULL;
    struct manifest_entry *e = NULL;
    uint8_t pub[MANIFEST_PUBLIC_KEY_SIZE], *body, *full;
    bool have_image = false, have_label = false;
    size_t len, sig_len = MANIFEST_SIGNATURE_SIZE, where = 0;
    enum manifest_error rc;
    EVP_MD_CTX *ctx;
    EVP_PKEY *key;

    for (int i = 0; i < argc; i++) {
        const char *opt = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (!value)
            die(2, "%s needs a value", opt);
        i++;
        if (!strcmp(opt, "-k")) {
            key_path = value;
        } else if (!strcmp(opt, "-o")) {
            out = value;
        } else if (!strcmp(opt, "--serial")) {
            char *end;
            errno = 0;
            m.serial = strtoull(value, &end, 0);
            if (errno || *end || !*value)
                die(2, "--serial '%s': not a number", value);
        } else if (!strcmp(opt, "--domain")) {
            if (e && (!have_image || !have_label))
                die(2, "domain '%s' needs --image and --label", e->name);
            if (m.count == MANIFEST_MAX_ENTRIES)
                die(2, "more than %d domains", MANIFEST_MAX_ENTRIES);
            e = &m.entries[m.count++];
            set_string(e->name, sizeof(e->name), value, "domain name");
            have_image = have_label = false;
        } else if (!e) {
            die(2, "%s before the first --domain", opt);
        } else if (!strcmp(opt, "--image")) {
            uint8_t *image = read_file(value, &len);
            sha256_digest(image, len, e->image_sha256);
            free(image);
            have_image = true;
        } else if (!strcmp(opt, "--cmdline")) {
            set_string(cmdlines[m.count - 1], sizeof(cmdlines[0]), value, "command line");
        } else if (!strcmp(opt, "--ramdisk")) {
            uint8_t *ramdisk = read_file(value, &len);
            sha256_digest(ramdisk, len, ramdisks[m.count - 1]);
            free(ramdisk);
            has_ramdisk[m.count - 1] = true;
        } else if (!strcmp(opt, "--label")) {
            set_string(e->label, sizeof(e->label), value, "label");
            have_label = true;
        } else if (!strcmp(opt, "--mls")) {
            set_string(e->mls, sizeof(e->mls), value, "MLS range");
        } else {
            die(2, "unknown option %s", opt);
        }
    }
    if (!key_path || !out || !e)
        die(2, "usage: build -k KEY.pem -o OUT [--serial N] --domain NAME --image FILE "
               "[--cmdline TEXT] [--ramdisk FILE] --label CONTEXT [--mls RANGE]...");
    if (!have_image || !have_label)
        die(2, "domain '%s' needs --image and --label", e->name);
    for (uint32_t i = 0; i < m.count; i++)
        manifest_config_digest(cmdlines[i], has_ramdisk[i] ? ramdisks[i] : NULL,
                               m.entries[i].config_sha256);
    key = load_key(key_path);
    public_key(key, pub);
    EVP_PKEY_free(key);
    manifest_key_id(pub, m.key_id);
    body = manifest_write_unsigned(&m, &len);
    if (!body)
        die(2, "the entries do not fit the manifest format");
    full = realloc(body, len + MANIFEST_SIGNATURE_SIZE);
    if (!full)
        die(2, "out of memory");
    /* What the hypervisor will read, by the same parser, before anything is signed. */
    memset(full + len, 0, MANIFEST_SIGNATURE_SIZE);
    rc = manifest_parse(full, len + MANIFEST_SIGNATURE_SIZE, &check, &where);
    if (rc != MANIFEST_OK) {
        free(full);
        die(2, "refusing to write an invalid manifest: %s (offset %zu)", manifest_strerror(rc),
            where);
    }
    key = load_key(key_path);
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
        EVP_DigestSign(ctx, full + len, &sig_len, full, len) != 1 ||
        sig_len != MANIFEST_SIGNATURE_SIZE)
        die_openssl("signing");
    write_file(out, full, len + sig_len, 0644);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    free(full);
    return 0;
}

static void load_manifest(const char *path, struct manifest *m, uint8_t **data, size_t *len)
{
    size_t where = 0;
    enum manifest_error rc;

    *data = read_file(path, len);
    rc = manifest_parse(*data, *len, m, &where);
    if (rc != MANIFEST_OK) {
        fprintf(stderr, "%s: %s: %s (offset %zu)\n", program, path, manifest_strerror(rc), where);
        exit(1);
    }
}

static int cmd_print(int argc, char **argv)
{
    static struct manifest m;
    uint8_t *data;
    size_t len;

    if (argc != 1)
        die(2, "usage: print FILE");
    load_manifest(argv[0], &m, &data, &len);
    printf("manifest %s: format %d, serial %llu, %u domain%s, %zu bytes\nsigning key id ", argv[0],
           MANIFEST_VERSION, (unsigned long long)m.serial, m.count, m.count == 1 ? "" : "s", len);
    print_hex(stdout, m.key_id, sizeof(m.key_id));
    printf("\n");
    for (uint32_t i = 0; i < m.count; i++) {
        const struct manifest_entry *e = &m.entries[i];

        printf("domain %s\n  label   %s\n", e->name, e->label);
        if (e->mls[0])
            printf("  mls     %s\n", e->mls);
        printf("  image   sha256:");
        print_hex(stdout, e->image_sha256, 32);
        printf("\n  config  sha256:");
        print_hex(stdout, e->config_sha256, 32);
        printf("\n");
    }
    free(data);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    static struct manifest m;
    uint8_t pub[MANIFEST_PUBLIC_KEY_SIZE], id[MANIFEST_KEY_ID_SIZE], *data;
    size_t len, body;
    EVP_PKEY *key;
    EVP_MD_CTX *ctx;
    int good;

    if (argc != 3 || (strcmp(argv[1], "-k") && strcmp(argv[1], "--pubkey")))
        die(2, "usage: verify FILE (-k KEY.pem | --pubkey HEX)");
    if (!strcmp(argv[1], "-k")) {
        key = load_key(argv[2]);
        public_key(key, pub);
        EVP_PKEY_free(key);
    } else if (parse_hex(argv[2], pub, sizeof(pub))) {
        die(2, "--pubkey: 64 hex digits expected");
    }
    load_manifest(argv[0], &m, &data, &len);
    manifest_key_id(pub, id);
    if (memcmp(id, m.key_id, sizeof(id))) {
        fprintf(stderr, "%s: %s: %s\n", program, argv[0], manifest_strerror(MANIFEST_EKEY));
        free(data);
        return 1;
    }
    body = len - MANIFEST_SIGNATURE_SIZE;
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof(pub));
    ctx = EVP_MD_CTX_new();
    if (!key || !ctx || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) != 1)
        die_openssl("verification");
    good = EVP_DigestVerify(ctx, data + body, MANIFEST_SIGNATURE_SIZE, data, body) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    free(data);
    if (!good) {
        fprintf(stderr, "%s: %s: %s\n", program, argv[0], manifest_strerror(MANIFEST_ESIGNATURE));
        return 1;
    }
    printf("%s: signature good (key id ", argv[0]);
    print_hex(stdout, id, sizeof(id));
    printf(", %u domain%s)\n", m.count, m.count == 1 ? "" : "s");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"keygen", cmd_keygen}, {"pubkey", cmd_pubkey}, {"build", cmd_build},
        {"print", cmd_print},   {"verify", cmd_verify},
    };

    if (argc >= 2)
        for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
            if (!strcmp(argv[1], cmds[i].name))
                return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "usage: %s keygen|pubkey|build|print|verify ...\n", program);
    return 2;
}
