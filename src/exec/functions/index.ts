// Importing this module registers every scalar function.
import './operators.js';

export { lookupScalar, scalarNames, register } from './registry.js';
export { callScalar, bindScalar, castTo, argInfo } from './bind.js';
export type { ScalarFunction, Resolution, ArgInfo, FunctionContext } from './function.js';
