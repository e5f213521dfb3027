// SPDX-License-Identifier: GPL-2.0
/*
 * ELF and flat loaders (monitor/loader_elf.c, monitor/loader.c) and the
 * guest memory table (monitor/mem.c), on ELF images crafted in memory.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "monitor/loader.h"
#include "monitor/mem.h"

#define RAM	(4ULL << 20)
#define PH_OFF	0x40
#define DATA	0x400

static struct mon_mem mem;
static uint8_t img[0x1000];
static char err[256];

struct seg {
	uint32_t type;
	uint64_t paddr, vaddr, filesz, memsz, offset, align;
};

static int mem_init(void)
{
	if (mon_mem_layout(&mem, RAM, err, sizeof(err)) ||
	    mon_mem_alloc(&mem, err, sizeof(err)))
		return -1;
	return 0;
}

static int mem_fini(void)
{
	mon_mem_free(&mem);
	return 0;
}

static void fill_ram(void)
{
	memset(mem.r[0].host, 0xaa, RAM);
}

/* Fill an Ehdr/Phdr pair of types for one ELF class. */
#define BUILD_ELF(Ehdr, Phdr, cls, machine, entry, s, n) do {		\
	Ehdr eh = {							\
		.e_type = ET_EXEC, .e_machine = machine,		\
		.e_version = EV_CURRENT, .e_entry = entry,		\
		.e_phoff = PH_OFF, .e_ehsize = sizeof(eh),		\
		.e_phentsize = sizeof(Phdr), .e_phnum = n,		\
	};								\
									\
	memcpy(eh.e_ident, ELFMAG, SELFMAG);				\
	eh.e_ident[EI_CLASS] = cls;					\
	eh.e_ident[EI_DATA] = ELFDATA2LSB;				\
	eh.e_ident[EI_VERSION] = EV_CURRENT;				\
	memcpy(img, &eh, sizeof(eh));					\
	for (unsigned int i = 0; i < n; i++) {				\
		Phdr ph = {						\
			.p_type = s[i].type, .p_offset = s[i].offset,	\
			.p_vaddr = s[i].vaddr ? s[i].vaddr : s[i].paddr, \
			.p_paddr = s[i].paddr, .p_filesz = s[i].filesz,	\
			.p_memsz = s[i].memsz, .p_align = s[i].align,	\
		};							\
									\
		memcpy(img + PH_OFF + i * sizeof(ph), &ph, sizeof(ph)); \
	}								\
} while (0)

/* Build an ELF of @cls with @n program headers; returns the file size. */
static size_t build(unsigned int cls, uint64_t entry, const struct seg *s,
		    unsigned int n)
{
	memset(img, 0, sizeof(img));
	/* payload bytes: recognisable pattern */
	for (unsigned int i = DATA; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7);
	if (cls == ELFCLASS64)
		BUILD_ELF(Elf64_Ehdr, Elf64_Phdr, ELFCLASS64, EM_X86_64, entry,
			  s, n);
	else
		BUILD_ELF(Elf32_Ehdr, Elf32_Phdr, ELFCLASS32, EM_386, entry,
			  s, n);
	return sizeof(img);
}

/* Write one note at @off; returns the offset after it. */
static size_t put_note(size_t off, const char *name, uint32_t type,
		       const void *desc, uint32_t descsz, unsigned int align)
{
	uint32_t namesz = strlen(name) + 1;
	size_t nlen = (namesz + align - 1) & ~(size_t)(align - 1);
	size_t dlen = (descsz + align - 1) & ~(size_t)(align - 1);

	memcpy(img + off, &namesz, 4);
	memcpy(img + off + 4, &descsz, 4);
	memcpy(img + off + 8, &type, 4);
	memset(img + off + 12, 0, nlen + dlen);
	memcpy(img + off + 12, name, namesz);
	memcpy(img + off + 12 + nlen, desc, descsz);
	return off + 12 + nlen + dlen;
}

static int load(size_t len, struct mon_image *out)
{
	err[0] = 0;
	return mon_load_elf(&mem, img, len, out, err, sizeof(err));
}

