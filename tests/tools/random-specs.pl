#!/usr/bin/perl
# random-specs.pl SEED DIR COUNT: COUNT random but walkable kernels as
# specs (DIR/rN.spec), for the property test of tests/cli/odd.t: 4- or
# 5-level tables with 1-6 mappings of every page size in both halves, and
# random subsets of the VMCOREINFO keys that drive region discovery
# (values that point nowhere in particular, as a guess must survive).
# The same SEED gives the same images.
use strict; use warnings; no warnings "portable";
my ($seed, $dir, $count) = @ARGV;
my $x = $seed;
# a 31-bit LCG: the same numbers on every perl
sub rnd { my $n = shift; $x = ($x * 1103515245 + 12345) % 2147483648; return (($x >> 8) % $n); }
for my $i (1 .. $count) {
	my $l5 = rnd(2);
	open my $f, '>', "$dir/r$i.spec" or die;
	print $f "levels ", ($l5 ? 5 : 4), "\nram 0-64M\ntables 32M-48M\n";
	# top-level slots of the kernel half, and 1G slots below them
	my $top_shift = $l5 ? 48 : 39;
	my $kbase = $l5 ? 0xff00000000000000 : 0xffff800000000000;
	my %used;
	for my $m (1 .. 1 + rnd(6)) {
		my $user = rnd(3) == 0;
		my $idx = rnd(256);
		my $slot = rnd(512);
		next if $used{"$user/$idx/$slot"}++;
		my $va = ($user ? 0 : $kbase) + ($idx << $top_shift) + ($slot << 30);
		my $kind = rnd(3);
		my @fl = grep { rnd(2) } qw(rw nx g a d pcd);
		push @fl, 'us' if $user;
		my ($pa, $size, $pg) = $kind == 0 ? (rnd(1024) << 12, (1 + rnd(16)) << 12, '4k')
				    : $kind == 1 ? (rnd(16) << 21, 2 << 20, '2m')
				    : (0, 1 << 30, '1g');
		printf $f "map %#x %#x %#x %s %s\n", $va, $pa, $size, $pg, join(' ', @fl);
	}
	print $f "meta OSRELEASE=6.1.0-rand\n" if rnd(2);
	printf $f "meta NUMBER(pgtable_l5_enabled)=%d\n", $l5 if rnd(2);
	printf $f "meta KERNELOFFSET=%x\n", rnd(1 << 20) << 21 if rnd(2);
	if (rnd(2)) {
		printf $f "meta SYMBOL(mem_section)=%x\n", $kbase + (rnd(256) << $top_shift);
		print $f "meta SIZE(mem_section)=16\nmeta OFFSET(mem_section.section_mem_map)=0\n";
		print $f "meta NUMBER(SECTION_SIZE_BITS)=27\n" if rnd(2);
	}
	if (rnd(2)) {
		printf $f "meta SYMBOL(vmap_area_list)=%x\n", $kbase + (rnd(256) << $top_shift);
		print $f "meta OFFSET(vmap_area.va_start)=0\nmeta OFFSET(vmap_area.list)=40\nmeta OFFSET(list_head.next)=0\n";
	}
	printf $f "meta NUMBER(KERNEL_IMAGE_SIZE)=%d\n", (1 + rnd(2)) << 29 if rnd(2);
	close $f;
}
