import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { commonOptionsBuilder } from '@grafana/ui';

import { TrendsPanel } from './components/TrendsPanel';
import { trendsOptions } from './options';
import type { TrendsOptions } from './types';

export const plugin = new PanelPlugin<TrendsOptions>(TrendsPanel)
  .setPanelOptions(trendsOptions)
  // The panel configures its own series; the field config holds only what the legend's clicks
  // hide (custom.hideFrom overrides, as in the Time series panel).
  .useFieldConfig({
    disableStandardOptions: Object.values(FieldConfigProperty),
    useCustomConfig: (builder) => commonOptionsBuilder.addHideFrom(builder),
  });
