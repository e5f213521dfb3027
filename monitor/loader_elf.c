// SPDX-License-Identifier: GPL-2.0
/*
 * ELF32/ELF64 loader for PVH-style guests: every PT_LOAD is copied to its
 * p_paddr (filesz bytes, zero-filled up to memsz); the entry point is the
 * Xen PHYS32_ENTRY note when present (xen-abi.md B.1), else e_entry.  The
 * whole image is validated before anything is copied: a file from the
 * user is untrusted input, every offset and size is checked for overflow.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "monitor/loader.h"
#include "monitor/log.h"

/* The fields we use, from either class. */
struct elf_info {
	unsigned int cls;	/* ELFCLASS32 / ELFCLASS64 */
	uint64_t entry;
	uint64_t phoff;
	unsigned int phnum;
};

struct elf_seg {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

bool mon_elf_probe(const uint8_t *buf, size_t len)
{
	return len >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG);
}

/* Copy the header fields we use from an Elf32_Ehdr or Elf64_Ehdr. */
#define GET_EHDR(T, buf, ei, machine, type, phentsize) do {		\
	T eh_;								\
									\
	memcpy(&eh_, buf, sizeof(eh_));					\
	machine = eh_.e_machine;					\
	type = eh_.e_type;						\
	phentsize = eh_.e_phentsize;					\
	(ei)->phnum = eh_.e_phnum;					\
	(ei)->phoff = eh_.e_phoff;					\
	(ei)->entry = eh_.e_entry;					\
} while (0)

static int parse_ehdr(const uint8_t *buf, size_t len, struct elf_info *ei,
		      char *err, size_t errlen)
{
	bool is64;
	unsigned int machine, type, phentsize, want, want_machine;

	if (!mon_elf_probe(buf, len))
		return mon_seterr(-ENOEXEC, err, errlen, "not an ELF image (bad "
				  "magic)");
	if (len < EI_NIDENT)
		return mon_seterr(-ENOEXEC, err, errlen, "truncated ELF header");
	ei->cls = buf[EI_CLASS];
	if (ei->cls != ELFCLASS32 && ei->cls != ELFCLASS64)
		return mon_seterr(-ENOEXEC, err, errlen, "unknown ELF class %u",
				  ei->cls);
	if (buf[EI_DATA] != ELFDATA2LSB || buf[EI_VERSION] != EV_CURRENT)
		return mon_seterr(-ENOEXEC, err, errlen, "not a little-endian "
				  "ELF version 1 image");
	is64 = ei->cls == ELFCLASS64;
	if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return mon_seterr(-ENOEXEC, err, errlen, "truncated ELF header");
	if (is64)
		GET_EHDR(Elf64_Ehdr, buf, ei, machine, type, phentsize);
	else
		GET_EHDR(Elf32_Ehdr, buf, ei, machine, type, phentsize);
	want = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	want_machine = is64 ? EM_X86_64 : EM_386;
	if (machine != want_machine)
		return mon_seterr(-ENOEXEC, err, errlen, "ELF%u image for "
				  "machine %u, not %s", is64 ? 64 : 32,
				  machine, is64 ? "x86-64" : "i386");
	if (type != ET_EXEC)
		return mon_seterr(-ENOEXEC, err, errlen, "ELF type %u is not an "
				  "executable (ET_EXEC)", type);
	if (phentsize != want)
		return mon_seterr(-ENOEXEC, err, errlen, "bad program header "
				  "size %u (expected %u)", phentsize, want);
	if (!ei->phnum || ei->phnum > MON_ELF_MAX_PHDRS)
		return mon_seterr(-ENOEXEC, err, errlen, "%u program headers "
				  "(expected 1..%d)", ei->phnum,
				  MON_ELF_MAX_PHDRS);
	if (ei->phoff > len || (uint64_t)ei->phnum * want > len - ei->phoff)
		return mon_seterr(-ENOEXEC, err, errlen, "truncated image: "
				  "program headers end beyond the file");
	return 0;
}

