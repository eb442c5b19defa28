import { runTable } from '../function-cases.js';
import { DATETIME } from './tables/datetime.js';

runTable(DATETIME);
