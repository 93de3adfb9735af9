/** The app's own settings (Grafana keeps them per org): nothing secret, tokens live in the data source. */
export interface AppSettings {
  /** The data source the app's pages read; the configuration page sets it. */
  datasourceUid?: string;
}
