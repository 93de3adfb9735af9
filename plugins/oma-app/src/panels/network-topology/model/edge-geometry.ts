/**
 * The curve of an edge between the two layers and where its label sits. Labels go near the
 * source end, where each source network has its own row, so they do not pile up in the middle
 * where many edges converge on one destination.
 */
import type { LayoutDirection } from '../types';

export interface EdgeGeometry {
  /** SVG path: a cubic Bézier leaving and entering along the layout's direction. */
  path: string;
  labelX: number;
  labelY: number;
}

/** Fraction of the way from source to target where the label goes. */
export const LABEL_AT = 0.22;

export function edgeGeometry(
  source: { x: number; y: number },
  target: { x: number; y: number },
  direction: LayoutDirection,
  labelAt = LABEL_AT,
): EdgeGeometry {
  const horizontal = direction !== 'TB';
  const half = horizontal ? (target.x - source.x) / 2 : (target.y - source.y) / 2;
  const c1 = horizontal ? { x: source.x + half, y: source.y } : { x: source.x, y: source.y + half };
  const c2 = horizontal ? { x: target.x - half, y: target.y } : { x: target.x, y: target.y - half };
  const t = Math.min(1, Math.max(0, labelAt));
  const u = 1 - t;
  // Cubic Bézier at t: u³·P0 + 3u²t·C1 + 3ut²·C2 + t³·P3.
  const at = (a: number, b: number, c: number, d: number) =>
    u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    path: `M${r(source.x)},${r(source.y)} C${r(c1.x)},${r(c1.y)} ${r(c2.x)},${r(c2.y)} ${r(target.x)},${r(target.y)}`,
    labelX: at(source.x, c1.x, c2.x, target.x),
    labelY: at(source.y, c1.y, c2.y, target.y),
  };
}
