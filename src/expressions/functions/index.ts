// Importing this module registers every scalar function.
import './operators.js';
import './string.js';
import './string-regex.js';
import './format-string.js';
import './math.js';
import './conditional.js';
import './datetime.js';
import './datetime-arith.js';
import './datetime-extra.js';
import './collection.js';
import './collection-map.js';
import './collection-set.js';
import './json.js';
import './hash.js';

export { lookupScalar, scalarNames, register } from './registry.js';
export { callScalar, bindScalar, castTo, argInfo } from './bind.js';
export type { ScalarFunction, Resolution, ArgInfo, FunctionContext } from './function.js';
