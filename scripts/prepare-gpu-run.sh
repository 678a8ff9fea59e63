#!/usr/bin/env bash
# Prepares a GPU host run of training on CK+ (the host has no Node.js and cannot see ../shared):
#   dist/   the built CLIs
#   .gpu/   Node.js, loader libraries, runtime node_modules and the preprocessed CK+ face cache
#           (shared/gpu/pack.sh; setup.sh unpacks the cache to .gpu-data/). face-api's bundles and the
#           weights we do not use are left out, so that everything carried stays under 64 MiB.
# Then, with the device tool, carry [".gpu", "dist"] and run for example:
#   . .gpu/setup.sh; node dist/train.js --dataset ckplus --cache .gpu-data/cache-ckplus \
#     --epochs 80 --lr 0.01 --batch-size 60 --out "$OUT/ckplus" > "$OUT/train.log" 2>&1; tail -40 "$OUT/train.log"
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/ckplus}
root=$(pwd)
npm run build
rm -f .gpu-data/cache-ckplus.safetensors # the single-file cache of earlier versions: not carried twice
node dist/train.js --dataset ckplus --data-dir "$data" --cache .gpu-data/cache-ckplus --preprocess-only

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp package.json package-lock.json "$stage/"
cp -r node_modules .gpu-data "$stage/"
face="$stage/node_modules/@vladmandic/face-api"
rm -rf "$face/dist" "$face/demo" "$face/src"
find "$face/model" -type f ! -name 'tiny_face_detector_model*' ! -name 'face_landmark_68_model*' -delete
(cd "$stage" && bash "$root/../shared/gpu/pack.sh" .gpu-data >/dev/null)
rm -rf .gpu && mv "$stage/.gpu" .gpu
du -sh .gpu dist
