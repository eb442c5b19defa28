// Checkpoint logs: the public door of src/checkpoint.
export { writeFileAtomic, writeFileAtomicIfAbsent, isTempFileName, syncDir } from './atomic-file.js';
export { checkpointCorrupt, checkpointMissing, checkpointTooNew } from './corrupt.js';
export { MetadataLog, JsonMetadataLog, verifyBatchIds, parseVersionLine, type LogEntry } from './metadata-log.js';
export { OffsetLog, type OffsetSeq, type OffsetSeqMetadata } from './offset-log.js';
export { CommitLog, type CommitMetadata } from './commit-log.js';
export { readStreamMetadata, writeStreamMetadata, streamMetadataPath, type StreamMetadata } from './stream-metadata.js';
