#!/usr/bin/env python3
"""What one binary's furniture cleaning removes that another's keeps, line by line.

    python3 bench/furniture/compare.py OLD_BAOKU NEW_BAOKU [N]

Runs `baoku extract` of both binaries over each corpus in ../shared/corpus, matches
articles by id and prints, per corpus, how many articles changed, how many bodies were
emptied, and the distinct lines one removed and the other kept (the N most frequent,
40 by default, with two article ids each), in both directions.
"""
import collections, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "corpus")


def bodies(baoku, path):
    out = {}
    with subprocess.Popen([baoku, "extract", path], stdout=subprocess.PIPE) as p:
        for line in p.stdout:
            a = json.loads(line)
            out[a["id"]] = a["body"]
    return out


def lines(body):
    return collections.Counter(l.strip() for l in body.split("\n") if l.strip())


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old_bin, new_bin = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    if not os.path.isdir(SHARED):
        print("../shared/corpus is absent: nothing to compare", file=sys.stderr)
        return
    for name in sorted(os.listdir(SHARED)):
        if not name.endswith(".jsonl.zst"):
            continue
        path = os.path.join(SHARED, name)
        old, new = bodies(old_bin, path), bodies(new_bin, path)
        gone, back, where = collections.Counter(), collections.Counter(), collections.defaultdict(list)
        changed = emptied = 0
        for id_, body in new.items():
            before = old.get(id_)
            if before is None or before == body:
                continue
            changed += 1
            emptied += not body.strip()
            was, now = lines(before), lines(body)
            for line in was - now:
                gone[line] += 1
                where[line].append(id_)
            for line in now - was:
                back[line] += 1
        print(f"## {name}: {changed} articles changed, {emptied} emptied, "
              f"{sum(gone.values())} lines removed, {sum(back.values())} kept again")
        for line, n in gone.most_common(top):
            print(f"  - {n} {line[:70]} {where[line][:2]}")
        for line, n in back.most_common(top):
            print(f"  + {n} {line[:70]}")


if __name__ == "__main__":
    main()
