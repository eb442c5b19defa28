import { runTable } from '../function-cases.js';
import { MATH } from './tables/math.js';

runTable(MATH);
