import { LoadingState, type DataFrame, type DataQueryResponse, type PanelData } from '@grafana/data';
import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';

import type { OmaQuery } from '../../../datasource/types';
import { omaDataSource } from '../../common/oma-datasource';
import { queriedFailoverType, withFailoverType } from '../model/failover-query';
import type { FailoverType } from '../types';

export interface FailoverFrames {
  frames: DataFrame[];
  loading: boolean;
  error?: string;
}

/**
 * The panel's frames for the failover type shown. When the panel's queries asked for that type,
 * they are the panel's data; otherwise the same queries run again through the data source with
 * the other failover type (over the same time range and variables), and again whenever the
 * panel's data changes (a dashboard refresh, a RefreshEvent after Apply).
 */
export function useFailoverFrames(data: PanelData, failoverType: FailoverType): FailoverFrames {
  const request = data.request;
  const queried = queriedFailoverType(request?.targets);
  const own = !request || queried === undefined || queried === failoverType;
  const [state, setState] = useState<FailoverFrames>({ frames: [], loading: true });

  useEffect(() => {
    if (own || !request) {
      return;
    }
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    omaDataSource(data)
      .then((ds) => {
        if (cancelled) {
          return;
        }
        const response = ds.query({
          ...request,
          requestId: `${request.requestId}-${failoverType}`,
          targets: withFailoverType(request.targets, failoverType) as OmaQuery[],
        }) as Observable<DataQueryResponse>;
        const sub = response.subscribe({
          next: (res) =>
            setState({
              frames: res.data as DataFrame[],
              loading: res.state === LoadingState.Loading,
              error: res.errors?.[0]?.message,
            }),
          error: (err: unknown) => setState({ frames: [], loading: false, error: String(err) }),
        });
        unsubscribe = () => sub.unsubscribe();
      })
      .catch((err: unknown) => {
        if (!cancelled) {
          const message = (err as { message?: unknown })?.message;
          setState({
            frames: [],
            loading: false,
            error: typeof message === 'string' ? message : String(err),
          });
        }
      });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
    // `data` changes on every run of the panel's queries: that is when the other type re-runs too.
  }, [own, data, request, failoverType]);

  if (own) {
    return {
      frames: data.series,
      loading: data.state === LoadingState.Loading,
      error: data.errors?.[0]?.message ?? data.error?.message,
    };
  }
  return state;
}
