import type { DataType } from '../core/types.js';
import { allocValues, isTypedStorage, type PrimitiveArray, type Vector } from '../core/vector.js';

/**
 * A growable column that parsers append to, one value at a time, straight
 * into the typed array of its type (doubling on overflow). The validity mask
 * is only allocated once the first null arrives.
 */
export class ColumnBuilder {
  readonly type: DataType;
  length = 0;
  private values: PrimitiveArray | unknown[];
  private validity: Uint8Array | null = null;
  private readonly typed: boolean;

  constructor(type: DataType, capacity = 1024) {
    this.type = type;
    this.typed = isTypedStorage(type);
    this.values = allocValues(type, this.typed ? capacity : 0);
  }

  private grow(): void {
    const v = this.values as PrimitiveArray;
    const next = allocValues(this.type, Math.max(16, v.length * 2)) as PrimitiveArray;
    next.set(v as never);
    this.values = next;
    if (this.validity !== null) {
      const m = new Uint8Array(next.length);
      m.set(this.validity);
      this.validity = m;
    }
  }

  /** Appends a number (typed storage) or an internal value (plain storage). */
  append(v: unknown): void {
    const i = this.length;
    if (this.typed) {
      if (i >= (this.values as PrimitiveArray).length) this.grow();
      (this.values as PrimitiveArray)[i] = v as number;
      if (this.validity !== null) this.validity[i] = 1;
    } else {
      (this.values as unknown[]).push(v);
      if (this.validity !== null) this.validity.length > i ? (this.validity[i] = 1) : this.growValidityFor(i, 1);
    }
    this.length = i + 1;
  }

  appendNull(): void {
    const i = this.length;
    if (this.typed) {
      if (i >= (this.values as PrimitiveArray).length) this.grow();
      (this.values as PrimitiveArray)[i] = 0;
    } else {
      (this.values as unknown[]).push(null);
    }
    if (this.validity === null) {
      const cap = this.typed ? (this.values as PrimitiveArray).length : Math.max(16, i * 2);
      this.validity = new Uint8Array(cap);
      this.validity.fill(1, 0, i);
    }
    if (i >= this.validity.length) this.growValidityFor(i, 0);
    else this.validity[i] = 0;
    this.length = i + 1;
  }

  private growValidityFor(i: number, bit: number): void {
    const m = new Uint8Array(Math.max(16, (i + 1) * 2));
    m.set(this.validity!);
    m[i] = bit;
    this.validity = m;
  }

  /** Removes the last `n` values (used when a malformed row is dropped after partial parsing). */
  truncate(n: number): void {
    this.length = n;
    if (!this.typed) (this.values as unknown[]).length = n;
  }

  /** Overwrites row i with null (a field that failed to parse after being appended). */
  setNull(i: number): void {
    if (this.validity === null) {
      const cap = this.typed ? (this.values as PrimitiveArray).length : Math.max(16, this.length);
      this.validity = new Uint8Array(Math.max(cap, this.length));
      this.validity.fill(1, 0, this.length);
    }
    this.validity[i] = 0;
    if (!this.typed) (this.values as unknown[])[i] = null;
  }

  /** The finished vector (trimmed copies, so later appends cannot change it). */
  finish(): Vector {
    const n = this.length;
    const values = this.typed ? (this.values as PrimitiveArray).slice(0, n) : (this.values as unknown[]).slice(0, n);
    const validity = this.validity === null ? null : this.validity.slice(0, n);
    return { type: this.type, length: n, values, validity: validity !== null && validity.every((b) => b === 1) ? null : validity };
  }
}
