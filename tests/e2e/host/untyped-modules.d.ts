// Modules the host imports that come without type declarations: react-router-dom v5 and history
// v4 (what Grafana renders its pages with) and the @grafana/runtime modules that hold
// setPluginPage, setPanelRenderer and setPanelDataErrorView (aliased in host/webpack.config.js;
// Grafana imports them from its own sources).
declare module 'react-router-dom' {
  import type { ComponentType, ReactNode } from 'react';
  export const Router: ComponentType<{ history: unknown; children?: ReactNode }>;
}

declare module 'history' {
  export function createMemoryHistory(options?: { initialEntries?: string[] }): unknown;
}

declare module 'grafana-runtime-plugin-page' {
  import type { PluginPageType } from '@grafana/runtime';
  export function setPluginPage(component: PluginPageType): void;
}

declare module 'grafana-runtime-panel-renderer' {
  import type { PanelRendererProps } from '@grafana/runtime';
  import type { ComponentType } from 'react';
  export function setPanelRenderer(renderer: ComponentType<PanelRendererProps>): void;
}

declare module 'grafana-runtime-panel-data-error-view' {
  import type { PanelDataErrorViewProps } from '@grafana/runtime';
  import type { ComponentType } from 'react';
  export function setPanelDataErrorView(view: ComponentType<PanelDataErrorViewProps>): void;
}
