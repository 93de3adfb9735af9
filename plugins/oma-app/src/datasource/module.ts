import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import type { OmaDataSourceOptions, OmaQuery, OmaSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<DataSource, OmaQuery, OmaDataSourceOptions, OmaSecureJsonData>(
  DataSource,
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