/* Copy program header @i from an Elf32_Phdr or Elf64_Phdr table. */
#define GET_PHDR(T, buf, ei, i, s) do {					\
	T ph_;								\
									\
	memcpy(&ph_, (buf) + (ei)->phoff + (i) * sizeof(ph_), sizeof(ph_)); \
	*(s) = (struct elf_seg){ ph_.p_type, ph_.p_offset, ph_.p_vaddr,	\
				 ph_.p_paddr, ph_.p_filesz, ph_.p_memsz, \
				 ph_.p_align };				\
} while (0)

static void get_seg(const uint8_t *buf, const struct elf_info *ei,
		    unsigned int i, struct elf_seg *s)
{
	if (ei->cls == ELFCLASS32)
		GET_PHDR(Elf32_Phdr, buf, ei, i, s);
	else
		GET_PHDR(Elf64_Phdr, buf, ei, i, s);
}

static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Walk one PT_NOTE segment looking for the Xen PHYS32_ENTRY note.
 * Returns 1 and sets *entry if found, 0 if not, < 0 on a malformed note.
 */
static int find_pvh_note(const uint8_t *buf, const struct elf_seg *s,
			 uint64_t *entry, char *err, size_t errlen)
{
	/* Notes are 4-byte aligned in practice even in ELF64 (Linux emits
	 * them so); honour an 8-byte p_align when a producer asks for it. */
	uint64_t a = s->align == 8 ? 8 : 4;
	const uint8_t *p = buf + s->offset;
	uint64_t left = s->filesz;

	while (left >= 12) {
		uint32_t namesz, descsz, type;
		uint64_t nlen, dlen;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		nlen = align_up(namesz, a);
		dlen = align_up(descsz, a);
		if (nlen > left - 12 || dlen > left - 12 - nlen)
			return mon_seterr(-ENOEXEC, err, errlen, "truncated ELF "
					  "note");
		if (namesz == 4 && !memcmp(p + 12, "Xen", 4) &&
		    type == MON_XEN_ELFNOTE_PHYS32_ENTRY) {
			const uint8_t *d = p + 12 + nlen;

			if (descsz == 4) {
				uint32_t v;

				memcpy(&v, d, 4);
				*entry = v;
			} else if (descsz == 8) {
				memcpy(entry, d, 8);
			} else {
				return mon_seterr(-ENOEXEC, err, errlen, "Xen "
						  "PHYS32_ENTRY note has a %u-byte "
						  "value (expected 4 or 8)",
						  descsz);
			}
			return 1;
		}
		p += 12 + nlen + dlen;
		left -= 12 + nlen + dlen;
	}
	return 0;
}

static int check_load(struct mon_mem *m, const struct elf_seg *seg,
		      unsigned int n, size_t len, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct elf_seg *s = &seg[i];

		if (!in_file(s->offset, s->filesz, len))
			return mon_seterr(-ENOEXEC, err, errlen, "truncated image: "
					  "segment %u (offset %#" PRIx64 ", %"
					  PRIu64 " bytes) ends beyond the file",
					  i, s->offset, s->filesz);
		if (s->filesz > s->memsz)
			return mon_seterr(-ENOEXEC, err, errlen, "segment %u: file "
					  "size larger than memory size", i);
		if (s->paddr + s->memsz < s->paddr)
			return mon_seterr(-ENOEXEC, err, errlen, "segment %u: "
					  "address range wraps around", i);
		if (!mon_mem_ram_ptr(m, s->paddr, s->memsz))
			return mon_seterr(-ERANGE, err, errlen, "segment %u "
					  "[%#" PRIx64 "-%#" PRIx64 ") lies "
					  "outside guest RAM (%" PRIu64 " MiB): "
					  "give more --memory or fix the link "
					  "address", i, s->paddr,
					  s->paddr + s->memsz,
					  m->ram_size >> 20);
		for (unsigned int j = 0; j < i; j++) {
			const struct elf_seg *o = &seg[j];

			if (s->paddr < o->paddr + o->memsz &&
			    o->paddr < s->paddr + s->memsz)
				return mon_seterr(-ENOEXEC, err, errlen, "segments "
						  "%u and %u overlap at %#" PRIx64,
						  j, i, s->paddr > o->paddr ?
						  s->paddr : o->paddr);
		}
	}
	return 0;
}

