// Hashing and key indexing: the public door.
export { KeyIndex, hashVectors } from './key-index.js';
export { distinctIndices } from './distinct.js';
export { canonicalKey } from './canonical-key.js';
export { xxhash64Value, hashHi } from './xxhash64.js';