static void test_good_elf64(void)
{
	const struct seg s[] = {
		{ PT_LOAD, 0x100000, 0, 16, 32, DATA, 0x1000 },
		{ PT_LOAD, 0x200000, 0, 8, 8, DATA + 0x100, 0x1000 },
	};
	struct mon_image im;
	uint8_t *p;

	fill_ram();
	CU_ASSERT_EQUAL_FATAL(load(build(ELFCLASS64, 0x100004, s, 2), &im), 0);
	CU_ASSERT_STRING_EQUAL(im.format, "elf64");
	CU_ASSERT_EQUAL(im.entry, 0x100004);
	CU_ASSERT_FALSE(im.pvh_entry);
	CU_ASSERT_EQUAL(im.lo, 0x100000);
	CU_ASSERT_EQUAL(im.hi, 0x200008);
	p = mon_mem_ram_ptr(&mem, 0x100000, 33);
	CU_ASSERT_EQUAL(memcmp(p, img + DATA, 16), 0);
	for (int i = 16; i < 32; i++)
		CU_ASSERT_EQUAL(p[i], 0);	/* bss zeroed */
	CU_ASSERT_EQUAL(p[32], 0xaa);		/* nothing beyond memsz */
	p = mon_mem_ram_ptr(&mem, 0x200000, 8);
	CU_ASSERT_EQUAL(memcmp(p, img + DATA + 0x100, 8), 0);
}

static void test_good_elf32_pvh_note4(void)
{
	uint32_t e32 = 0x100010;
	struct seg s[] = {
		{ PT_NOTE, 0, 0, 0, 0, 0x300, 4 },
		{ PT_LOAD, 0x100000, 0, 0x40, 0x40, DATA, 0x1000 },
	};
	struct mon_image im;
	size_t end;

	/* three notes, the PVH one last: 24 + 24 + 20 bytes */
	s[0].filesz = 68;
	build(ELFCLASS32, 0x100000, s, 2);
	end = put_note(0x300, "GNU", 3, "abcdefgh", 8, 4);
	end = put_note(end, "Xen", 6, "xen-3.0", 8, 4);	/* other Xen note */
	end = put_note(end, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY, &e32, 4, 4);
	CU_ASSERT_EQUAL_FATAL(end - 0x300, s[0].filesz);
	CU_ASSERT_EQUAL_FATAL(load(sizeof(img), &im), 0);
	CU_ASSERT_STRING_EQUAL(im.format, "elf32");
	CU_ASSERT_TRUE(im.pvh_entry);
	CU_ASSERT_EQUAL(im.entry, 0x100010);
}

static void test_pvh_note8(void)
{
	uint64_t e64 = 0x100020;
	struct seg s[] = {
		{ PT_LOAD, 0x100000, 0xffffffff81000000ULL, 0x40, 0x40, DATA,
		  0x1000 },
		{ PT_NOTE, 0, 0, 0, 0, 0x300, 4 },
	};
	struct mon_image im;

	s[1].filesz = put_note(0x300, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY,
			       &e64, 8, 4) - 0x300;
	build(ELFCLASS64, 0xffffffff81000000ULL, s, 2);
	put_note(0x300, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY, &e64, 8, 4);
	CU_ASSERT_EQUAL_FATAL(load(sizeof(img), &im), 0);
	CU_ASSERT_TRUE(im.pvh_entry);
	CU_ASSERT_EQUAL(im.entry, 0x100020);

	/* an odd-sized descriptor is refused */
	put_note(0x300, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY, &e64, 2, 4);
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "PHYS32_ENTRY"));
	/* a note running past its segment is refused */
	put_note(0x300, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY, &e64, 8, 4);
	s[1].filesz = 20;
	build(ELFCLASS64, 0, s, 2);
	put_note(0x300, "Xen", MON_XEN_ELFNOTE_PHYS32_ENTRY, &e64, 8, 4);
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "note"));
}

