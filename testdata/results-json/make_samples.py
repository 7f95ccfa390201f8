#!/usr/bin/env python3
"""Generate the synthetic results.json samples used by the report unit tests.

The numbers imitate a quick-scenario `kbench ab` under TCG (2,000 VMAs x 16
duplicate pages, migrate trigger): every trigger (move_pages of the KSM page)
causes two rmap_walk_ksm calls (16 and 24 rmap_items); each walk holds the
anon_vma read lock once per rmap_item. Baseline walks take ~60-100 ms, patched
walks ~0.1 ms. A victim thread's mprotect mostly takes ~6 us, and stalls for
about one lock hold when it collides with a walk.

The files are committed; rerun this script only to change them:
    python3 testdata/results-json/make_samples.py
Output is deterministic (fixed seeds, sorted keys).
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

SERIES = [
    {"file": "patches/ksm-rmap-walk/0001-ksm-add-linear_page_index-to-ksm_rmap_item.patch",
     "sha256": "3f1c5a0d8e2b47a9c6d1e0f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
     "subject": "ksm: add linear_page_index to ksm_rmap_item"},
    {"file": "patches/ksm-rmap-walk/0002-ksm-optimize-rmap_walk_ksm-by-passing-a-suitable-page-index.patch",
     "sha256": "9a8b7c6d5e4f30211203f4e5d6c7b8a9908172635445362718091a2b3c4d5e6f",
     "subject": "ksm: Optimize rmap_walk_ksm by passing a suitable page index"},
]
INSTRUMENTATION = {
    "file": "patches/instrumentation/0001-ksm-trace-rmap_walk_ksm-and-anon_vma-lock-hold.patch",
    "sha256": "0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0",
    "subject": "ksm: trace rmap_walk_ksm and anon_vma lock hold"}

ENVIRONMENT = {
    "host_kernel": "6.1.0-28-amd64",
    "host_cpu": "Intel(R) Xeon(R) CPU @ 2.20GHz (2 cores)",
    "qemu_version": "QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u12)",
    "accelerator": "tcg",
    "accelerator_reason": "KVM probe failed: nested guest aborted (MSR 0x10a); using TCG",
    "compiler": "gcc (Debian 12.2.0-14+deb12u1) 12.2.0",
}


def kernel(variant, release, patched):
    series = [INSTRUMENTATION] + (SERIES if patched else [])
    bz = "b" if variant == "baseline" else "p"
    return {
        "variant": variant,
        "bzimage": f"/var/cache/kbench/kernels/{bz}41f0c2/bzImage",
        "bzimage_sha256": (bz * 2 + "41f0c2e9d87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1")[:64],
        "config_sha256": "c0ffee0d15ea5e5ba5eba11fee1dead0123456789abcdef0123456789abcdef",
        "release": release,
        "key": (bz * 4 + "8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8")[:64],
        "cache_hit": variant == "baseline",
        "build_seconds": 331.5 if variant == "patched" else 0.4,
        "series": series,
    }


def lognormal(rng, median, sigma):
    return median * math.exp(rng.gauss(0.0, sigma))


def boot_samples(rng, speed, walks, boot_factor):
    """Return walk_ns, lock_hold_ns, victim_stall_ns, trigger_ns, victim_max_ns, victim_count."""
    walk_ns, lock_ns, victim_ns, trigger_ns = [], [], [], []
    for _ in range(walks):
        trig = 0.0
        for items in (16, 24):
            holds = []
            for _ in range(items):
                hold = lognormal(rng, speed["hold"] * boot_factor, 0.15)
                if rng.random() < 0.03:  # an occasional long hold (TCG translation, preemption)
                    hold *= rng.uniform(1.5, 3.0)
                holds.append(int(hold))
            overhead = lognormal(rng, speed["walk_overhead"], 0.2)
            walk = int(sum(holds) + overhead)
            lock_ns.extend(holds)
            walk_ns.append(walk)
            trig += walk
        trigger_ns.append(int(trig * 1.6 + lognormal(rng, 2e6, 0.3)))
        # victim operations during this trigger: mostly uncontended, a few stalled by a hold
        for _ in range(40):
            if rng.random() < 0.1:
                victim_ns.append(int(rng.choice(lock_ns[-40:]) * rng.uniform(0.2, 1.0)))
            else:
                victim_ns.append(int(lognormal(rng, 6000, 0.25)))
    # the guest's exact maximum covers operations outside the reservoir too
    victim_max = max(victim_ns) + rng.randrange(0, 1000)
    return walk_ns, lock_ns, victim_ns, trigger_ns, victim_max, len(victim_ns) + 17


def run_record(rng, variant, boot, speed, walks, boot_factor, accelerator="tcg", outcome="OK",
               release="6.12.117"):
    w, l, v, t, vmax, vcount = boot_samples(rng, speed, walks, boot_factor)
    checks = []
    for i in range(walks):
        for name in ("node", "content", "mappings"):
            checks.append({"walk": i, "name": name, "ok": True, "detail": ""})
    run = {
        "variant": variant, "boot": boot, "outcome": outcome, "reason": "benchmark finished",
        "accelerator": accelerator,
        "phases": {"boot_to_init": round(rng.uniform(3.5, 4.5), 3),
                   "benchmark": round(rng.uniform(20, 40), 3),
                   "shutdown": round(rng.uniform(0.2, 0.4), 3)},
        "guest_status": "ok", "guest_error": "", "method": "tracepoint",
        "kernel_release": release, "clocksource": "tsc",
        "vmas_requested": 2000, "vmas_real": 2000, "pages_shared": 1, "pages_sharing": 15,
        "merge_ms": round(rng.uniform(80, 95), 3), "trace_overrun": 0, "trace_dropped": 0,
        "walk_ns": w, "lock_hold_ns": l, "victim_stall_ns": v, "trigger_ns": t,
        "victim_count": vcount, "victim_max_ns": vmax,
        "checks": checks, "warnings": [], "backtrace": [],
        "work_dir": f"runs/{variant}-{boot}",
        "qemu_argv": ["qemu-system-x86_64", "-accel", accelerator, "-machine", "q35", "-cpu", "max",
                      "-smp", "2", "-m", "2048",
                      "-object", "memory-backend-ram,id=m0,size=1024M",
                      "-object", "memory-backend-ram,id=m1,size=1024M",
                      "-numa", "node,nodeid=0,cpus=0,memdev=m0",
                      "-numa", "node,nodeid=1,cpus=1,memdev=m1",
                      "-kernel", f"kernels/{variant}/bzImage", "-initrd", "initramfs.cpio",
                      "-append", "console=ttyS0 panic=-1 oops=panic kbench.vmas=2000 "
                      "kbench.dup_pages=16 kbench.walks=%d" % walks,
                      "-nographic", "-no-reboot"],
    }
    run["phases"]["total"] = round(sum(run["phases"].values()), 3)
    return run


BASELINE = {"hold": 3.9e6, "walk_overhead": 1.5e5}   # 16 or 24 holds of ~3.9 ms: ~60-100 ms walks
PATCHED = {"hold": 3.0e3, "walk_overhead": 6.0e4}    # ~0.1 ms walks, ~3 us holds


def results(name, boots, walks, patched_speed, seed, runs_hook=None, aa=False):
    rng = random.Random(seed)
    runs = []
    for boot in range(boots):
        for variant, speed in (("baseline", BASELINE), ("patched", patched_speed)):
            factor = rng.uniform(0.9, 1.1)
            runs.append(run_record(rng, variant, boot, speed, walks, factor))
    if runs_hook:
        runs_hook(rng, runs)
    kernels = [kernel("baseline", "6.12.117", False), kernel("patched", "6.12.117", not aa)]
    if aa:
        kernels[1]["bzimage_sha256"] = kernels[0]["bzimage_sha256"]
        kernels[1]["key"] = kernels[0]["key"]
    total_runs = sum(r["phases"]["total"] for r in runs)
    return {
        "schema": "kbench-results", "version": 1, "complete": True,
        "kbench_version": "0.1.0", "created": "2026-06-20T09:14:03Z",
        "experiment": {"scenario": "quick", "vmas": 2000, "dup_pages": 16, "walks": walks,
                       "trigger": "migrate", "seed": 1, "victim": True, "boots": boots,
                       "vcpus": 2, "memory_mib": 2048, "numa_nodes": 2,
                       "accelerator_policy": "auto"},
        "environment": dict(ENVIRONMENT),
        "source": "debian linux-source-6.12 (6.12.117) /usr/src/linux-source-6.12.tar.xz",
        "kernels": kernels,
        "initramfs_sha256": "1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a79808f7e6d5c4b3a2918f7e6d5c4b3a2",
        "runs": runs,
        "phases": {"build": 332.1, "initramfs": 0.8, "accelerator": 1.2,
                   "runs": round(total_runs, 3), "report": 0.6,
                   "total": round(334.7 + total_runs, 3)},
        "reproducer": f"kbench ab --scenario quick --boots {boots} --seed 1"
                      + (" --patches /dev/null" if aa else ""),
    }


def failures_hook(rng, runs):
    # baseline boot 1 panicked; patched boot 2 lost trace events and failed a correctness check
    b1 = next(r for r in runs if r["variant"] == "baseline" and r["boot"] == 1)
    b1.update({"outcome": "PANIC", "reason": "Kernel panic - not syncing: <fatal & \"bad\">",
               "guest_status": "pending", "walk_ns": [], "lock_hold_ns": [],
               "victim_stall_ns": [], "trigger_ns": [], "victim_count": 0, "victim_max_ns": 0,
               "checks": [],
               "backtrace": ["BUG: kernel NULL pointer dereference, address: 0000000000000008",
                             "RIP: 0010:rmap_walk_ksm+0x5c/0x1a0"]})
    p2 = next(r for r in runs if r["variant"] == "patched" and r["boot"] == 2)
    p2["trace_overrun"] = 12
    p2["trace_dropped"] = 3
    p2["outcome"] = "CORRECTNESS_FAIL"
    p2["reason"] = "check mappings failed at walk 1"
    p2["guest_status"] = "correctness_fail"
    for c in p2["checks"]:
        if c["walk"] == 1 and c["name"] == "mappings":
            c["ok"] = False
            c["detail"] = "mapping 7 of 16 reads <zeros> instead of the KSM content"
    p2["warnings"].append("trace buffer overrun: 12 events lost")


def mismatch_hook(rng, runs):
    for r in runs:
        if r["variant"] == "patched":
            r["accelerator"] = "kvm"


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    write("quick-ab-3boots.json", results("quick-ab", 3, 5, PATCHED, seed=11))
    write("quick-ab-5boots.json", results("quick-ab5", 5, 5, PATCHED, seed=12))
    write("quick-aa-5boots.json", results("quick-aa", 5, 5, BASELINE, seed=13, aa=True))
    write("quick-ab-failures.json", results("failures", 3, 5, PATCHED, seed=14,
                                            runs_hook=failures_hook))
    write("accelerator-mismatch.json", results("mismatch", 3, 2, PATCHED, seed=15,
                                               runs_hook=mismatch_hook))
    tiny = results("tiny", 1, 1, PATCHED, seed=16)
    # A hand-checkable file: known samples, victim with no samples on the patched side.
    for r in tiny["runs"]:
        if r["variant"] == "baseline":
            r.update({"walk_ns": [705119858, 359000000, 532005900],
                      "lock_hold_ns": [1000000, 3000000],
                      "victim_stall_ns": [2500000], "victim_max_ns": 2500000, "victim_count": 1})
        else:
            r.update({"walk_ns": [1665917, 1221651], "lock_hold_ns": [1500],
                      "victim_stall_ns": [], "victim_max_ns": 0, "victim_count": 0})
    write("tiny.json", tiny)


if __name__ == "__main__":
    main()
