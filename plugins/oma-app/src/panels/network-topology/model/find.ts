/** Finding a network by name in what is laid out: an exact name first, then a part of one. */
import type { PositionedNode, TopologyLayout } from './layout';
import type { LayoutDirection } from '../types';

export function findNetwork(layout: TopologyLayout, text: string): PositionedNode | undefined {
  const wanted = text.trim().toLowerCase();
  if (wanted === '') {
    return undefined;
  }
  return (
    layout.nodes.find((p) => p.node.name.toLowerCase() === wanted) ??
    layout.nodes.find((p) => p.node.name.toLowerCase().includes(wanted))
  );
}

/**
 * The point to centre on for a found network: level with it, halfway between the layers, so the
 * network and where it maps to are both in view.
 */
export function focusPoint(found: PositionedNode, layout: TopologyLayout, direction: LayoutDirection) {
  return direction === 'TB'
    ? { x: found.x + found.width / 2, y: layout.height / 2 }
    : { x: layout.width / 2, y: found.y + found.height / 2 };
}