static void test_virtual_entry(void)
{
	const struct seg s[] = {
		{ PT_LOAD, 0x100000, 0xffffffff81000000ULL, 0x40, 0x40, DATA,
		  0x1000 },
	};
	struct mon_image im;

	CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0xffffffff81000008ULL, s, 1),
			     &im), 0);
	CU_ASSERT_EQUAL(im.entry, 0x100008);
	/* an entry in no segment is refused */
	CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0x300000, s, 1), &im),
			-ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "entry point"));
}

static void test_truncated(void)
{
	const struct seg s[] = {
		{ PT_LOAD, 0x100000, 0, 0x40, 0x40, DATA, 0x1000 },
	};
	struct mon_image im;
	Elf64_Ehdr eh;

	build(ELFCLASS64, 0x100000, s, 1);
	CU_ASSERT_EQUAL(load(4, &im), -ENOEXEC);
	CU_ASSERT_EQUAL(load(sizeof(Elf64_Ehdr) - 1, &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	/* program headers cut off */
	CU_ASSERT_EQUAL(load(PH_OFF + 10, &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	/* segment data cut off */
	CU_ASSERT_EQUAL(load(DATA + 0x20, &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	/* phoff pointing far away (overflow-safe check) */
	memcpy(&eh, img, sizeof(eh));
	eh.e_phoff = ~0ULL - 8;
	memcpy(img, &eh, sizeof(eh));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	/* segment offset + size wrapping */
	{
		struct seg w = s[0];

		w.offset = ~0ULL - 4;
		CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0x100000, &w, 1), &im),
				-ENOEXEC);
	}
}

static void test_outside_ram(void)
{
	struct seg s[] = {
		{ PT_LOAD, RAM - 0x20, 0, 0x40, 0x40, DATA, 0x1000 },
	};
	struct mon_image im;

	CU_ASSERT_EQUAL(load(build(ELFCLASS64, RAM - 0x20, s, 1), &im),
			-ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside guest RAM"));
	/* bss running past RAM is as bad as data */
	s[0].paddr = RAM - 0x1000;
	s[0].filesz = 0x10;
	s[0].memsz = 0x2000;
	CU_ASSERT_EQUAL(load(build(ELFCLASS64, RAM - 0x1000, s, 1), &im),
			-ERANGE);
	/* memsz wrapping the address space */
	s[0].paddr = 0x100000;
	s[0].memsz = ~0ULL - 0x1000;
	CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0x100000, s, 1), &im),
			-ENOEXEC);
	/* filesz > memsz */
	s[0].filesz = 0x40;
	s[0].memsz = 0x10;
	CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0x100000, s, 1), &im),
			-ENOEXEC);
}

static void test_overlap(void)
{
	const struct seg s[] = {
		{ PT_LOAD, 0x100000, 0, 0x40, 0x1000, DATA, 0x1000 },
		{ PT_LOAD, 0x100800, 0, 0x40, 0x40, DATA, 0x1000 },
	};
	struct mon_image im;

	CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0x100000, s, 2), &im),
			-ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "overlap"));
}

static void test_bad_headers(void)
{
	const struct seg s[] = {
		{ PT_LOAD, 0x100000, 0, 0x40, 0x40, DATA, 0x1000 },
	};
	struct mon_image im;
	Elf64_Ehdr eh;

	build(ELFCLASS64, 0x100000, s, 1);
	img[0] = 0x7e;				/* bad magic */
	CU_ASSERT_FALSE(mon_elf_probe(img, sizeof(img)));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "magic"));

	build(ELFCLASS64, 0x100000, s, 1);
	img[EI_CLASS] = 3;
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	build(ELFCLASS64, 0x100000, s, 1);
	img[EI_DATA] = ELFDATA2MSB;
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);

	build(ELFCLASS64, 0x100000, s, 1);
	memcpy(&eh, img, sizeof(eh));
	eh.e_machine = EM_AARCH64;
	memcpy(img, &eh, sizeof(eh));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "machine"));
	eh.e_machine = EM_X86_64;
	eh.e_type = ET_DYN;
	memcpy(img, &eh, sizeof(eh));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	eh.e_type = ET_EXEC;
	eh.e_phentsize = 40;
	memcpy(img, &eh, sizeof(eh));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 0;
	memcpy(img, &eh, sizeof(eh));
	CU_ASSERT_EQUAL(load(sizeof(img), &im), -ENOEXEC);

	/* only a note, nothing to load */
	{
		const struct seg n = { PT_NOTE, 0, 0, 0, 0, DATA, 4 };

		CU_ASSERT_EQUAL(load(build(ELFCLASS64, 0, &n, 1), &im),
				-ENOEXEC);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no loadable"));
	}
}

