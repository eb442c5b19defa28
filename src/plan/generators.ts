/** Generator functions: one input row becomes zero or more output rows. Only allowed at the top of select(...). */
export const GENERATORS = new Map<string, { readonly outer: boolean; readonly position: boolean }>([
  ['explode', { outer: false, position: false }],
  ['explode_outer', { outer: true, position: false }],
  ['posexplode', { outer: false, position: true }],
  ['posexplode_outer', { outer: true, position: true }],
]);
