'use strict';
/* global window, HTMLCanvasElement -- runs in jest's jsdom environment */
// Runs before each plugin test file (jsdom): jest-dom matchers and the browser APIs that
// @grafana/ui touches but jsdom lacks.
require('@testing-library/jest-dom');
const { TextDecoder, TextEncoder } = require('node:util');
const v8 = require('node:v8');

Object.assign(global, { TextDecoder, TextEncoder });

// Browsers have it (dagre's layout uses it); jsdom does not. The same algorithm as Node's.
if (!global.structuredClone) {
  global.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

if (!window.ResizeObserver) {
  window.ResizeObserver = class ResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

if (!window.IntersectionObserver) {
  window.IntersectionObserver = class IntersectionObserver {
    constructor() {
      this.root = null;
      this.rootMargin = '';
      this.thresholds = [];
    }
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
}

HTMLCanvasElement.prototype.getContext = () => null;
