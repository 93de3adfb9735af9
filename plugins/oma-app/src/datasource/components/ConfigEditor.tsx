import type { ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';

import {
  DEFAULT_LIVE_MODE,
  DEFAULT_POLL_SECONDS,
  LIVE_MODE_LABELS,
  LIVE_MODES,
  MAX_POLL_SECONDS,
  MIN_POLL_SECONDS,
  type LiveMode,
  type OmaDataSourceOptions,
  type OmaSecureJsonData,
} from '../types';

type Props = DataSourcePluginOptionsEditorProps<OmaDataSourceOptions, OmaSecureJsonData>;
type SecretKey = keyof OmaSecureJsonData;
type JsonKey = 'serverUrl' | 'liveUrl';

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
          description="The same server as your users' browsers reach it (often its public https address, or a path such as /oma-live on Grafana's own address behind the same reverse proxy), for live updates over WebSocket. The server must allow Grafana's address in LIVE_ALLOWED_ORIGINS. Leave empty to poll through Grafana instead."
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
      <FieldSet label="Live updates">
        <Field
          label="Live mode"
          description="How streaming queries (live progress, notifications, system health) get updates. Auto uses the WebSocket and polls while it cannot be opened; a query may override it."
        >
          <RadioButtonGroup<LiveMode>
            aria-label="Live mode"
            options={LIVE_MODES.map((m) => ({ value: m, label: LIVE_MODE_LABELS[m] }))}
            value={jsonData.liveMode ?? DEFAULT_LIVE_MODE}
            onChange={(liveMode) => onOptionsChange({ ...options, jsonData: { ...jsonData, liveMode } })}
          />
        </Field>
        <Field
          label="Poll interval"
          description={`Seconds between two polls when polling (${MIN_POLL_SECONDS} to ${MAX_POLL_SECONDS}). Each open panel polls: a longer interval costs the server less.`}
        >
          <Input
            id="oma-poll-interval"
            type="number"
            width={12}
            min={MIN_POLL_SECONDS}
            max={MAX_POLL_SECONDS}
            placeholder={String(DEFAULT_POLL_SECONDS)}
            value={jsonData.pollIntervalSeconds ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) => {
              const text = event.target.value.trim();
              const seconds = Number(text);
              onOptionsChange({
                ...options,
                jsonData: {
                  ...jsonData,
                  pollIntervalSeconds: text === '' || !Number.isFinite(seconds) ? undefined : seconds,
                },
              });
            }}
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
