/** The io layer's public door: file formats, file listing, partition layout and Arrow interop. */
export { readFiles, readFile, readsColumnSubset, inferSchemaSync, type FileFormat, type ReadContext } from './read.js';
export { writeFiles, type SaveMode } from './write.js';
export { listInputFiles, listInputFilesSync, type InputFile } from './list-files.js';
export { SourceOptions, toOptions, type ParseMode } from './options.js';
export { fileReadOptions, fileWriteOptions, LISTING_OPTIONS } from './known-options.js';
export { toArrowTable, fromArrowTable, arrowType, spateType } from './arrow.js';
export { compileDateTimePattern, type DateTimePattern } from '../core/datetime-formatter.js';
export { escapePartitionValue, unescapePartitionValue, DEFAULT_PARTITION_NAME } from './partitions.js';
