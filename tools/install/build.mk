# SPDX-License-Identifier: GPL-2.0
# build fragment for tools/install/ (see the top-level Makefile and
# docs/install.md): installing hxen, the Debian packages, their checks.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=...]
#   make uninstall (same variables)
#   make deb       build/deb/*.deb from tools/debian/ (dpkg-buildpackage)
#   make pkg-check install/uninstall into a temporary DESTDIR, DKMS build
#                  of the installed module source against KDIR
#   make deb-check make deb, lintian, apt install, purge (root; slow)
#
# The file list is in one place, tools/install/install.sh.

PREFIX		?= /usr/local
DESTDIR		?=
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
# udev and systemd read /etc and their own directories only: a /usr/local
# install puts its udev rule and modules-load file under /etc.  /lib/udev
# is Debian 12's udev directory (dh_installudev's).
ifeq ($(PREFIX),/usr)
UDEVRULESDIR	?= /lib/udev/rules.d
MODULESLOADDIR	?= /usr/lib/modules-load.d
else
UDEVRULESDIR	?= /etc/udev/rules.d
MODULESLOADDIR	?= /etc/modules-load.d
endif
# DKMS only looks in /usr/src, whatever PREFIX is.
DKMSSRCDIR	?= /usr/src

PKG_INSTALLED := $(HXEN_CLI) $(HXEN_MONITOR) $(LIBHXEN_SO)
PKG_ENV = BUILD=$(BUILD) VERSION=$(VERSION) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) \
	  BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) \
	  MANDIR=$(MANDIR) PKGCONFIGDIR=$(PKGCONFIGDIR) \
	  UDEVRULESDIR=$(UDEVRULESDIR) MODULESLOADDIR=$(MODULESLOADDIR) \
	  DKMSSRCDIR=$(DKMSSRCDIR)

.PHONY: install uninstall pkg-build deb pkg-check deb-check

# What the packages ship (debian/rules builds only this).
pkg-build: $(PKG_INSTALLED)

install: $(PKG_INSTALLED)
	$(Q)$(PKG_ENV) bash tools/install/install.sh install

uninstall:
	$(Q)$(PKG_ENV) bash tools/install/install.sh uninstall

deb:
ifeq ($(HXEN_DEPS_DONE),)
	$(Q)bash tools/deps.sh build deb </dev/null
endif
	$(Q)BUILD=$(BUILD) VERSION=$(VERSION) bash tools/install/mkdeb.sh

# Seconds: the install tree; then the DKMS build of the installed module
# source (about half a minute on 2 cores), skipped with a message when no
# kernel headers are found.
pkg-check: $(PKG_INSTALLED)
	$(Q)BUILD=$(BUILD) VERSION=$(VERSION) bash tests/pkg/install-tree.sh
	$(Q)BUILD=$(BUILD) VERSION=$(VERSION) KDIR=$(KDIR) bash tests/pkg/dkms-build.sh

deb-check:
	$(Q)$(MAKE) --no-print-directory deb
	$(Q)BUILD=$(BUILD) VERSION=$(VERSION) bash tests/pkg/deb-roundtrip.sh
