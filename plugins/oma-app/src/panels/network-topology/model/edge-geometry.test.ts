import { LABEL_AT, edgeGeometry } from './edge-geometry';

describe('edgeGeometry', () => {
  it('runs from source to target, leaving and entering horizontally left to right', () => {
    const g = edgeGeometry({ x: 0, y: 0 }, { x: 200, y: 100 }, 'LR');
    expect(g.path).toBe('M0,0 C100,0 100,100 200,100');
  });

  it('puts the label near the source end, on the curve', () => {
    const g = edgeGeometry({ x: 0, y: 0 }, { x: 200, y: 100 }, 'LR');
    expect(g.labelX).toBeGreaterThan(0);
    expect(g.labelX).toBeLessThan(100);
    // On the curve: u³·0 + 3u²t·0 + 3ut²·100 + t³·100 with t = LABEL_AT.
    const t = LABEL_AT;
    expect(g.labelY).toBeCloseTo(3 * (1 - t) * t * t * 100 + t * t * t * 100, 6);
  });

  it('mirrors for right to left and turns for top to bottom', () => {
    expect(edgeGeometry({ x: 300, y: 0 }, { x: 100, y: 50 }, 'RL').path).toBe('M300,0 C200,0 200,50 100,50');
    const tb = edgeGeometry({ x: 0, y: 0 }, { x: 50, y: 300 }, 'TB');
    expect(tb.path).toBe('M0,0 C0,150 50,150 50,300');
    expect(tb.labelY).toBeLessThan(150);
  });

  it('clamps the label position to the edge', () => {
    expect(edgeGeometry({ x: 0, y: 0 }, { x: 10, y: 10 }, 'LR', 5)).toEqual(
      expect.objectContaining({ labelX: 10, labelY: 10 }),
    );
  });
});
