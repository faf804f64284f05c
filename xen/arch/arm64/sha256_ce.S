/*
 * SHA-256 compression with the ARMv8 SHA-2 instructions (FEAT_SHA256):
 * SHA256H/SHA256H2 do four rounds on the ABCD and EFGH halves of the state,
 * SHA256SU0/SHA256SU1 extend the message schedule four words at a time.
 * It uses FP/SIMD registers, so it lives in the reserved section and is
 * only called through sha256_blocks_ce() (sha256_arch.c), which saves and
 * restores those registers around it.
 *
 * void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t blocks)
 *
 * Registers: v0 = ABCD, v1 = EFGH (running), v2/v3 = their values at the
 * block's start, v4-v7 = the 16 schedule words in flight, v8 = words plus
 * round constants, v9 = ABCD before a SHA256H, v16-v31 = the 64 constants.
 */
    .section .text.fpsimd, "ax"
    .arch armv8-a+sha2

/* Four rounds with schedule words in \w, constants in \k; no schedule update. */
.macro rounds4 w, k
    add v8.4s, \w\().4s, \k\().4s
    mov v9.16b, v0.16b
    sha256h q0, q1, v8.4s
    sha256h2 q1, q9, v8.4s
.endm

/* Four rounds, then \w becomes the schedule words 16 further on. */
.macro rounds4_extend w, k, w1, w2, w3
    add v8.4s, \w\().4s, \k\().4s
    sha256su0 \w\().4s, \w1\().4s
    mov v9.16b, v0.16b
    sha256h q0, q1, v8.4s
    sha256h2 q1, q9, v8.4s
    sha256su1 \w\().4s, \w2\().4s, \w3\().4s
.endm

    .global sha256_ce_blocks
    .type sha256_ce_blocks, %function
sha256_ce_blocks:
    bti c
    cbz x2, 2f
    adrp x3, sha256_ce_constants
    add x3, x3, :lo12:sha256_ce_constants
    ld1 {v16.4s-v19.4s}, [x3], #64
    ld1 {v20.4s-v23.4s}, [x3], #64
    ld1 {v24.4s-v27.4s}, [x3], #64
    ld1 {v28.4s-v31.4s}, [x3]
    ld1 {v0.4s, v1.4s}, [x0]
1:
    ld1 {v4.16b-v7.16b}, [x1], #64
    rev32 v4.16b, v4.16b
    rev32 v5.16b, v5.16b
    rev32 v6.16b, v6.16b
    rev32 v7.16b, v7.16b
    mov v2.16b, v0.16b
    mov v3.16b, v1.16b

    rounds4_extend v4, v16, v5, v6, v7
    rounds4_extend v5, v17, v6, v7, v4
    rounds4_extend v6, v18, v7, v4, v5
    rounds4_extend v7, v19, v4, v5, v6
    rounds4_extend v4, v20, v5, v6, v7
    rounds4_extend v5, v21, v6, v7, v4
    rounds4_extend v6, v22, v7, v4, v5
    rounds4_extend v7, v23, v4, v5, v6
    rounds4_extend v4, v24, v5, v6, v7
    rounds4_extend v5, v25, v6, v7, v4
    rounds4_extend v6, v26, v7, v4, v5
    rounds4_extend v7, v27, v4, v5, v6
    rounds4 v4, v28
    rounds4 v5, v29
    rounds4 v6, v30
    rounds4 v7, v31

    add v0.4s, v0.4s, v2.4s
    add v1.4s, v1.4s, v3.4s
    subs x2, x2, #1
    b.ne 1b
    st1 {v0.4s, v1.4s}, [x0]
2:
    ret
    .size sha256_ce_blocks, . - sha256_ce_blocks

    .section .rodata
    .balign 16
    .type sha256_ce_constants, %object
sha256_ce_constants:
    .word 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
    .word 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
    .word 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
    .word 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
    .word 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
    .word 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
    .word 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
    .word 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
    .word 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
    .word 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
    .word 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
    .word 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
    .word 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
    .word 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
    .word 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
    .word 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
    .size sha256_ce_constants, . - sha256_ce_constants
