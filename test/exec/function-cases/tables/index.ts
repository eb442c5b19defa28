import type { Table } from '../../function-cases.js';
import { CAST } from './cast.js';
import { COLLECTION } from './collection.js';
import { CONDITIONAL } from './conditional.js';
import { DATETIME } from './datetime.js';
import { MATH } from './math.js';
import { STRING } from './string.js';

/** Every function-case table (the coverage test reads them all). */
export const TABLES: readonly Table[] = [STRING, MATH, CONDITIONAL, DATETIME, COLLECTION, CAST];
