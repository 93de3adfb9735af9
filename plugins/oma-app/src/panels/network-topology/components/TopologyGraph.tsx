import '@xyflow/react/dist/style.css';

import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import {
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useRef } from 'react';

import { edgeGeometry } from '../model/edge-geometry';
import { DEFAULT_LAYOUT, type TopologyLayout } from '../model/layout';
import { shortName, type NetworkNode, type TopologyEdge, type TopologyModel } from '../model/topology-model';
import { initialViewport } from '../model/viewport';
import type { Selection } from '../model/vms';
import type { LayoutDirection } from '../types';
import type { Colours } from './Legend';

interface NetworkNodeData extends Record<string, unknown> {
  network: NetworkNode;
  label: string;
  detail: string;
  /** The state colour: unmapped, or a destination that is not in the inventory. */
  accent: string | null;
  direction: LayoutDirection;
  highlighted: boolean;
  dimmed: boolean;
}

interface MappingEdgeData extends Record<string, unknown> {
  edge: TopologyEdge;
  colour: string;
  strokeWidth: number;
  label: string;
  direction: LayoutDirection;
  highlighted: boolean;
  dimmed: boolean;
  onSelect: (edge: TopologyEdge) => void;
}

interface HeaderNodeData extends Record<string, unknown> {
  text: string;
}

type NetworkFlowNode = Node<NetworkNodeData, 'network'>;
type HeaderFlowNode = Node<HeaderNodeData, 'header'>;
type FlowNode = NetworkFlowNode | HeaderFlowNode;
type MappingFlowEdge = Edge<MappingEdgeData, 'mapping'>;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The side a node's edges leave (sources) or enter (destinations). */
function handleSide(direction: LayoutDirection, kind: NetworkNode['kind']): Position {
  if (direction === 'TB') {
    return kind === 'source' ? Position.Bottom : Position.Top;
  }
  const right = (direction === 'LR') === (kind === 'source');
  return right ? Position.Right : Position.Left;
}

function nodeDetail(n: NetworkNode): string {
  if (n.kind === 'source') {
    const vms = plural(n.vmCount, 'VM');
    const unmapped =
      n.state === 'unmapped'
        ? ' · unmapped'
        : n.state === 'partial'
          ? ` · ${n.unmappedVmCount} unmapped`
          : '';
    return `${vms}${n.vlan ? ` · VLAN ${n.vlan}` : ''}${unmapped}`;
  }
  const where = [n.zone, n.state === 'missing' ? 'not in inventory' : n.state].filter(Boolean).join(' · ');
  return `${plural(n.vmCount, 'VM')}${where ? ` · ${where}` : ''}`;
}

function nodeAccent(n: NetworkNode, colours: Colours): string | null {
  if (n.kind === 'source') {
    return n.state === 'mapped' ? null : colours.unmapped;
  }
  return n.state === 'missing' ? colours.invalid : null;
}

function edgeColour(e: TopologyEdge, colours: Colours): string {
  if (e.kind === 'recommendation') {
    return colours.recommended;
  }
  return e.validation === 'invalid'
    ? colours.invalid
    : e.validation === 'valid'
      ? colours.mapped
      : colours.pending;
}

/** Thicker for more VMs, on a log scale so one big network does not drown the others. */
const strokeWidth = (vms: number) => Math.min(6, 1.5 + Math.log2(1 + vms) * 0.7);

function edgeLabel(e: TopologyEdge): string {
  return e.kind === 'recommendation'
    ? `${plural(e.vmCount, 'VM')} · ${Math.round(e.score * 100)}%`
    : plural(e.vmCount, 'VM');
}

/** A short, stable key of what is drawn: a new key fits the view again, a refresh keeps the zoom. */
function structureKey(layout: TopologyLayout, direction: LayoutDirection): string {
  let hash = 5381;
  for (const p of layout.nodes) {
    for (let i = 0; i < p.node.id.length; i++) {
      hash = ((hash << 5) + hash + p.node.id.charCodeAt(i)) | 0;
    }
  }
  return `${direction}:${layout.nodes.length}:${hash}`;
}

const HEADER_HEIGHT = 24;
/** Room the layer headers take before the first network. */
const HEADER_ROOM = HEADER_HEIGHT + 8;