static void test_flat(void)
{
	struct mon_image im;
	uint8_t *p;

	memset(img, 0x5c, sizeof(img));
	CU_ASSERT_EQUAL(mon_load_flat(&mem, img, 100, &im, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(im.entry, MON_FLAT_LOAD_ADDR);
	CU_ASSERT_EQUAL(im.hi, MON_FLAT_LOAD_ADDR + 100);
	p = mon_mem_ram_ptr(&mem, MON_FLAT_LOAD_ADDR, 100);
	CU_ASSERT_EQUAL(memcmp(p, img, 100), 0);
	CU_ASSERT_EQUAL(mon_load_flat(&mem, img, 0, &im, err, sizeof(err)),
			-ENOEXEC);
	/* 3 MiB + 1 byte does not fit above 1 MiB in 4 MiB */
	CU_ASSERT_EQUAL(mon_load_flat(&mem, img, RAM - MON_FLAT_LOAD_ADDR + 1,
				      &im, err, sizeof(err)), -ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--memory"));
}

static void test_mem_table(void)
{
	struct mon_mem m;
	struct mon_mem_region r = { .gpa = 0xfeff0000, .size = 0x10000,
				    .type = MON_MEM_RESERVED, .name = "sp" };

	CU_ASSERT_EQUAL(mon_mem_layout(&m, 4ULL << 30, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(m.r[0].size, MON_LOWMEM_END);
	CU_ASSERT_EQUAL(m.r[1].gpa, MON_HIGHMEM_START);
	CU_ASSERT_EQUAL(m.r[1].size, (4ULL << 30) - MON_LOWMEM_END);
	CU_ASSERT_EQUAL(mon_mem_top(&m), MON_HIGHMEM_START + m.r[1].size);
	CU_ASSERT_EQUAL(mon_mem_add(&m, &r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(m.r[1].gpa, 0xfeff0000);	/* kept sorted */
	CU_ASSERT_EQUAL(mon_mem_add(&m, &r, err, sizeof(err)), -EEXIST);
	r.gpa = 0x1001;
	CU_ASSERT_EQUAL(mon_mem_add(&m, &r, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(mon_mem_layout(&m, 0x1800, err, sizeof(err)), -EINVAL);

	/* lookups stay inside one RAM region */
	CU_ASSERT_PTR_NOT_NULL(mon_mem_ram_ptr(&mem, RAM - 1, 1));
	CU_ASSERT_PTR_NULL(mon_mem_ram_ptr(&mem, RAM - 1, 2));
	CU_ASSERT_PTR_NULL(mon_mem_ram_ptr(&mem, RAM, 1));
	CU_ASSERT_PTR_NULL(mon_mem_ram_ptr(&mem, 16, ~0ULL));
}

static const CU_TestInfo loader_tests[] = {
	{ "good ELF64", test_good_elf64 },
	{ "good ELF32 with 4-byte PVH note", test_good_elf32_pvh_note4 },
	{ "8-byte PVH note", test_pvh_note8 },
	{ "virtual e_entry", test_virtual_entry },
	{ "truncated images", test_truncated },
	{ "segments outside RAM", test_outside_ram },
	{ "overlapping segments", test_overlap },
	{ "bad headers", test_bad_headers },
	{ "flat binary", test_flat },
	{ "memory table", test_mem_table },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(loader, loader_tests, .init = mem_init, .cleanup = mem_fini);
