import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { Alert, Input, RadioButtonGroup, useStyles2, useTheme2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';

import { mappingEditAccess } from '../../common/oma-datasource';
import { findNetwork, focusPoint } from '../model/find';
import { DEFAULT_LAYOUT, layoutTopology } from '../model/layout';
import { buildTopologyModel, TopologyDataError, type TopologyModel } from '../model/topology-model';
import { readVmRows, type Selection } from '../model/vms';
import type { FailoverType, TopologyOptions } from '../types';
import { DetailsPane } from './DetailsPane';
import { Legend, resolveColours } from './Legend';
import { TopologyGraph, type Focus } from './TopologyGraph';
import { useFailoverFrames } from './useFailoverFrames';

const TOOLBAR_ROW = 36;
/** Narrower panels put the legend on a second toolbar row. */
const ONE_ROW_WIDTH = 1700;
const PANE_WIDTH = 380;

const FAILOVER_OPTIONS: Array<{ value: FailoverType; label: string; description: string }> = [
  { value: 'live', label: 'Live', description: 'Mappings used on live failover' },
  { value: 'test', label: 'Test', description: 'Mappings used on test failover' },
];

type Built = { model: TopologyModel; error?: undefined } | { model?: undefined; error: string };

/**
 * VMware networks on one side, CloudStack networks on the other, the mappings between them with
 * their VM counts; unmapped networks and invalid mappings in the theme's warning and error
 * colours; the best recommendation for each unmapped network dashed. Click a network or a
 * mapping for the VMs behind it; Editors apply a recommendation from there.
 */
export function TopologyPanel(props: PanelProps<TopologyOptions>) {
  const { data, options, width, height, eventBus, id, fieldConfig } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [failoverType, setFailoverType] = useState<FailoverType>(options.failoverType);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [focus, setFocus] = useState<Focus | null>(null);
  const [findText, setFindText] = useState('');
  const [notFound, setNotFound] = useState(false);
  useEffect(() => setFailoverType(options.failoverType), [options.failoverType]);

  const { frames, loading, error } = useFailoverFrames(data, failoverType);
  const built = useMemo<Built>(() => {
    try {
      return { model: buildTopologyModel(frames, { minScore: options.minScore }) };
    } catch (err) {
      if (err instanceof TopologyDataError) {
        return { error: err.message };
      }
      throw err;
    }
  }, [frames, options.minScore]);
  // Computed once per data or layout option change: dagre takes a moment at hundreds of networks.
  const layout = useMemo(
    () =>
      built.model &&
      layoutTopology(built.model, {
        ...DEFAULT_LAYOUT,
        direction: options.direction,
        showUnmapped: options.showUnmapped,
        showRecommendations: options.showRecommendations,
        showUnusedDestinations: options.showUnusedDestinations,
      }),
    [
      built.model,
      options.direction,
      options.showUnmapped,
      options.showRecommendations,
      options.showUnusedDestinations,
    ],
  );
  const vmRows = useMemo(() => readVmRows(frames), [frames]);
  const colours = useMemo(() => resolveColours(theme, options), [theme, options]);
  const access = mappingEditAccess();

  if (!built.model || !layout) {
    if (loading) {
      return <div className={styles.message}>Loading network topology…</div>;
    }
    return (
      <PanelDataErrorView
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        message={error ?? built.error ?? 'No network topology'}
      />
    );
  }

  const { summary } = built.model;
  const paneOpen = selection !== null && width >= 2 * PANE_WIDTH;
  const graphWidth = paneOpen ? width - PANE_WIDTH : width;
  const toolbarHeight = width >= ONE_ROW_WIDTH ? TOOLBAR_ROW : 2 * TOOLBAR_ROW;
  const bodyHeight = Math.max(0, height - toolbarHeight);
  const find = () => {
    const found = findNetwork(layout, findText);
    setNotFound(findText.trim() !== '' && !found);
    if (found) {
      setFocus(focusPoint(found, layout, options.direction));
      setSelection({ type: 'node', node: found.node });
    }
  };
  return (
    <div className={styles.root} style={{ width, height }} data-testid="oma-topology-panel">
      <div className={styles.toolbar} style={{ height: toolbarHeight }}>
        <RadioButtonGroup<FailoverType>
          size="sm"
          aria-label="Failover type"
          options={FAILOVER_OPTIONS}
          value={failoverType}
          onChange={(t) => {
            setFailoverType(t);
            setSelection(null);
          }}
        />
        <Input
          aria-label="Find network"
          placeholder="Find network…"
          width={24}
          value={findText}
          invalid={notFound}
          title={notFound ? `No network named like "${findText}"` : 'A network name or part of one; Enter'}
          onChange={(e) => {
            setFindText(e.currentTarget.value);
            setNotFound(false);
          }}
          onKeyDown={(e) => e.key === 'Enter' && find()}
        />
        <span className={styles.counts} data-testid="oma-topology-counts">
          {summary.sources} VMware · {summary.destinations} CloudStack networks
          {layout.hiddenDestinations > 0 && ` (${layout.hiddenDestinations} unused not shown)`}
          {summary.unmappedSources > 0 && (
            <span style={{ color: colours.unmapped }}> · {summary.unmappedSources} unmapped</span>
          )}
          {summary.partialSources > 0 && (
            <span style={{ color: colours.unmapped }}> · {summary.partialSources} partly mapped</span>
          )}
          {summary.invalidMappings > 0 && (
            <span style={{ color: colours.invalid }}> · {summary.invalidMappings} invalid</span>
          )}
          {loading && ' · loading…'}
        </span>
        <Legend colours={colours} showRecommendations={options.showRecommendations} />
      </div>
      {error && (
        <Alert severity="error" title="Query failed" className={styles.alert}>
          {error}
        </Alert>
      )}
      <div className={styles.body} style={{ height: bodyHeight }}>
        <TopologyGraph
          layout={layout}
          model={built.model}
          width={graphWidth}
          height={bodyHeight}
          direction={options.direction}
          nameLength={options.nameLength}
          colours={colours}
          selection={selection}
          onSelect={setSelection}
          focus={focus}
        />
        {selection && (
          <DetailsPane
            selection={selection}
            failoverType={failoverType}
            vmRows={vmRows}
            access={access}
            data={data}
            eventBus={eventBus}
            colours={colours}
            width={paneOpen ? PANE_WIDTH : width}
            overlay={!paneOpen}
            onClose={() => setSelection(null)}
          />
        )}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    // One row, or two evenly spaced when the legend wraps.
    alignContent: 'space-evenly',
    columnGap: theme.spacing(2),
    padding: theme.spacing(0, 0.5),
    flexShrink: 0,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  }),
  counts: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  alert: css({ margin: theme.spacing(0.5, 0) }),
  body: css({ display: 'flex', position: 'relative', flexShrink: 0 }),
  message: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
  }),
});
