#!/usr/bin/env python3
"""Split a recorded unsharded results.json into the shard files `kbench ab --shard I/N`
would have written for the same boots (boot b belongs to shard I when b % N == I-1).

Every run record in results.json is self-contained (outcome, phases, every raw
sample, checks, warnings), so a shard is the unsharded file with only its boots'
runs and a "shard" record; nothing is recomputed. Usage:
    python3 make_shards.py ab-unsharded.json 2    # -> ab-unsharded-1of2.json, ab-unsharded-2of2.json
Output is deterministic (same layout as kbench's writer: indent 1).
"""

import json
import os
import sys


def main():
    source, count = sys.argv[1], int(sys.argv[2])
    with open(source) as f:
        results = json.load(f)
    stem = os.path.splitext(source)[0]
    boots = results["experiment"]["boots"]
    for index in range(1, count + 1):
        shard = dict(results)
        shard["runs"] = [r for r in results["runs"] if r["boot"] % count == index - 1]
        shard["shard"] = {"index": index, "count": count, "boots": boots}
        shard["reproducer"] = results["reproducer"] + f" --shard {index}/{count}"
        with open(f"{stem}-{index}of{count}.json", "w") as f:
            f.write(json.dumps(shard, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
