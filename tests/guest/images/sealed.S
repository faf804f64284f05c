/*
 * The smallest domain a toolstack builds at run time (hyp-domctl): an arm64 Image that
 * prints one line through console_io and powers itself off. The domctl guest embeds these
 * bytes (build/guest/sealed.bin) and seals a new domain with them; the scenario's manifest
 * lists the same file, so the seal finds the domain's digest there.
 */
    .section .text, "ax"
    .global _start
_start:
    b 1f                    /* code0: over the header */
    .word 0                 /* code1 */
    .quad 0                 /* text_offset */
    .quad image_end - _start /* image_size */
    .quad 0                 /* flags: little-endian */
    .quad 0, 0, 0           /* reserved */
    .word 0x644d5241        /* magic "ARM\x64" */
    .word 0                 /* reserved */
1:
    mov x16, #18            /* console_io */
    mov x0, #0              /* CONSOLEIO_write */
    mov x1, #(message_end - message)
    adr x2, message
    hvc #0xea1
    mov x16, #29            /* sched_op */
    mov x0, #2              /* SCHEDOP_shutdown */
    adr x1, reason
    hvc #0xea1
2:  wfi
    b 2b
    .balign 8
reason:
    .word 0                 /* SHUTDOWN_poweroff */
message:
    .ascii "sealed domain: running\n"
message_end:
    .balign 8
image_end:
