/**
 * A source's position in its stream, as plain JSON (a number, or an object
 * such as `{ "logOffset": 3 }` or `{ "0": 120, "1": 97 }` per partition). It is
 * written to the offsets log verbatim, one line per source, so it must
 * survive `JSON.stringify` / `JSON.parse` unchanged.
 */
export type Offset = null | boolean | number | string | Offset[] | { [key: string]: Offset };
