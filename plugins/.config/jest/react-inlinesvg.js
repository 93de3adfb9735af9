'use strict';
// @grafana/ui's icons load their SVG asynchronously (react-inlinesvg); in jsdom that only causes
// act() warnings. Grafana's own tests replace it the same way: an empty <svg> with the same props.
const React = require('react');

function InlineSVG({ src, innerRef, cacheRequests, preProcessor, loader, onLoad, onError, ...rest }) {
  return React.createElement('svg', { ...rest, ref: innerRef, 'data-src': src });
}

module.exports = InlineSVG;
module.exports.default = InlineSVG;
module.exports.__esModule = true;