/** The initial viewport, moved so the layer headers are in view too. */
function startViewport(layout: TopologyLayout, width: number, height: number, direction: LayoutDirection) {
  const v = initialViewport(layout, { width, height }, direction);
  return direction === 'TB'
    ? { ...v, x: v.x + (DEFAULT_LAYOUT.nodeWidth + 16) * v.zoom }
    : { ...v, y: v.y + HEADER_ROOM * v.zoom };
}

/** "VMware networks" above (or beside, top to bottom) each layer; they scroll with the graph. */
function layerHeaders(layout: TopologyLayout, direction: LayoutDirection): HeaderFlowNode[] {
  const headers: HeaderFlowNode[] = [];
  for (const kind of ['source', 'destination'] as const) {
    const layer = layout.nodes.filter((p) => p.node.kind === kind);
    if (layer.length === 0) {
      continue;
    }
    const text = `${kind === 'source' ? 'VMware' : 'CloudStack'} networks (${layer.length})`;
    const first = layer.reduce((a, b) => (direction === 'TB' ? (b.x < a.x ? b : a) : b.y < a.y ? b : a));
    headers.push({
      id: `header:${kind}`,
      type: 'header',
      position:
        direction === 'TB'
          ? { x: first.x - first.width - 16, y: first.y + (first.height - HEADER_HEIGHT) / 2 }
          : { x: first.x, y: first.y - HEADER_ROOM },
      width: first.width,
      height: HEADER_HEIGHT,
      draggable: false,
      selectable: false,
      connectable: false,
      focusable: false,
      data: { text },
    });
  }
  return headers;
}

function selectedIds(selection: Selection | null): { nodes: Set<string>; edge?: string } {
  if (!selection) {
    return { nodes: new Set() };
  }
  if (selection.type === 'node') {
    return { nodes: new Set([selection.node.id]) };
  }
  return { nodes: new Set([selection.edge.source, selection.edge.target]), edge: selection.edge.id };
}

/** A point of the graph to centre on (a new object each time, so the same point can be asked again). */
export interface Focus {
  x: number;
  y: number;
}

interface Props {
  layout: TopologyLayout;
  model: TopologyModel;
  width: number;
  height: number;
  direction: LayoutDirection;
  nameLength: number;
  colours: Colours;
  selection: Selection | null;
  onSelect: (selection: Selection | null) => void;
  focus: Focus | null;
}

