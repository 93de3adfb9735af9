/**
 * Where the graph starts: everything, when that is readable; otherwise readable and from the top
 * (the start of the layers), with the minimap and scrolling for the rest. Hundreds of networks
 * fitted into one panel would be specks.
 */
import type { LayoutDirection } from '../types';

/** Below this zoom node names are too small to read. */
export const READABLE_ZOOM = 0.6;
export const VIEWPORT_PADDING = 16;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

export function initialViewport(
  graph: { width: number; height: number },
  view: { width: number; height: number },
  direction: LayoutDirection,
): Viewport {
  if (graph.width <= 0 || graph.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { x: 0, y: 0, zoom: 1 };
  }
  const room = { width: view.width - 2 * VIEWPORT_PADDING, height: view.height - 2 * VIEWPORT_PADDING };
  const centred = (zoom: number, axis: 'width' | 'height') =>
    Math.max(VIEWPORT_PADDING, (view[axis] - graph[axis] * zoom) / 2);
  const fitAll = Math.min(room.width / graph.width, room.height / graph.height, 1);
  if (fitAll >= READABLE_ZOOM) {
    return { x: centred(fitAll, 'width'), y: centred(fitAll, 'height'), zoom: fitAll };
  }
  if (direction === 'TB') {
    // Layers are rows: fit their height, start at the left.
    const zoom = clamp(room.height / graph.height, READABLE_ZOOM, 1);
    return { x: VIEWPORT_PADDING, y: centred(zoom, 'height'), zoom };
  }
  // Layers are columns: fit their width, start at the top.
  const zoom = clamp(room.width / graph.width, READABLE_ZOOM, 1);
  return { x: centred(zoom, 'width'), y: VIEWPORT_PADDING, zoom };
}
