import { runTable } from '../function-cases.js';
import { STRING } from './tables/string.js';

runTable(STRING);
