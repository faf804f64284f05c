divert(-1)
# mls.m4 - MLS vocabulary: levels, ranges and the declaration generator.
#
# These macros are defined in both variants so that sources can name
# mls_low / mls_high unconditionally; they only produce statements where
# something (the mls file, gen_context, gen_user) asks for them in an MLS
# build.

# Lowest level, and the level that dominates everything.
define(`mls_low', `s0')
define(`mls_top_sens', `s`'decr(mls_num_sens)')
define(`mls_all_cats', `c0.c`'decr(mls_num_cats)')
define(`mls_high', `mls_top_sens:mls_all_cats')

# The whole range, lowest to highest.
define(`mls_full_range', `mls_low - mls_high')

define(`flx_sens_stmt', `sensitivity s$1;
')
define(`flx_sens_word', ` s$1')
define(`flx_cat_stmt', `category c$1;
')
define(`flx_level_stmt', `level s$1:mls_all_cats;
')

# mls_declarations: every sensitivity, their order (s0 lowest), every
# category, and one level per sensitivity that may carry all categories.
define(`mls_declarations', `dnl
flx_each(0, decr(mls_num_sens), `flx_sens_stmt')dnl
dominance {flx_each(0, decr(mls_num_sens), `flx_sens_word') }
flx_each(0, decr(mls_num_cats), `flx_cat_stmt')dnl
flx_each(0, decr(mls_num_sens), `flx_level_stmt')dnl
')

divert(0)dnl
