// A mergeable, log-bucketed histogram of non-negative values (DDSketch's scheme): a positive
// value x falls in bucket ceil(log_gamma(x)) with gamma = (1 + α) / (1 − α), and a bucket is
// represented by 2·gamma^i / (gamma + 1), which is within α of every value in it. Merging adds
// bucket counts, so rollups of any hours and filters combine into exact counts and quantiles
// with a bounded relative error. Pure.

/** Every quantile this histogram reports is within 1% (relative) of the exact one. */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;

const GAMMA = (1 + HISTOGRAM_RELATIVE_ERROR) / (1 - HISTOGRAM_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

export class HistogramFormatError extends Error {}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
/** No finite positive double has a bucket index beyond this (either sign): a text that has one is not ours. */
const MAX_INDEX = Math.ceil(-Math.log(Number.MIN_VALUE) / LOG_GAMMA);
const isIndex = (n: number) => Math.abs(n) <= MAX_INDEX;

export class Histogram {
  /**
   * counts[i]: how many values fell in bucket offset + i. Dense: merging (what readers of many
   * rollup rows do most) is then a loop over two arrays, and quantiles need no sort.
   */
  private counts: number[] = [];
  private offset = 0;
  /** Values of exactly 0 (e.g. a job that started and ended in the same millisecond). */
  private zeros = 0;
  private total = 0;

  /** Makes bucket indexes lo..hi addressable. */
  private cover(lo: number, hi: number): void {
    if (this.counts.length === 0) {
      this.offset = lo;
      this.counts = new Array<number>(hi - lo + 1).fill(0);
      return;
    }
    if (lo < this.offset) {
      this.counts = new Array<number>(this.offset - lo).fill(0).concat(this.counts);
      this.offset = lo;
    }
    for (let i = this.offset + this.counts.length; i <= hi; i++) this.counts.push(0);
  }

  private bump(index: number, times: number): void {
    this.cover(index, index);
    this.counts[index - this.offset] += times;
  }

  /** Counts `value` `times` times. Throws RangeError for a negative or non-finite value. */
  add(value: number, times = 1): this {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Not a value for a histogram: ${value}`);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`Not a count: ${times}`);
    if (value === 0) this.zeros += times;
    else this.bump(Math.ceil(Math.log(value) / LOG_GAMMA), times);
    this.total += times;
    return this;
  }

  /** Adds every count of `other` into this one (both must use the same error bound, as all do). */
  merge(other: Histogram): this {
    const n = other.counts.length;
    if (n > 0) {
      this.cover(other.offset, other.offset + n - 1);
      const shift = other.offset - this.offset;
      for (let i = 0; i < n; i++) this.counts[shift + i] += other.counts[i];
    }
    this.zeros += other.zeros;
    this.total += other.total;
    return this;
  }

  count(): number {
    return this.total;
  }

  /**
   * The value of rank floor(q · (n − 1)) among the n values, 0-based, within
   * HISTOGRAM_RELATIVE_ERROR of the exact one; null when empty. q in [0, 1].
   */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`A quantile is between 0 and 1, got ${q}`);
    if (this.total === 0) return null;
    const rank = Math.floor(q * (this.total - 1));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > rank) return (2 * GAMMA ** (this.offset + i)) / (GAMMA + 1);
    }
    throw new Error('unreachable: the ranks add up to the count');
  }

  /**
   * Compact JSON text, an array cheap to parse: `[zeros, Δindex, count, Δindex, count, …]` with
   * the non-empty buckets' indexes ascending, each given as its difference from the one before
   * (the first from 0). Parsing a plain number array is several times faster than an object's
   * keys, and readers fold many histograms.
   */
  serialize(): string {
    const out = [this.zeros];
    let previous = 0;
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i] === 0) continue;
      out.push(this.offset + i - previous, this.counts[i]);
      previous = this.offset + i;
    }
    return JSON.stringify(out);
  }

  /** Reads serialize()'s text, or the older `{"z":zeros,"b":{"index":count,…}}` form. */
  static deserialize(text: string): Histogram {
    return new Histogram().mergeSerialized(text);
  }

  /**
   * Adds the counts of serialize()'s text (or the older form) into this one, as merge() would
   * with the deserialized histogram: readers fold thousands of rollup rows, and this makes no
   * histogram per row. The text is checked whole before anything is added.
   */
  mergeSerialized(text: string): this {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HistogramFormatError('A histogram is JSON text');
    }
    return Array.isArray(parsed) ? this.mergeArray(parsed, text) : this.mergeObject(parsed, text);
  }

  private mergeArray(parsed: unknown[], text: string): this {
    const zeros = parsed[0];
    if (parsed.length % 2 !== 1 || !isCount(zeros))
      throw new HistogramFormatError(`Not a histogram: ${text.slice(0, 80)}`);
    // First pass: check every bucket and find the index range, so the counts grow once.
    let index = 0;
    let first = 0;
    let added = zeros;
    for (let i = 1; i < parsed.length; i += 2) {
      const step = parsed[i];
      const count = parsed[i + 1];
      // Ascending indexes: every step after the first is positive.
      if (!Number.isSafeInteger(step) || (i > 1 && (step as number) < 1) || !isCount(count)) {
        throw new HistogramFormatError(`Not a histogram bucket: ${String(step)}: ${String(count)}`);
      }
      index += step as number;
      if (!isIndex(index)) throw new HistogramFormatError(`Not a histogram bucket index: ${index}`);
      if (i === 1) first = index;
      added += count;
    }
    if (parsed.length > 1) this.cover(first, index);
    index = 0;
    for (let i = 1; i < parsed.length; i += 2) {
      index += parsed[i] as number;
      this.counts[index - this.offset] += parsed[i + 1] as number;
    }
    this.zeros += zeros;
    this.total += added;
    return this;
  }

  private mergeObject(parsed: unknown, text: string): this {
    const { z = 0, b } = (parsed ?? {}) as { z?: unknown; b?: unknown };
    if (!isCount(z) || typeof b !== 'object' || b === null || Array.isArray(b)) {
      throw new HistogramFormatError(`Not a histogram: ${text.slice(0, 80)}`);
    }
    const buckets: [number, number][] = [];
    for (const [key, count] of Object.entries(b)) {
      const index = Number(key);
      if (!Number.isInteger(index) || !isIndex(index) || !isCount(count)) {
        throw new HistogramFormatError(`Not a histogram bucket: ${key}: ${String(count)}`);
      }
      if (count > 0) buckets.push([index, count]);
    }
    for (const [index, count] of buckets) this.bump(index, count);
    this.zeros += z;
    this.total += z + buckets.reduce((n, [, count]) => n + count, 0);
    return this;
  }

  static of(values: Iterable<number>): Histogram {
    const histogram = new Histogram();
    for (const value of values) histogram.add(value);
    return histogram;
  }
}

/** The exact value of rank floor(q · (n − 1)) (the rank Histogram.quantile estimates); null when empty. */
export function exactQuantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.floor(q * (sorted.length - 1))];
}
