import { PanelPlugin } from '@grafana/data';

import { BulkMappingPanel } from './components/BulkMappingPanel';
import { buildOptions } from './options';
import type { BulkMappingOptions } from './types';

export const plugin = new PanelPlugin<BulkMappingOptions>(BulkMappingPanel).setPanelOptions(buildOptions);
