import { Rng } from '../../demo/rng';
import { exactQuantile, Histogram, HistogramFormatError, HISTOGRAM_RELATIVE_ERROR } from './histogram';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

/** Durations and throughputs span many orders of magnitude: log-uniform, with some repeats and zeros. */
function randomValues(rng: Rng): number[] {
  const n = rng.int(1, 2000);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.02)) values.push(0);
    else if (rng.chance(0.1) && values.length > 0) values.push(values[rng.int(0, values.length - 1)]);
    else values.push(10 ** rng.between(-3, 12));
  }
  return values;
}

const sortedCopy = (values: number[]) => [...values].sort((a, b) => a - b);

function expectWithinBound(estimate: number | null, exact: number | null) {
  expect(estimate === null).toBe(exact === null);
  if (estimate === null || exact === null) return;
  if (exact === 0) expect(estimate).toBe(0);
  // The bound itself plus floating point slack of a few ulps.
  else expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR * (1 + 1e-9));
}

describe('Histogram', () => {
  test('quantiles of random data sets stay within the stated relative error of the exact ones', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const values = randomValues(new Rng(seed));
      const histogram = Histogram.of(values);
      const sorted = sortedCopy(values);
      expect(histogram.count()).toBe(values.length);
      for (const q of QUANTILES) expectWithinBound(histogram.quantile(q), exactQuantile(sorted, q));
    }
  });

  test('merge(a, b) equals the histogram of a ∪ b, bucket for bucket', () => {
    for (let seed = 100; seed < 140; seed++) {
      const rng = new Rng(seed);
      const [a, b] = [randomValues(rng), randomValues(rng)];
      const merged = Histogram.of(a).merge(Histogram.of(b));
      const union = Histogram.of([...a, ...b]);
      expect(merged.serialize()).toBe(union.serialize());
      expect(merged.count()).toBe(a.length + b.length);
      for (const q of QUANTILES) expect(merged.quantile(q)).toBe(union.quantile(q));
    }
  });

  test('mergeSerialized(text) equals merge(deserialize(text)), in either form; a bad text adds nothing', () => {
    for (let seed = 200; seed < 230; seed++) {
      const rng = new Rng(seed);
      const [a, b] = [Histogram.of(randomValues(rng)), Histogram.of(randomValues(rng))];
      const expected = Histogram.of([]).merge(a).merge(b);
      const folded = new Histogram().mergeSerialized(a.serialize()).mergeSerialized(b.serialize());
      expect(folded.serialize()).toBe(expected.serialize());
      expect(folded.count()).toBe(expected.count());
      for (const q of QUANTILES) expect(folded.quantile(q)).toBe(expected.quantile(q));
    }
    const into = Histogram.of([0, 1, 5]);
    into.mergeSerialized(JSON.stringify({ z: 1, b: { '-10': 2, '300': 1 } }));
    expect(into.count()).toBe(7);
    expect(into.serialize()).toBe(
      Histogram.of([0, 1, 5]).merge(Histogram.deserialize('{"z":1,"b":{"-10":2,"300":1}}')).serialize(),
    );
    // The last bucket is bad: nothing of the text is added.
    const before = into.serialize();
    expect(() => into.mergeSerialized('[1,3,1,0,1]')).toThrow(HistogramFormatError);
    expect(() => into.mergeSerialized('{"z":1,"b":{"1":1,"x":1}}')).toThrow(HistogramFormatError);
    expect(into.serialize()).toBe(before);
    expect(into.count()).toBe(7);
  });

  test('serialisation round-trips exactly and stays compact', () => {
    const values = randomValues(new Rng(7));
    const histogram = Histogram.of(values);
    const text = histogram.serialize();
    const back = Histogram.deserialize(text);
    expect(back.serialize()).toBe(text);
    expect(back.count()).toBe(values.length);
    for (const q of QUANTILES) expect(back.quantile(q)).toBe(histogram.quantile(q));
    // 15 decades at 1% are ~1,700 buckets at most: well inside a TEXT column's 64 KiB.
    expect(text.length).toBeLessThan(65_535);
    expect(Histogram.deserialize(new Histogram().serialize()).count()).toBe(0);
    // The extremes of a double fit.
    const extremes = Histogram.of([Number.MIN_VALUE, Number.MAX_VALUE]);
    expect(Histogram.deserialize(extremes.serialize()).serialize()).toBe(extremes.serialize());
  });

  test('the array form gives index steps; the older object form still reads the same', () => {
    const histogram = new Histogram().add(0, 2).add(1).add(0.001, 3).add(1e9);
    const text = histogram.serialize();
    const parsed = JSON.parse(text) as number[];
    expect(parsed[0]).toBe(2);
    // Steps after the first are positive: the indexes ascend.
    expect(parsed.filter((_, i) => i > 1 && i % 2 === 1).every((step) => step > 0)).toBe(true);
    const older: Record<string, number> = {};
    let index = 0;
    for (let i = 1; i < parsed.length; i += 2) older[(index += parsed[i])] = parsed[i + 1];
    const fromOlder = Histogram.deserialize(JSON.stringify({ z: 2, b: older }));
    expect(fromOlder.serialize()).toBe(text);
    expect(fromOlder.count()).toBe(7);
    for (const q of QUANTILES) expect(fromOlder.quantile(q)).toBe(histogram.quantile(q));
  });

  test('an empty histogram has no quantiles; zeros are exact', () => {
    expect(new Histogram().quantile(0.5)).toBeNull();
    expect(Histogram.of([0, 0, 0, 5]).quantile(0.5)).toBe(0);
    expect(Histogram.of([0, 0, 0, 5]).quantile(1)).toBeCloseTo(5, 0);
  });

  test('refuses values and texts that are not histograms', () => {
    expect(() => new Histogram().add(-1)).toThrow(RangeError);
    expect(() => new Histogram().add(Number.NaN)).toThrow(RangeError);
    expect(() => new Histogram().add(Infinity)).toThrow(RangeError);
    expect(() => new Histogram().add(1, 0)).toThrow(RangeError);
    expect(() => new Histogram().quantile(1.5)).toThrow(RangeError);
    for (const text of [
      '',
      'nope',
      '[]',
      '{"b":[]}',
      '{"b":{"x":1}}',
      '{"b":{"1":-2}}',
      '{"z":1.5,"b":{}}',
      '[0,1]',
      '[-1]',
      '[0,3,-2]',
      '[0,3,1,0,1]',
      '[0,3,1,-1,1]',
      '[0,1.5,1]',
      '["0"]',
      '[0,100000000,1]',
      '{"b":{"-99999999":1}}',
    ]) {
      expect(() => Histogram.deserialize(text)).toThrow(HistogramFormatError);
    }
  });
});