export function TopologyGraph(props: Props) {
  const { layout, model, width, height, direction, nameLength, colours, selection, onSelect, focus } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);

  const byId = useMemo(
    () => new Map<string, NetworkNode>([...model.sources, ...model.destinations].map((n) => [n.id, n])),
    [model],
  );
  const selectEdge = useMemo(
    () => (edge: TopologyEdge) => {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      if (source && target?.kind === 'destination') {
        onSelect({
          type: 'edge',
          edge,
          sourceNetwork: source.name,
          networkId: target.networkId,
          networkName: target.name,
        });
      }
    },
    [byId, onSelect],
  );

  const { nodes, edges } = useMemo(() => {
    const picked = selectedIds(selection);
    // With a node selected, its own edges stand out and the rest fade.
    const focusNode = selection?.type === 'node' ? selection.node.id : undefined;
    const edgeTouches = (e: TopologyEdge) => e.source === focusNode || e.target === focusNode;
    const neighbours = new Set<string>();
    if (focusNode) {
      for (const e of layout.edges) {
        if (edgeTouches(e)) {
          neighbours.add(e.source);
          neighbours.add(e.target);
        }
      }
    }
    const flowNodes: NetworkFlowNode[] = layout.nodes.map((p) => ({
      id: p.node.id,
      type: 'network',
      position: { x: p.x, y: p.y },
      width: p.width,
      height: p.height,
      draggable: false,
      connectable: false,
      data: {
        network: p.node,
        label: shortName(p.node.name, nameLength),
        detail: nodeDetail(p.node),
        accent: nodeAccent(p.node, colours),
        direction,
        highlighted: picked.nodes.has(p.node.id),
        dimmed: focusNode !== undefined && !neighbours.has(p.node.id) && p.node.id !== focusNode,
      },
    }));
    const flowEdges: MappingFlowEdge[] = layout.edges.map((e) => ({
      id: e.id,
      type: 'mapping',
      source: e.source,
      target: e.target,
      data: {
        edge: e,
        colour: edgeColour(e, colours),
        strokeWidth: strokeWidth(e.vmCount),
        label: edgeLabel(e),
        direction,
        highlighted: picked.edge === e.id || (focusNode !== undefined && edgeTouches(e)),
        dimmed:
          (focusNode !== undefined && !edgeTouches(e)) || (picked.edge !== undefined && picked.edge !== e.id),
        onSelect: selectEdge,
      },
    }));
    return { nodes: [...layerHeaders(layout, direction), ...flowNodes] as FlowNode[], edges: flowEdges };
  }, [layout, selection, nameLength, colours, direction, selectEdge]);
  // The minimap goes in the margin beside the graph, where it hides no network; none without one.
  const minimapWidth = Math.min(200, width / 5);
  const startZoom = initialViewport(layout, { width, height }, direction).zoom;
  const showMinimap = (width - layout.width * startZoom) / 2 >= minimapWidth + 16 && height >= 360;

  return (
    <div className={styles.graph} style={{ width, height }} data-testid="oma-topology-graph">
      <ReactFlow<FlowNode, MappingFlowEdge>
        key={structureKey(layout, direction)}
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        colorMode={theme.isDark ? 'dark' : 'light'}
        // Applied when the key changes (other networks), not on a refresh of the same ones.
        defaultViewport={startViewport(layout, width, height, direction)}
        fitViewOptions={{ padding: 0.04 }}
        minZoom={0.02}
        maxZoom={2}
        onlyRenderVisibleElements
        // The wheel scrolls along the layers (a column of hundreds of networks); Ctrl+wheel zooms.
        panOnScroll
        zoomOnScroll={false}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable
        elementsSelectable
        onNodeClick={(_event, node) =>
          node.type === 'network' && onSelect({ type: 'node', node: node.data.network })
        }
        onEdgeClick={(_event, edge) => edge.data && selectEdge(edge.data.edge)}
        onPaneClick={() => onSelect(null)}
      >
        <ViewportKeeper width={width} height={height} focus={focus} />
        <Controls showInteractive={false} position="bottom-left" />
        {showMinimap && (
          <MiniMap<FlowNode>
            pannable
            zoomable
            position="bottom-right"
            ariaLabel="Overview of all networks"
            nodeColor={(n) =>
              n.type !== 'network'
                ? 'transparent'
                : (n.data.accent ??
                  (n.data.network.kind === 'source'
                    ? theme.colors.primary.main
                    : theme.colors.text.secondary))
            }
            nodeStrokeWidth={0}
            maskColor={theme.isDark ? 'rgba(0, 0, 0, 0.55)' : 'rgba(255, 255, 255, 0.6)'}
            style={{ width: minimapWidth, height: Math.min(150, height / 4) }}
          />
        )}
      </ReactFlow>
    </div>
  );
}

/**
 * Keeps the middle of the view in the middle when the graph's size changes (the side pane opens
 * or closes), and centres a found network, readable, at the size the graph has now.
 */
function ViewportKeeper(props: { width: number; height: number; focus: Focus | null }) {
  const { width, height, focus } = props;
  const { getViewport, setViewport } = useReactFlow();
  const size = useRef({ width, height });
  useEffect(() => {
    const before = size.current;
    size.current = { width, height };
    if (before.width !== width || before.height !== height) {
      const v = getViewport();
      setViewport({ ...v, x: v.x + (width - before.width) / 2, y: v.y + (height - before.height) / 2 });
    }
  }, [width, height, getViewport, setViewport]);
  useEffect(() => {
    if (focus) {
      setViewport({ x: size.current.width / 2 - focus.x, y: size.current.height / 2 - focus.y, zoom: 1 });
    }
  }, [focus, setViewport]);
  return null;
}

