import { initialViewport, READABLE_ZOOM, VIEWPORT_PADDING } from './viewport';

describe('initialViewport', () => {
  it('shows a small graph whole, centred, never enlarged', () => {
    expect(initialViewport({ width: 400, height: 200 }, { width: 1000, height: 600 }, 'LR')).toEqual({
      x: 300,
      y: 200,
      zoom: 1,
    });
  });

  it('shrinks a graph to fit while it stays readable', () => {
    const v = initialViewport({ width: 760, height: 1000 }, { width: 1200, height: 732 }, 'LR');
    expect(v.zoom).toBeCloseTo(0.7, 5);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.y).toBeCloseTo((732 - 700) / 2, 5);
  });

  it('starts a tall graph readable at the top, its columns fitted to the width', () => {
    // 300 networks a column: fitting all would be a zoom of about 0.05.
    const v = initialViewport({ width: 760, height: 16_000 }, { width: 1264, height: 700 }, 'LR');
    expect(v).toEqual({ x: (1264 - 760) / 2, y: VIEWPORT_PADDING, zoom: 1 });
    const narrow = initialViewport({ width: 760, height: 16_000 }, { width: 400, height: 700 }, 'RL');
    expect(narrow.zoom).toBe(READABLE_ZOOM);
    expect(narrow.x).toBe(VIEWPORT_PADDING);
  });

  it('starts a wide top-to-bottom graph at the left, its rows fitted to the height', () => {
    const v = initialViewport({ width: 30_000, height: 400 }, { width: 1200, height: 300 }, 'TB');
    expect(v.x).toBe(VIEWPORT_PADDING);
    expect(v.zoom).toBeCloseTo((300 - 2 * VIEWPORT_PADDING) / 400, 5);
  });

  it('is the identity for an empty graph or a panel without room', () => {
    expect(initialViewport({ width: 0, height: 0 }, { width: 100, height: 100 }, 'LR')).toEqual({
      x: 0,
      y: 0,
      zoom: 1,
    });
    expect(initialViewport({ width: 10, height: 10 }, { width: 0, height: 100 }, 'LR')).toEqual({
      x: 0,
      y: 0,
      zoom: 1,
    });
  });
});
