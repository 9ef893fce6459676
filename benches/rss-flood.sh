#!/usr/bin/env bash
# Peak memory of the matcher under a flood of hostile messages (issue 9): builds the release binary, feeds
# `accelerateur ask --json` 20,000 worst-case messages (4,096-character words, 4 x 1,023-letter words, 100 random
# words, digits, mixed scripts, emoji, combining marks), one per line, and prints the peak RSS and the time taken,
# next to the same binary answering one ordinary question.
# Usage: bash benches/rss-flood.sh [MESSAGES]   (run from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-20000}"
cargo build --release --quiet
binary="$PWD/target/release/accelerateur"
flood="$(mktemp)"
trap 'rm -f "$flood"' EXIT
python3 - "$count" > "$flood" <<'PY'
import random, sys
count = int(sys.argv[1])
rng = random.Random(9)
letters = "aeioursntlééèçджя"
def word(n): return "".join(rng.choice(letters) for _ in range(n))
cases = [
    lambda: "é" * 4096,
    lambda: " ".join(word(1023) for _ in range(4)),
    lambda: " ".join(word(rng.randint(4, 15)) for _ in range(100)),
    lambda: "9" * 4096,
    lambda: "pаypаl" * 682,
    lambda: "😀" * 2048,
    lambda: "e\u0301" * 2048,
    lambda: ("comment ouvrir une boutique en ligne " * 120)[:4096],
]
for i in range(count):
    print(cases[i % len(cases)]())
PY
peak() { /usr/bin/time -f '%M kB peak RSS, %e s' "$@" 2>&1 >/dev/null | tail -1; }
echo "one ordinary question:      $(echo 'frais de port offerts ?' | peak "$binary" ask --json)"
echo "$count hostile messages: $(peak "$binary" ask --json < "$flood")"
