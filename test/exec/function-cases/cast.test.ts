import { runTable } from '../function-cases.js';
import { CAST } from './tables/cast.js';

runTable(CAST);