const NetworkNodeView = memo(function NetworkNodeView({ data }: NodeProps<NetworkFlowNode>) {
  const styles = useStyles2(getStyles);
  const { network, label, detail, accent, direction, highlighted, dimmed } = data;
  const side = handleSide(direction, network.kind);
  return (
    <div
      className={cx(styles.node, highlighted && styles.highlighted, dimmed && styles.dimmed)}
      style={accent ? { borderLeftColor: accent } : undefined}
      title={`${network.name}\n${detail}`}
      data-testid={`oma-network-${network.id}`}
    >
      <div className={styles.nodeName}>{label}</div>
      <div className={styles.nodeDetail} style={accent ? { color: accent } : undefined}>
        {detail}
      </div>
      <Handle
        type={network.kind === 'source' ? 'source' : 'target'}
        position={side}
        isConnectable={false}
        className={styles.handle}
      />
    </div>
  );
});

const MappingEdgeView = memo(function MappingEdgeView(props: EdgeProps<MappingFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, data } = props;
  const styles = useStyles2(getStyles);
  if (!data) {
    return null;
  }
  const { edge, colour, label, direction, highlighted, dimmed, onSelect } = data;
  const { path, labelX, labelY } = edgeGeometry(
    { x: sourceX, y: sourceY },
    { x: targetX, y: targetY },
    direction,
  );
  const recommended = edge.kind === 'recommendation';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        interactionWidth={16}
        style={{
          stroke: colour,
          strokeWidth: data.strokeWidth + (highlighted ? 1.5 : 0),
          strokeDasharray: recommended ? '7 5' : undefined,
          opacity: dimmed ? 0.2 : 1,
        }}
      />
      <EdgeLabelRenderer>
        <button
          type="button"
          className={cx(styles.edgeLabel, 'nodrag', 'nopan', highlighted && styles.labelHighlighted)}
          style={{
            transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
            borderColor: colour,
            borderStyle: recommended ? 'dashed' : 'solid',
            opacity: dimmed ? 0.25 : 1,
          }}
          onClick={() => onSelect(edge)}
          data-testid={`oma-edge-${edge.id}`}
          aria-label={`${recommended ? 'Recommended mapping' : 'Mapping'}: ${label}`}
        >
          {label}
        </button>
      </EdgeLabelRenderer>
    </>
  );
});

function HeaderNodeView({ data }: NodeProps<HeaderFlowNode>) {
  const styles = useStyles2(getStyles);
  return <div className={styles.header}>{data.text}</div>;
}

const NODE_TYPES = { network: NetworkNodeView, header: HeaderNodeView };
const EDGE_TYPES = { mapping: MappingEdgeView };

const getStyles = (theme: GrafanaTheme2) => ({
  graph: css({
    position: 'relative',
    flexShrink: 0,
    // React Flow's own colours follow Grafana's theme.
    '.react-flow': {
      '--xy-background-color': 'transparent',
      '--xy-edge-label-background-color': theme.colors.background.primary,
      '--xy-minimap-background-color': theme.colors.background.secondary,
      '--xy-controls-button-background-color': theme.colors.background.secondary,
      '--xy-controls-button-background-color-hover': theme.colors.action.hover,
      '--xy-controls-button-color': theme.colors.text.primary,
      '--xy-controls-button-border-color': theme.colors.border.weak,
      '--xy-node-border-radius': theme.shape.radius.default,
    },
    '.react-flow__attribution': { background: 'transparent', color: theme.colors.text.disabled },
    '.react-flow__attribution a': { color: theme.colors.text.disabled },
  }),
  node: css({
    width: '100%',
    height: '100%',
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    border: `1px solid ${theme.colors.border.medium}`,
    borderLeft: `5px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    overflow: 'hidden',
    lineHeight: 1.3,
  }),
  highlighted: css({
    boxShadow: `0 0 0 2px ${theme.colors.primary.border}`,
  }),
  dimmed: css({ opacity: 0.35 }),
  nodeName: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  header: css({
    height: '100%',
    display: 'flex',
    alignItems: 'flex-end',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
    cursor: 'default',
  }),
  nodeDetail: css({
    fontSize: 11,
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  handle: css({ opacity: 0, pointerEvents: 'none' }),
  edgeLabel: css({
    position: 'absolute',
    pointerEvents: 'all',
    padding: theme.spacing(0, 0.75),
    fontSize: 11,
    lineHeight: '16px',
    borderRadius: theme.shape.radius.pill,
    border: '1px solid',
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
  }),
  labelHighlighted: css({ fontWeight: theme.typography.fontWeightBold }),
});
