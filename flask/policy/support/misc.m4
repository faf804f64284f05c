divert(-1)
# misc.m4 - general helpers for the Flaxen policy sources.
#
# Nothing in this file produces output: it only defines macros, and the
# divert(-1) above throws away the blank lines the definitions leave.
#
# Build-time switches (given to m4 with -D by policy.mk):
#   enable_mls        build the MLS variant
#   mls_num_sens      number of sensitivities (default 16: s0 .. s15)
#   mls_num_cats      number of categories    (default 256: c0 .. c255)
#   bool_NAME=VALUE   override the default of boolean NAME (true or false)

ifdef(`mls_num_sens', `', `define(`mls_num_sens', `16')')
ifdef(`mls_num_cats', `', `define(`mls_num_cats', `256')')

# flx_each(FIRST, LAST, MACRO): expands MACRO(FIRST) MACRO(FIRST+1) ... up
# to MACRO(LAST), with nothing in between.  Nothing when FIRST > LAST.
define(`flx_each',
	`ifelse(eval(`$1 <= $2'), `1',
		`$3(`$1')`'flx_each(incr(`$1'), `$2', `$3')')')

# flx_hex(N): N in lower-case hexadecimal without prefix.
define(`flx_hex', `eval(`$1', `16')')

# gen_context(USER:ROLE:TYPE, MLS_RANGE): a security context.  The range is
# kept only in MLS builds, so every context in the sources is written once
# and serves both variants.
define(`gen_context', `ifdef(`enable_mls', `$1:$2', `$1')')

# gen_user(NAME, ROLES, DEFAULT_LEVEL, RANGE): declares a user.  ROLES is
# a space separated list; the level and range are emitted in MLS builds.
define(`gen_user',
	`user $1 roles { $2 }ifdef(`enable_mls', ` level $3 range $4');')

# gen_bool(NAME, DEFAULT): declares a boolean.  Its initial value is
# DEFAULT unless the build defines bool_NAME.
define(`gen_bool', `bool $1 ifdef(`bool_$1', `bool_$1', `$2');')

# flx_attrs(ATTR, ...): ", ATTR, ..." or nothing; used to append optional
# attributes to a type declaration.
define(`flx_attrs', `ifelse(`$1', `', `', `, $@')')

divert(0)dnl
