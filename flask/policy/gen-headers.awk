# gen-headers.awk - turn the FLASK definition files into C.
#
# Usage (POSIX awk; tested with mawk and gawk):
#   awk -f flask/policy/gen-headers.awk -v outdir=DIR \
#       flask/policy/security_classes flask/policy/initial_sids \
#       flask/policy/access_vectors
#
# Writes
#   DIR/include/flask/flask.h          SECCLASS_* and SECINITSID_* numbers
#   DIR/include/flask/av_permissions.h <CLASS>__<PERM> bits, <CLASS>__PERM_COUNT
#   DIR/include/flask/flask_names.h    declarations of the name tables
#   DIR/gen/flask_names.c              the name tables themselves
#
# Numbering: classes and initial SIDs count from 1 in file order; a
# permission's bit is its position inside its class block, from 0.  These
# numbers are the policy ABI, which is why they are generated and never typed
# by hand.
#
# Every output is first written as NAME.tmp and renamed only once all of
# them are complete, so an error never leaves a half-written or stale
# header behind.  Any problem in the input is reported on stderr as
# "FILE:LINE: message" and makes the script exit with status 1.

BEGIN {
	prog = "gen-headers.awk"
	failed = 0
	if (outdir == "")
		die_usage("outdir is not set (use -v outdir=DIR)")
	nfiles = 0
	for (argn = 1; argn < ARGC; argn++) {
		if (ARGV[argn] ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
			continue
		nfiles++
		file_of[nfiles] = ARGV[argn]
	}
	if (nfiles != 3)
		die_usage("expected 3 input files (security_classes initial_sids access_vectors), got " nfiles)
	for (argn = 1; argn <= 3; argn++) {
		if (file_of[argn] in role_of)
			die_usage("the same file is given twice: " file_of[argn])
		role_of[file_of[argn]] = argn
	}
	class_decl_pending = 0
	sid_decl_pending = 0
	nclasses = 0
	nsids = 0
	state = "top"       # access_vectors parser: top, want_name, want_open, in_block, skip
	cur_class = ""
}

# ---------------------------------------------------------------- helpers

function complain(msg) {
	print prog ": " FILENAME ":" FNR ": " msg | "cat 1>&2"
	failed = 1
}

function die_usage(msg) {
	print prog ": " msg | "cat 1>&2"
	failed = 1
	exit 1
}

function valid_name(s) {
	return s ~ /^[A-Za-z_][A-Za-z0-9_]*$/
}

# Quote a string for the shell.
function shq(s,    out) {
	out = s
	gsub(/'/, "'\\''", out)
	return "'" out "'"
}

function basename(path,    p) {
	p = path
	sub(/.*\//, "", p)
	return p
}

# ---------------------------------------------------------------- input

FNR == 1 {
	role = role_of[FILENAME]
	if (role == 3)
		state = "top"
}

{
	line = $0
	sub(/#.*/, "", line)
	gsub(/[{}]/, " & ", line)
	ntok = split(line, tok, /[ \t\r]+/)
	for (t = 1; t <= ntok; t++) {
		if (tok[t] == "")
			continue
		if (role == 1)
			take_class_decl(tok[t])
		else if (role == 2)
			take_sid_decl(tok[t])
		else
			take_perm_token(tok[t])
	}
}

# security_classes: a sequence of "class NAME".
function take_class_decl(w) {
	if (!class_decl_pending) {
		if (w != "class") {
			complain("expected \"class\", found \"" w "\"")
			return
		}
		class_decl_pending = 1
		return
	}
	class_decl_pending = 0
	if (!valid_name(w)) {
		complain("invalid class name \"" w "\"")
		return
	}
	if (w in class_index) {
		complain("duplicate class \"" w "\" (first declared at line " class_line[w] ")")
		return
	}
	if (toupper(w) in class_upper) {
		complain("class \"" w "\" differs from \"" class_upper[toupper(w)] "\" only by case")
		return
	}
	nclasses++
	class_name[nclasses] = w
	class_index[w] = nclasses
	class_line[w] = FNR
	class_upper[toupper(w)] = w
}

# initial_sids: a sequence of "sid NAME".
function take_sid_decl(w) {
	if (!sid_decl_pending) {
		if (w != "sid") {
			complain("expected \"sid\", found \"" w "\"")
			return
		}
		sid_decl_pending = 1
		return
	}
	sid_decl_pending = 0
	if (!valid_name(w)) {
		complain("invalid initial SID name \"" w "\"")
		return
	}
	if (w in sid_index) {
		complain("duplicate initial SID \"" w "\"")
		return
	}
	if (toupper(w) in sid_upper) {
		complain("initial SID \"" w "\" differs from \"" sid_upper[toupper(w)] "\" only by case")
		return
	}
	nsids++
	sid_name[nsids] = w
	sid_index[w] = nsids
	sid_upper[toupper(w)] = w
}

# access_vectors: blocks "class NAME { perm ... }".
function take_perm_token(w) {
	if (state == "skip") {
		if (w == "}")
			state = "top"
		return
	}
	if (state == "top") {
		if (w == "common" || w == "inherits") {
			complain("\"" w "\" is not supported: list every permission in its class block")
			state = "skip"
		} else if (w != "class")
			complain("expected \"class\", found \"" w "\"")
		else
			state = "want_name"
		return
	}
	if (state == "want_name") {
		state = "want_open"
		cur_class = w
		if (!(w in class_index)) {
			complain("permissions for unknown class \"" w "\" (not in " basename(file_of[1]) ")")
			cur_class = ""
		} else if (w in perm_count) {
			complain("second permission block for class \"" w "\"")
			cur_class = ""
		} else {
			perm_count[w] = 0
			block_line[w] = FNR
		}
		return
	}
	if (state == "want_open") {
		if (w != "{")
			complain("expected \"{\" after \"class " cur_class "\", found \"" w "\"")
		state = "in_block"
		return
	}
	# in_block
	if (w == "}") {
		if (cur_class != "" && perm_count[cur_class] == 0)
			complain("class \"" cur_class "\" has an empty permission block")
		state = "top"
		cur_class = ""
		return
	}
	if (w == "{" || w == "class") {
		complain("unexpected \"" w "\" inside the block of class \"" cur_class "\" (missing \"}\"?)")
		return
	}
	if (cur_class == "")
		return
	if (!valid_name(w)) {
		complain("invalid permission name \"" w "\" in class \"" cur_class "\"")
		return
	}
	if (toupper(w) == "PERM_COUNT") {
		complain("permission name \"" w "\" would clash with " toupper(cur_class) "__PERM_COUNT")
		return
	}
	if ((cur_class SUBSEP toupper(w)) in perm_seen) {
		complain("duplicate permission \"" w "\" in class \"" cur_class "\"")
		return
	}
	perm_seen[cur_class, toupper(w)] = 1
	if (perm_count[cur_class] == 32) {
		complain("class \"" cur_class "\" has more than 32 permissions")
		perm_count[cur_class]++
		return
	}
	if (perm_count[cur_class] > 32)
		return
	perm_name[cur_class, perm_count[cur_class]] = w
	perm_count[cur_class]++
}

# ---------------------------------------------------------------- output

END {
	if (failed)
		exit 1
	check_complete()
	if (failed)
		exit 1
	if (system("mkdir -p " shq(outdir "/include/flask") " " shq(outdir "/gen")) != 0) {
		print prog ": cannot create directories under " outdir | "cat 1>&2"
		exit 1
	}
	nout = 0
	emit_flask_h()
	emit_av_permissions_h()
	emit_names_h()
	emit_names_c()
	commit_outputs()
}

function check_complete(    i, c) {
	if (state != "top") {
		print prog ": " file_of[3] ": unterminated class block at end of file" | "cat 1>&2"
		failed = 1
	}
	if (class_decl_pending || sid_decl_pending) {
		print prog ": a \"class\" or \"sid\" keyword is missing its name at end of file" | "cat 1>&2"
		failed = 1
	}
	if (nclasses == 0) {
		print prog ": " file_of[1] ": no classes declared" | "cat 1>&2"
		failed = 1
	}
	if (nsids == 0) {
		print prog ": " file_of[2] ": no initial SIDs declared" | "cat 1>&2"
		failed = 1
	}
	for (i = 1; i <= nclasses; i++) {
		c = class_name[i]
		if (!(c in perm_count)) {
			print prog ": " file_of[3] ": class \"" c "\" has no permission block" | "cat 1>&2"
			failed = 1
		}
	}
}

function provenance() {
	return "/* Generated from " basename(file_of[1]) ", " basename(file_of[2]) \
	    " and " basename(file_of[3]) " (flask/policy) by gen-headers.awk.\n" \
	    " * Do not edit: change the definition files instead. */\n"
}

function open_output(rel) {
	nout++
	out_final[nout] = outdir "/" rel
	out_tmp[nout] = out_final[nout] ".tmp"
	printf "" > out_tmp[nout]
	return out_tmp[nout]
}

function emit_flask_h(    f, i) {
	f = open_output("include/flask/flask.h")
	printf "%s", provenance() > f
	print "#ifndef FLASK_GEN_FLASK_H" > f
	print "#define FLASK_GEN_FLASK_H" > f
	print "" > f
	print "/* Object classes, numbered from 1 in security_classes order. */" > f
	for (i = 1; i <= nclasses; i++)
		print "#define SECCLASS_" toupper(class_name[i]) " " i > f
	print "#define SECCLASS_NUM " nclasses > f
	print "" > f
	print "/* Initial SIDs, numbered from 1 in initial_sids order. */" > f
	for (i = 1; i <= nsids; i++)
		print "#define SECINITSID_" toupper(sid_name[i]) " " i > f
	print "#define SECINITSID_NUM " nsids > f
	print "" > f
	print "#endif /* FLASK_GEN_FLASK_H */" > f
	close(f)
}

function emit_av_permissions_h(    f, i, c, C, p) {
	f = open_output("include/flask/av_permissions.h")
	printf "%s", provenance() > f
	print "#ifndef FLASK_GEN_AV_PERMISSIONS_H" > f
	print "#define FLASK_GEN_AV_PERMISSIONS_H" > f
	for (i = 1; i <= nclasses; i++) {
		c = class_name[i]
		C = toupper(c)
		print "" > f
		print "/* class " c " */" > f
		for (p = 0; p < perm_count[c]; p++)
			print "#define " C "__" toupper(perm_name[c, p]) " (1U << " p ")" > f
		print "#define " C "__PERM_COUNT " perm_count[c] > f
	}
	print "" > f
	print "#endif /* FLASK_GEN_AV_PERMISSIONS_H */" > f
	close(f)
}

function emit_names_h(    f) {
	f = open_output("include/flask/flask_names.h")
	printf "%s", provenance() > f
	print "#ifndef FLASK_GEN_FLASK_NAMES_H" > f
	print "#define FLASK_GEN_FLASK_NAMES_H" > f
	print "" > f
	print "#include \"flask.h\"" > f
	print "" > f
	print "/* Class names by SECCLASS_* value; index 0 is a null pointer. */" > f
	print "extern const char *const flask_class_names[SECCLASS_NUM + 1];" > f
	print "" > f
	print "/* Per class, its permission names in bit order, ending with a null" > f
	print " * pointer; index 0 is a null pointer. */" > f
	print "extern const char *const *const flask_perm_names[SECCLASS_NUM + 1];" > f
	print "" > f
	print "/* Per class, how many permissions it defines; index 0 holds 0. */" > f
	print "extern const unsigned int flask_perm_count[SECCLASS_NUM + 1];" > f
	print "" > f
	print "/* Initial SID names by SECINITSID_* value; index 0 is a null pointer. */" > f
	print "extern const char *const flask_initial_sid_names[SECINITSID_NUM + 1];" > f
	print "" > f
	print "#endif /* FLASK_GEN_FLASK_NAMES_H */" > f
	close(f)
}

function emit_names_c(    f, i, c, C, p) {
	f = open_output("gen/flask_names.c")
	printf "%s", provenance() > f
	print "#include \"flask/flask_names.h\"" > f
	print "#include \"flask/av_permissions.h\"" > f
	for (i = 1; i <= nclasses; i++) {
		c = class_name[i]
		C = toupper(c)
		print "" > f
		print "static const char *const flask_perms_" c "[" C "__PERM_COUNT + 1] = {" > f
		for (p = 0; p < perm_count[c]; p++)
			print "\t\"" perm_name[c, p] "\"," > f
		print "\t(const char *)0," > f
		print "};" > f
	}
	print "" > f
	print "const char *const flask_class_names[SECCLASS_NUM + 1] = {" > f
	print "\t[0] = (const char *)0," > f
	for (i = 1; i <= nclasses; i++)
		print "\t[SECCLASS_" toupper(class_name[i]) "] = \"" class_name[i] "\"," > f
	print "};" > f
	print "" > f
	print "const char *const *const flask_perm_names[SECCLASS_NUM + 1] = {" > f
	print "\t[0] = (const char *const *)0," > f
	for (i = 1; i <= nclasses; i++)
		print "\t[SECCLASS_" toupper(class_name[i]) "] = flask_perms_" class_name[i] "," > f
	print "};" > f
	print "" > f
	print "const unsigned int flask_perm_count[SECCLASS_NUM + 1] = {" > f
	print "\t[0] = 0," > f
	for (i = 1; i <= nclasses; i++) {
		C = toupper(class_name[i])
		print "\t[SECCLASS_" C "] = " C "__PERM_COUNT," > f
	}
	print "};" > f
	print "" > f
	print "const char *const flask_initial_sid_names[SECINITSID_NUM + 1] = {" > f
	print "\t[0] = (const char *)0," > f
	for (i = 1; i <= nsids; i++)
		print "\t[SECINITSID_" toupper(sid_name[i]) "] = \"" sid_name[i] "\"," > f
	print "};" > f
	close(f)
}

# Rename every .tmp into place; on any failure remove what is left.
function commit_outputs(    i, rc) {
	rc = 0
	for (i = 1; i <= nout; i++) {
		if (system("mv -f " shq(out_tmp[i]) " " shq(out_final[i])) != 0) {
			rc = 1
			break
		}
	}
	if (rc) {
		for (i = 1; i <= nout; i++)
			system("rm -f " shq(out_tmp[i]))
		print prog ": could not move the generated files into " outdir | "cat 1>&2"
		exit 1
	}
}
