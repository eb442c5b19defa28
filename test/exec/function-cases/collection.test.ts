import { runTable } from '../function-cases.js';
import { COLLECTION } from './tables/collection.js';

runTable(COLLECTION);
