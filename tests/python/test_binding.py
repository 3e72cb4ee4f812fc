# SPDX-License-Identifier: MIT
"""The Python binding against the command line: the same records as
`ptkit ... --format=json`, on synthetic images and the shared real dumps."""
import json
import os
import subprocess

import pytest

import ptkit

PTKIT = os.environ["PTKIT"]
DATA = os.environ["DATA"]
REALDATA = os.environ.get("REALDATA", "")
REAL = [os.path.join(REALDATA, d) for d in
        ("base/vmcore.kdump-zlib", "base/vmcore-d31.elf",
         "hvo/vmcore-d31.kdump-zlib", "ptdump/vmcore-d31.kdump-zlib")]


def cli(*args):
    """The JSON Lines ptkit prints (whatever its exit status)."""
    out = subprocess.run([PTKIT] + [str(a) for a in args], check=False,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    d = tmp_path_factory.mktemp("img")
    made = {}
    for spec in ("small", "hvo", "pti", "bad"):
        path = d / (spec + ".img")
        subprocess.run([PTKIT, "mkimage", "-o", str(path),
                        os.path.join(DATA, spec + ".spec")],
                       check=True, capture_output=True)
        made[spec] = str(path)
    return made


def real_dumps():
    return [p for p in REAL if os.path.exists(p)]


def check_same(path, **kw):
    src = ptkit.open(path, **kw)
    opts = []
    if kw.get("pti"):
        opts.append("--pti=" + kw["pti"])
    assert list(src.walk()) == cli("walk", "--format=json", *opts, path)
    assert list(src.walk(entries=True)) == \
        cli("walk", "--format=json", "--entries", *opts, path)
    info = src.info()
    want = cli("info", "--format=json", *opts, path)[0]
    for key in info:
        if kw and key.endswith("_from"):
            continue	# names the option as each interface spells it
        assert info[key] == want[key], key
    assert src.regions == want["regions"]
    return src


def test_synthetic_images_walk_and_info_as_the_cli(images):
    for name in ("small", "hvo"):
        check_same(images[name])


def test_pti_user_copy(images):
    src = check_same(images["pti"], pti="user")
    assert src.info()["root"] == "0x201000"
    assert src.info()["root_from"].endswith(", the user copy (pti=)")


def test_regions_by_name_and_alias(images):
    src = ptkit.open(images["hvo"])
    for region in ("direct-map", "Vmemmap", "vmemmap"):
        assert list(src.walk(region=region)) == \
            cli("walk", "--format=json", "--region=" + region, images["hvo"])
    with pytest.raises(ptkit.Error) as e:
        src.walk(region="nowhere")
    assert e.value.status == 2 and "no region named 'nowhere'" in str(e.value)


def test_translate_with_paths(images):
    path = images["small"]
    src = ptkit.open(path)
    vas = [0x400000, 0x403000, 0xffff888000201000, 0xffffffff81000000,
           0x1234000, 0x8000000000000000, 0xffff888040000000]
    want = cli("translate", "--format=json", path, *map(hex, vas))
    assert src.translate_many(vas) == want
    assert src.translate(vas[2]) == want[2]
    assert src.translate_many(iter(vas[:2])) == want[:2]


def test_walk_is_lazy(images):
    src = ptkit.open(images["small"])
    it = src.walk()
    assert iter(it) is it
    first = next(it)
    assert first == cli("walk", "--format=json", images["small"])[0]
    assert type(it).__name__ == "WalkIter"


def test_range_and_cr3(images):
    path = images["small"]
    src = ptkit.open(path)
    part = list(src.walk(0xffff888000000000, 0xffff888000400000))
    assert part == cli("walk", "--format=json",
                       "--range=0xffff888000000000-0xffff888000400000", path)
    root = int(src.info()["root"], 16)
    assert list(ptkit.open(path, cr3=root).walk()) == list(src.walk())
    with pytest.raises(ValueError):
        src.walk(0x1001)


def test_bad_input_raises_or_counts(images, tmp_path):
    with pytest.raises(ptkit.Error) as e:
        ptkit.open(str(tmp_path / "missing.img"))
    assert e.value.status == 3
    garbage = tmp_path / "garbage.img"
    garbage.write_bytes(b"not a dump" * 100)
    with pytest.raises(ptkit.Error) as e:
        ptkit.open(str(garbage))
    assert e.value.status == 3 and e.value.message
    with pytest.raises(ValueError):
        ptkit.open(images["small"], levels=6)
    # a table loop and reserved bits: the walk goes on, counting them
    src = ptkit.open(images["bad"])
    it = src.walk()
    assert list(it) == cli("walk", "--format=json", images["bad"])
    assert it.bad_entries == 3


@pytest.mark.parametrize("path", real_dumps() or [None])
def test_real_dumps_as_the_cli(path):
    if path is None:
        pytest.skip("no real dumps in REALDATA")
    src = check_same(path)
    for region in ("direct-map", "vmemmap", "kernel", "fixmap"):
        assert list(src.walk(region=region)) == \
            cli("walk", "--format=json", "--region=" + region, path)
    runs = cli("walk", "--format=json", path)
    vas = [int(r["va"], 16) + 0x1000 * k for r in runs[::97] for k in (0, 1)]
    assert src.translate_many(vas) == \
        cli("translate", "--format=json", path, *map(hex, vas))


def test_freelists(images, tmp_path):
    spec = tmp_path / "mm.spec"
    spec.write_text(open(os.path.join(DATA, "freelists.spec")).read())
    img = str(tmp_path / "mm.img")
    subprocess.run([PTKIT, "mkimage", "-o", img, str(spec)], check=True,
                   capture_output=True)
    got = ptkit.open(img).freelists()
    assert got == cli("freelists", "--format=json", img)
    assert sum(r["blocks"] << r["order"] for r in got) == 17
    with pytest.raises(ptkit.Error) as e:
        ptkit.open(images["small"]).freelists()
    assert e.value.status == 3 and "VMCOREINFO has no" in e.value.message
    for path in real_dumps():
        assert ptkit.open(path).freelists() == \
            cli("freelists", "--format=json", path)


def test_edit_as_ptkit_edit(images, tmp_path):
    path = images["small"]
    ops = ["split 0xffff888000200000", "unmap 0x400000 0x1000",
           "protect 0x403000 0x1000 -rw"]
    cli_img = str(tmp_path / "cli.img")
    args = []
    for op in ops:
        args += ["-e", op]
    subprocess.run([PTKIT, "edit", path, "-o", cli_img] + args, check=True,
                   capture_output=True)
    src = ptkit.open(path)
    ed = src.edit()
    ed.split(0xffff888000200000)
    ed.unmap(0x400000, 0x1000)
    ed.protect(0x403000, 0x1000, "-rw")
    assert [op for op, _ in ed.journal][0].startswith("split")
    assert list(ed.source.walk()) == cli("walk", "--format=json", cli_img)
    assert list(src.walk()) == cli("walk", "--format=json", path)  # untouched
    py_img = tmp_path / "py.img"
    assert ed.save(str(py_img)) == 14
    assert py_img.read_bytes() == open(cli_img, "rb").read()
    ed.undo()
    assert ed.source.translate(0x403000)["rw"] is True
    with pytest.raises(ptkit.Error) as e:
        ed.apply("frobnicate 1")
    assert e.value.status == 3 and "unknown operation" in e.value.message
    ed.map(0x600000, 0x3000000, 0x2000, "4k", "us rw")
    assert ed.source.translate(0x601000)["pa"] == "0x3001000"


def test_directmap_costs_as_ptkit_directmap(tmp_path):
    spec = tmp_path / "s2.spec"
    spec.write_text(open(os.path.join(DATA, "small.spec")).read() +
                    "ram 64M-2G\n")
    img = str(tmp_path / "s2.img")
    subprocess.run([PTKIT, "mkimage", "-o", img, str(spec)], check=True,
                   capture_output=True)
    calls = ["invalid:0x1000+512", "invalid:0x1400"]
    want = cli("directmap", "--format=json", img, *calls)[0]
    ed = ptkit.open(img).edit()
    got = ed.directmap(calls)
    for key in got:
        assert got[key] == want[key], key
    assert ed.source.translate(0xffff888001400000)["mapped"] is False


def test_pages_as_ptkit_pages(images):
    path = images["hvo"]
    src = ptkit.open(path)
    assert src.pages() == cli("pages", "--format=json", path)
    assert src.pages(0xbff, 0xc01) == \
        cli("pages", "--format=json", "--range=0xbff-0xc01", path)
    assert [r["free"] for r in src.pages(0xbff, 0xc01)] == [True, False]
    with pytest.raises(ptkit.Error) as e:
        ptkit.open(images["small"]).pages()
    assert e.value.status == 3
    for dump in real_dumps():
        assert ptkit.open(dump).pages() == cli("pages", "--format=json", dump)


def test_stats_as_ptkit_stats(images):
    for name in ("small", "hvo", "bad", "pti"):
        path = images[name]
        want = json.loads(subprocess.run(
            [PTKIT, "stats", "--format=json", path], check=False,
            capture_output=True, text=True).stdout)
        assert ptkit.open(path).stats() == want, name
    assert ptkit.open(images["bad"]).stats()["bad_entries"] == 3
    assert ptkit.open(images["hvo"]).stats()["vmemmap"] == \
        {"aliases": 21, "folios": 3}
    for dump in real_dumps():
        got = ptkit.open(dump).stats()
        assert got == cli("stats", "--format=json", dump)[0]
        # read from kallsyms by name: these kernels had it set
        assert got["directmap"]["direct_gbpages"] is True, dump


def test_unmapped_as_ptkit_unmapped(images, tmp_path):
    spec = tmp_path / "u.spec"
    spec.write_text(open(os.path.join(DATA, "freelists.spec")).read() +
                    open(os.path.join(DATA, "pages.spec")).read())
    base = str(tmp_path / "u.img")
    holed = str(tmp_path / "holed.img")
    subprocess.run([PTKIT, "mkimage", "-o", base, str(spec)], check=True,
                   capture_output=True)
    subprocess.run([PTKIT, "directmap", base, "invalid:0x400+3",
                    "invalid:0x300", "-o", holed], check=True,
                   capture_output=True)
    got = ptkit.open(holed).unmapped()
    assert got == cli("unmapped", "--format=json", holed)
    assert [(h["pfn"], h["pages"]) for h in got] == [("0x300", 1),
                                                     ("0x400", 3)]
    path = images["small"]
    assert ptkit.open(path).unmapped(0, 0x800000000000) == \
        cli("unmapped", "--format=json", "--range=0-0x800000000000", path)
    for dump in real_dumps():
        assert ptkit.open(dump).unmapped() == \
            cli("unmapped", "--format=json", dump)


TINY_TRACE = """# ptkit-trace 1
alloc 0x100 0 0 GFP_KERNEL
alloc 0x101 0 0 GFP_KERNEL
alloc 0x40000 1 0 GFP_KERNEL|__GFP_ZERO
free 0x100 0
"""


def test_replay_as_ptkit_replay(tmp_path):
    trace = tmp_path / "tiny.trace"
    trace.write_text(TINY_TRACE)
    t = str(trace)
    # an ideal map given, or sized from the trace; policies and selectors
    assert ptkit.replay(t, mem=2 << 30) == \
        cli("replay", "--mem=2G", "--format=json", t)[0]
    assert ptkit.replay(t, mem="2G", policies=["naive"],
                        select="gfp=__GFP_ZERO") == \
        cli("replay", "--mem=2G", "--policy=naive", "--select=gfp=__GFP_ZERO",
            "--format=json", t)[0]
    sized = ptkit.replay(t, policies="pageblock,none", simulate=True)
    assert sized == cli("replay", "--compare=pageblock,none", "--simulate",
                        "--format=json", t)[0]
    assert sized["ram"] == {"from": "trace", "bytes": (1 << 30) + (128 << 20),
                            "top_pfn": "0x40001", "direct_map": "ideal"}
    assert list(sized["policies"]) == ["pageblock", "none"]
    # bad arguments and bad input, with ptkit's messages and statuses
    for kw, err in ((dict(policies=["lazy"]), ValueError),
                    (dict(policies="naive,naive"), ValueError),
                    (dict(select="gfp=__GFP_BOGUS"), ValueError),
                    (dict(mem=3 << 20), ValueError),
                    (dict(mem="2G", image=t), ValueError)):
        with pytest.raises(err):
            ptkit.replay(t, **kw)
    empty = tmp_path / "empty.trace"
    empty.write_text("# ptkit-trace 1\n")
    with pytest.raises(ptkit.Error) as e:
        ptkit.replay(str(empty))
    assert e.value.status == 3 and "no events to size RAM from" in str(e.value)
    with pytest.raises(ptkit.Error) as e:
        ptkit.replay(str(tmp_path / "missing"), mem="2G")
    assert e.value.status == 3 and "missing" in str(e.value)


def test_replay_from_a_dump_and_an_edit(tmp_path):
    steps = os.path.join(REALDATA, "steps")
    if not os.path.isdir(steps):
        pytest.skip("no ../shared/realdata/steps")
    dump = os.path.join(steps, "step1/vmcore-d31.kdump-zlib")
    trace = os.path.join(steps, "step2/guest/trace-since-previous-dump.txt")
    got = ptkit.replay(trace, image=dump)
    assert got == cli("replay", "--image", dump, "--format=json", trace)[0]
    assert got["seed"]["free_pages"] > 0
    src = ptkit.open(dump)
    assert ptkit.replay(trace, image=src, seed=False, simulate=True,
                        policies=["naive"]) == \
        cli("replay", "--image", dump, "--no-seed", "--simulate",
            "--policy=naive", "--format=json", trace)[0]
    # the direct map an edit left: the replay starts from it
    ed = src.edit()
    ed.directmap(["invalid:0x10000+512"])
    edited = ptkit.replay(trace, image=ed.source, policies=["none"])
    assert edited["policies"]["none"]["directmap"]["4k"] > \
        got["policies"]["none"]["directmap"]["4k"]


def test_unmapped_owners_as_ptkit_unmapped_owners(tmp_path):
    step2 = os.path.join(REALDATA, "steps/step2/vmcore-d31.kdump-zlib")
    if not os.path.exists(step2):
        pytest.skip("no ../shared/realdata/steps")
    got = ptkit.open(step2).unmapped(owners=True)
    assert got == cli("unmapped", "--owners", "--format=json", step2)
    # the 64 secretmem pages (file pages of its inode): each hole of them
    # is mapped by its owner, the guest's helper, and by no one else
    secret = [h for h in got if h["kinds"].get("file")]
    assert sum(h["pages"] for h in secret) == 64
    for h in secret:
        assert {(o["space"], o["pid"]) for o in h["owners"]} == \
            {("user", 193)}
        assert sum(o["pages"] for o in h["owners"]) == h["pages"]
    # without BTF, the kernel's own mappings only, and a warning says why
    other = os.path.join(REALDATA, "ptdump/vmcore-d31.kdump-zlib")
    with pytest.warns(RuntimeWarning, match="owners in the kernel only"):
        got = ptkit.open(other).unmapped(owners=True)
    assert got == cli("unmapped", "--owners", "--format=json", other)
    assert all(o["space"] == "kernel" for h in got for o in h["owners"])


def test_processes_symbols_and_rmap_as_the_cli(images):
    dumps = [p for p in real_dumps() if "ptdump" not in p]
    if not dumps:
        pytest.skip("no ../shared/realdata")
    for path in dumps:
        src = ptkit.open(path)
        assert src.ps() == cli("ps", "--format=json", path)
        assert src.ps(threads=True) == cli("ps", "-t", "--format=json", path)
        assert src.symbols("*init_task*", "qemu_fw_cfg*") == \
            cli("symbols", "--format=json", path, "*init_task*",
                "qemu_fw_cfg*")
        # frames of the kernel image, of a process, and past RAM
        init = [t for t in src.ps() if t["pid"] == 1][0]
        pgd = int(init["pgd"], 16) >> 12
        frames = [0x1000, range(pgd, pgd + 2), 0x3259, 0x7fffff]
        assert src.rmap(frames) == cli(
            "rmap", "--format=json", path, "0x1000", "%#x+2" % pgd,
            "0x3259", "0x7fffff")
    src = ptkit.open(dumps[0])
    syms = src.symbols()
    assert len(syms) == len(cli("symbols", "--format=json", dumps[0]))
    init_task = int(src.symbols("init_task")[0]["address"], 16)
    assert src.symbol(init_task) == "init_task"
    assert src.symbol(init_task + 8) == "init_task+0x8"
    mod = [s for s in syms if s.get("module")][0]
    assert src.symbol(int(mod["address"], 16) + 1) == \
        "%s+0x1 [%s]" % (mod["name"], mod["module"])
    assert src.symbol(0) is None
    with pytest.raises(ValueError):
        src.rmap(range(0, 10, 2))
    with pytest.raises(TypeError):
        src.rmap("0x1000")
    # a source without symbols says why
    small = ptkit.open(images["small"])
    with pytest.raises(ptkit.Error) as e:
        small.ps()
    assert e.value.status == 3
    with pytest.raises(ptkit.Error):
        small.symbols()
    with pytest.warns(RuntimeWarning, match="kernel mappings only"):
        got = small.rmap(0x9000)
    assert got == cli("rmap", "--format=json", images["small"], "0x9000")
