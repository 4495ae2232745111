"""Write the background word frequencies the events stage blends with the batch's own counts.

    pip install wordfreq==3.1.1 && python bench/make_background.py

Source: wordfreq 3.1.1 (Robyn Speer and contributors; code Apache-2.0, data CC BY-SA 4.0), English
"large" list: word frequencies pooled from news (NewsCrawl, GDELT), Wikipedia, books, subtitles, web
text, Twitter and Reddit. Written: src/rashomon/data/models/events.background.v1.tsv.gz, one line per
alphabetic word with a Zipf frequency of at least 1.5 (log10 of occurrences per billion words), two
decimals. The file is a derivative of wordfreq's data and carries its licence, CC BY-SA 4.0, stated in
its header; Rashomon reads it offline and never downloads anything at run time.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "rashomon" / "data" / "models" / "events.background.v1.tsv.gz"
MIN_ZIPF = 1.5


def main() -> int:
    try:
        import wordfreq
    except ImportError:
        print("needs wordfreq: pip install wordfreq==3.1.1", file=sys.stderr)
        return 2
    words = wordfreq.top_n_list("en", 1_000_000, wordlist="large")
    rows = []
    for word in words:
        if not re.fullmatch(r"[a-z][a-z'’.-]*", word):
            continue
        zipf = wordfreq.zipf_frequency(word, "en", wordlist="large")
        if zipf < MIN_ZIPF:
            break  # the list is in descending frequency
        rows.append(f"{word}\t{zipf:.2f}")
    header = (
        "# Background English word frequencies for Rashomon's events stage (Zipf scale: log10 per billion words).\n"
        "# Derived from wordfreq 3.1.1 (Robyn Speer et al., https://github.com/rspeer/wordfreq), 'large' English\n"
        "# list; wordfreq's data is licensed CC BY-SA 4.0, and so is this file. Written by\n"
        "# bench/make_background.py.\n"
    )
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(header + "\n".join(sorted(rows)) + "\n")
    print(f"wrote {OUT}: {len(rows)} words, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