/* e_entry may be virtual (vaddr != paddr): translate through a segment. */
static int resolve_entry(const struct elf_seg *seg, unsigned int n,
			 uint64_t e, bool pvh, uint64_t *gpa)
{
	for (unsigned int i = 0; i < n; i++)
		if (e >= seg[i].paddr && e - seg[i].paddr < seg[i].memsz) {
			*gpa = e;
			return 0;
		}
	if (pvh)		/* the note is physical by definition */
		return -1;
	for (unsigned int i = 0; i < n; i++)
		if (e >= seg[i].vaddr && e - seg[i].vaddr < seg[i].memsz) {
			*gpa = seg[i].paddr + (e - seg[i].vaddr);
			return 0;
		}
	return -1;
}

int mon_load_elf(struct mon_mem *m, const uint8_t *buf, size_t len,
		 struct mon_image *img, char *err, size_t errlen)
{
	struct elf_seg seg[MON_ELF_MAX_PHDRS];
	struct elf_info ei = { 0 };
	uint64_t entry = 0, gpa;
	unsigned int nload = 0;
	bool pvh = false;
	int r;

	r = parse_ehdr(buf, len, &ei, err, errlen);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < ei.phnum; i++) {
		struct elf_seg s;

		get_seg(buf, &ei, i, &s);
		if (s.type == PT_LOAD && s.memsz) {
			seg[nload++] = s;
		} else if (s.type == PT_NOTE && !pvh) {
			if (!in_file(s.offset, s.filesz, len))
				return mon_seterr(-ENOEXEC, err, errlen, "truncated"
						  " image: note segment ends "
						  "beyond the file");
			r = find_pvh_note(buf, &s, &entry, err, errlen);
			if (r < 0)
				return r;
			pvh = r;
		}
	}
	if (!nload)
		return mon_seterr(-ENOEXEC, err, errlen, "no loadable segment");
	r = check_load(m, seg, nload, len, err, errlen);
	if (r < 0)
		return r;
	if (!pvh)
		entry = ei.entry;
	if (resolve_entry(seg, nload, entry, pvh, &gpa) < 0)
		return mon_seterr(-ENOEXEC, err, errlen, "entry point %#" PRIx64
				  " (%s) is not inside a loaded segment", entry,
				  pvh ? "Xen PHYS32_ENTRY note" : "e_entry");
	if (gpa >= 1ULL << 32)
		return mon_seterr(-ENOEXEC, err, errlen, "entry point %#" PRIx64
				  " is above 4 GiB and cannot be entered in "
				  "32-bit mode", gpa);

	img->format = ei.cls == ELFCLASS32 ? "elf32" : "elf64";
	img->entry = gpa;
	img->pvh_entry = pvh;
	img->lo = UINT64_MAX;
	img->hi = 0;
	for (unsigned int i = 0; i < nload; i++) {
		uint8_t *dst = mon_mem_ram_ptr(m, seg[i].paddr, seg[i].memsz);

		memcpy(dst, buf + seg[i].offset, seg[i].filesz);
		memset(dst + seg[i].filesz, 0, seg[i].memsz - seg[i].filesz);
		if (seg[i].paddr < img->lo)
			img->lo = seg[i].paddr;
		if (seg[i].paddr + seg[i].memsz > img->hi)
			img->hi = seg[i].paddr + seg[i].memsz;
	}
	return 0;
}
