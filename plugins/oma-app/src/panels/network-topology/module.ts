import { PanelPlugin } from '@grafana/data';

import { TopologyPanel } from './components/TopologyPanel';
import { topologyOptions } from './options';
import type { TopologyOptions } from './types';

export const plugin = new PanelPlugin<TopologyOptions>(TopologyPanel).setPanelOptions(topologyOptions);
