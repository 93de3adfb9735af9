import { PanelPlugin } from '@grafana/data';

import { TrendsPanel } from './components/TrendsPanel';
import { trendsOptions } from './options';
import type { TrendsOptions } from './types';

export const plugin = new PanelPlugin<TrendsOptions>(TrendsPanel).setPanelOptions(trendsOptions);
