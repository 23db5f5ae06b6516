#!/usr/bin/env bash
# A spoken-word audio folder for comparing dlflow's audio models: 8 classes (the words of
# Speech Commands' core set), 40 clips each, spoken by espeak-ng with 10 voices × 4 speeds and a
# pitch that varies with both, then (sox) resampled to 16 kHz mono, started 0-0.45 s into the clip
# (the word's place varies, as in recorded commands), cut to 1 s, with white noise mixed in at
# about -25 dB. Deterministic: the same folder every run.
# Usage: scripts/make_speech_folder.sh <out-dir>   (needs Debian's espeak-ng and sox)
set -euo pipefail
out=${1:?usage: make_speech_folder.sh <out-dir>}
words=(yes no up down left right stop go)
voices=(en-us en-gb en-gb-scotland en-gb-x-rp en-029 en-gb-x-gbcwmd en-us+f2 en-gb+f3 en-us+m3 en-gb+m5)
speeds=(120 145 170 195)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for w in "${words[@]}"; do
  mkdir -p "$out/$w"
  i=0
  for v in "${voices[@]}"; do
    for s in "${speeds[@]}"; do
      pitch=$(( 30 + (i * 7) % 41 ))
      start=$(printf '0.%02d' $(( (i * 17) % 46 )))
      espeak-ng -v "$v" -s "$s" -p "$pitch" -w "$tmp/raw.wav" "$w"
      sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$tmp/clip.wav" pad "$start" 1 trim 0 1
      sox -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth 1 whitenoise vol 0.06
      sox -m "$tmp/clip.wav" "$tmp/noise.wav" "$out/$w/$i.wav" trim 0 1
      i=$((i + 1))
    done
  done
done
echo "wrote $(find "$out" -name '*.wav' | wc -l) clips under $out"
