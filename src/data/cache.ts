// The face cache: the preprocessed training set (aligned crops, landmarks in crop pixels, labels,
// subjects, splits), built once per dataset and crop size, kept on disk as a folder of shards that
// training reads by position (src/data/cache/). This module is its public face.

export { buildCache, type BuiltCache, type CacheOptions } from './cache/build.js';
export { cachedFace, loadFaces, readFaces, type CacheKey, type FaceCache, type LoadedFaces, type SkipReason } from './cache/faces.js';
export { ensureCache, readCache, writeCache } from './cache/folder.js';
export { DEFAULT_IMAGE_SIZE, PREPROCESS_VERSION, cacheKey } from './cache/key.js';
export { cacheFolderFor, defaultCachePath } from './cache/location.js';
export { ReadAhead } from './cache/read_ahead.js';
