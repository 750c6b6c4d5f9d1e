# build.mk — compiles and links BusyBox 1.35.0 (the tree bbgen has prepared in $(SRC)); run by
# the chain's make with no shell: every command below is a plain program with arguments, which
# make starts itself. README.md explains the layout.
#
# The configuration as make variables (CONFIG_NAME=value), as BusyBox's Makefile reads .config.
include src/busybox.config

SRC := tmp/busybox-1.35.0
TOP := $(CURDIR)
# BusyBox's directories of sources (its Makefile's core-y and libs-y).
DIRS := applets archival archival/libarchive console-tools coreutils coreutils/libcoreutils \
	debianutils klibc-utils e2fsprogs editors findutils init libbb libpwdgrp loginutils \
	mailutils miscutils modutils networking networking/libiproute networking/udhcp printutils \
	procps runit selinux shell sysklogd util-linux util-linux/volume_id
# BusyBox's CPPFLAGS and the one CFLAGS option it depends on (-funsigned-char); headers from
# the tree, then musl's.
CFLAGS := -nostdinc -I $(TOP)/$(SRC)/include -I $(TOP)/$(SRC)/libbb -I $(TOP)/musl/include \
	-include $(TOP)/src/flags.h -include $(TOP)/$(SRC)/include/autoconf.h -funsigned-char

all: bin/busybox

# Each directory's Kbuild (bbgen wrote it) names its objects: obj-y are always linked, lib-y
# go into the archive, from which the linker takes only what is used.
define read-kbuild
lib-y :=
obj-y :=
include $(SRC)/$(1)/Kbuild
LIB_$(1) := $$(sort $$(lib-y))
OBJ_$(1) := $$(sort $$(obj-y))
endef
$(foreach d,$(DIRS),$(eval $(call read-kbuild,$(d))))

# One tcc process compiles a whole directory (tcc -c writes NAME.o for each NAME.c into the
# current directory, obj/DIR): fewer processes, each of which costs seconds under qemu.
define compile-dir
ifneq ($$(strip $$(LIB_$(1)) $$(OBJ_$(1))),)
$$(addprefix obj/$(1)/,$$(LIB_$(1)) $$(OBJ_$(1))) &:
	tmp/in-dir $(TOP)/obj/$(1) $(TOP)/tools/tcc $(CFLAGS) -c $$(addprefix $(TOP)/$(SRC)/$(1)/,$$(patsubst %.o,%.c,$$(LIB_$(1)) $$(OBJ_$(1))))
endif
LIBS += $$(addprefix obj/$(1)/,$$(LIB_$(1)))
OBJS += $$(addprefix obj/$(1)/,$$(OBJ_$(1)))
endef
$(foreach d,$(DIRS),$(eval $(call compile-dir,$(d))))

obj/libbusybox.a: $(LIBS)
	tools/tcc -ar rcs $@ $^

# musl's libc.a again after libtcc1.a, which calls into it.
bin/busybox: $(OBJS) obj/libbusybox.a
	tools/tcc -nostdlib -static musl/lib/crt1.o musl/lib/crti.o $(OBJS) obj/libbusybox.a musl/lib/libc.a lib/tcc/libtcc1.a musl/lib/libc.a musl/lib/crtn.o -o $@
