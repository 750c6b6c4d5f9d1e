# GNU hello 2.10 built with its own scripts in the buildenv template (test/template/buildenv.test.ts,
# bench/buildenv.mjs): unpacks, configures, builds, checks, and keeps the greeting in ../greeting.
# A VM's clock starts in 2000, before hello's files were made, and configure refuses files from
# the future: every file takes the time of unpacking, one time for all, so make sees the generated
# files (configure, Makefile.in, aclocal.m4) as up to date and never calls the autotools.
set -e
touch unpacked
tar -xzf hello-2.10.tar.gz
find hello-2.10 -exec touch -r unpacked {} +
cd hello-2.10
./configure
make
make check
./hello > ../greeting
