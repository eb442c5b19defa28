/**
 * nodejs-polars as a peer, loaded on demand: it is a native module that does
 * not install everywhere, and the benchmark reports "not installed" instead of failing.
 */
export type Polars = typeof import('nodejs-polars').default;

let loaded: { pl?: Polars; why?: string } | undefined;

export async function polars(): Promise<{ pl?: Polars; why?: string }> {
  if (!loaded) {
    try {
      const m = await import('nodejs-polars');
      loaded = { pl: (m.default ?? m) as Polars };
    } catch (e) {
      loaded = { why: `not installed (${(e as Error).message.split('\n')[0]})` };
    }
  }
  return loaded;
}

export const POLARS = 'polars';
