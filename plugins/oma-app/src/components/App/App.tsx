import type { AppRootProps } from '@grafana/data';
import { Route, Routes } from 'react-router-dom';

import { ROUTES } from '../../constants';
import { NetworkMapping } from '../../pages/NetworkMapping/NetworkMapping';
import { Overview } from '../../pages/Overview/Overview';
import type { AppSettings } from '../../types';

/** The app's pages, below /a/oma-migration-app/. Later capabilities add theirs here. */
export function App(props: AppRootProps<AppSettings>) {
  const datasourceUid = props.meta.jsonData?.datasourceUid;
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview datasourceUid={datasourceUid} />} />
      <Route path={ROUTES.NetworkMapping} element={<NetworkMapping datasourceUid={datasourceUid} />} />
      <Route path="*" element={<Overview datasourceUid={datasourceUid} />} />
    </Routes>
  );
}
