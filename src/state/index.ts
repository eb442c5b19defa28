// Versioned state store: the public door of src/state.
export { StateStore, type StateStoreOptions, type StateStoreMetrics } from './state-store.js';
export { partitionOf, hashKeys } from './partition.js';
export { OwnDeltaFiles, SharedDeltas, type DeltaFiles } from './delta-files.js';
