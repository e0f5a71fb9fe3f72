#!/bin/sh
# `make install PREFIX=...` into a temporary prefix, then builds and runs a program against
# the installed library through pkg-config. Usage: tests/cli/install.sh BUILD_DIR.
B=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2"; fi; }
make -s --no-print-directory install BUILD="$B" PREFIX="$T/prefix" > "$T/log" 2>&1; check $? "make install"
[ ! -e "$T/prefix/include/caucus/core/engine_int.h" ]; check $? "internal headers are not installed"
for f in bin/caucus lib/libcaucus.a lib/pkgconfig/caucus.pc include/caucus/core/label.h \
         include/caucus/io/scenario_load.h share/man/man1/caucus.1; do
  [ -f "$T/prefix/$f" ]; check $? "installed $f"
done
cat > "$T/use.c" <<'C'
#include <core/scenario.h>
#include <io/scenario_load.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load_file(argv[argc - 1], NULL, &d, &s);
    printf("%s %s\n", cc_err_str(rc), s ? cc_scenario_id(s) : "-");
    cc_scenario_free(s);
    cc_diags_free(&d);
    return rc != CC_OK;
}
C
export PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig"
cc -std=c11 -o "$T/use" "$T/use.c" $(pkg-config --cflags caucus) $(pkg-config --libs caucus) > "$T/cc.log" 2>&1
check $? "compile against the installed library: $(head -c 400 "$T/cc.log")"
out=$("$T/use" tests/scenarios/valid/minimal.yaml 2>&1)
[ "$out" = "ok minimal" ]; check $? "installed library loads a scenario (got '$out')"
"$T/prefix/bin/caucus" --version | grep -q '^caucus '; check $? "installed binary runs"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
