#!/usr/bin/env bash
# Every quality score from ../shared/eval, the summary line of each (dev data only; never a test split).
# Usage: scripts/score-all.sh [DATELINE_CMD] > scores.txt   (default: .venv/bin/dateline of this checkout)
# Needs ../shared beside the project; the project itself never depends on it.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DL=${1:-$ROOT/.venv/bin/dateline}
EVAL=${EVAL:-$ROOT/../shared/eval}
ACC=$(dirname "$EVAL")/acceptance
cd "$EVAL"
X="$DL extract --jsonl -"
last() { tail -n 1; }
SEED="$ACC/russia-nato-talks.expected.json $ACC/russia-nato-talks.txt"
# shellcheck disable=SC2086
echo "seed-extract: $(python3 "$ACC/check_article.py" $SEED -- $DL extract 2>&1 | last)"
# shellcheck disable=SC2086
echo "seed-stored: $(python3 "$ACC/check_stored.py" $SEED -- $DL 2>&1 | last)"
python3 score.py quotes --data data/polnear/data/dev --cmd "$X" 2>&1 | last
python3 score.py timex --data data/timeml/TimeBank --cmd "$X" 2>&1 | last
python3 score.py timex --data data/timeml/AQUAINT --cmd "$X" 2>&1 | last
python3 score.py ner --data data/conll2003/eng.testa --cmd "$X" 2>&1 | last
echo "petr2 $(python3 score.py events --data data/events --cmd "$X" 2>&1 | last)"
echo "plover $(python3 score.py events --data data/plover_gsr/PLOVER_GSR_dev.json --cmd "$X" 2>&1 | last)"
echo "case2021 $(python3 score_case2021.py --data data/case2021/dev.tsv --cmd "$X" 2>&1 | last)"
echo "mt-args $(python3 score_mt_args.py --data data/meantime/intra-doc_annotation --cmd "$X" 2>&1 | last)"
echo "mt-all $(python3 score_meantime.py all --data data/meantime/intra-doc_annotation --cmd "$X" 2>&1 | last)"
echo "mt-xdoc $(python3 score_mt_xdoc.py --data data/meantime/intra_cross-doc_annotation --corpora airbus --ingest-cmd "$DL ingest --jsonl -" 2>&1 | last)"
for c in corpus_1; do
  echo "$c $(python3 score.py timeline --data data/semeval2015/$c --ingest-cmd "$DL ingest --jsonl -" \
      --timeline-cmd "$DL timeline --actor {actor} --format jsonl" 2>&1 | last)"
done
