import { runTable } from '../function-cases.js';
import { CONDITIONAL } from './tables/conditional.js';

runTable(CONDITIONAL);
