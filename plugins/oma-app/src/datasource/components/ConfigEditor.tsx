import type { ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';

import type { OmaDataSourceOptions, OmaSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<OmaDataSourceOptions, OmaSecureJsonData>;
type SecretKey = keyof OmaSecureJsonData;
type JsonKey = keyof OmaDataSourceOptions;

const INPUT_WIDTH = 60;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};
  const secureJsonData = options.secureJsonData ?? {};
  const secureJsonFields = options.secureJsonFields ?? {};

  const setJson = (key: JsonKey) => (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: event.target.value.trim() } });
  };

  const setSecret = (key: SecretKey) => (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: event.target.value } });
  };

  const resetSecret = (key: SecretKey) => () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [key]: false },
      secureJsonData: { ...secureJsonData, [key]: '' },
    });
  };

  return (
    <>
      <FieldSet label="Server">
        <Field
          label="Server URL"
          description="Base URL of the OMA Migration Insights server as Grafana's backend reaches it, without /api/v1."
          required
        >
          <Input
            id="oma-server-url"
            width={INPUT_WIDTH}
            placeholder="http://oma-insights:8080"
            value={jsonData.serverUrl ?? ''}
            onChange={setJson('serverUrl')}
          />
        </Field>
        <Field
          label="Live URL"
          description="Base URL of the same server as the browser reaches it, for live updates over WebSocket. Leave empty to poll through Grafana instead."
        >
          <Input
            id="oma-live-url"
            width={INPUT_WIDTH}
            placeholder="https://oma-insights.example.com"
            value={jsonData.liveUrl ?? ''}
            onChange={setJson('liveUrl')}
          />
        </Field>
      </FieldSet>
      <FieldSet label="Tokens">
        <Field
          label="Read token"
          description="Token with the read scope. Used for every query; Grafana keeps it encrypted and adds it in its data proxy."
          required
        >
          <SecretInput
            id="oma-read-token"
            width={INPUT_WIDTH}
            placeholder="read-scope token"
            isConfigured={Boolean(secureJsonFields.readToken)}
            value={secureJsonData.readToken ?? ''}
            onChange={setSecret('readToken')}
            onReset={resetSecret('readToken')}
          />
        </Field>
        <Field
          label="Write token"
          description="Token with the write scope, for changing network mappings. Only users with the Editor role can use it."
        >
          <SecretInput
            id="oma-write-token"
            width={INPUT_WIDTH}
            placeholder="write-scope token"
            isConfigured={Boolean(secureJsonFields.writeToken)}
            value={secureJsonData.writeToken ?? ''}
            onChange={setSecret('writeToken')}
            onReset={resetSecret('writeToken')}
          />
        </Field>
      </FieldSet>
    </>
  );
}
