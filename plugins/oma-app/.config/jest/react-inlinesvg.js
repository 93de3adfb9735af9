'use strict';
// @grafana/ui's icons load their SVG asynchronously (react-inlinesvg); in jsdom that only causes
// act() warnings. Grafana's own tests replace it the same way: an empty <svg> with the same props.
const React = require('react');

/** Props of react-inlinesvg that are not SVG attributes. */
const NON_DOM_PROPS = ['src', 'innerRef', 'cacheRequests', 'preProcessor', 'loader', 'onLoad', 'onError'];

function InlineSVG(props) {
  const rest = { ...props };
  for (const key of NON_DOM_PROPS) delete rest[key];
  return React.createElement('svg', { ...rest, ref: props.innerRef, 'data-src': props.src });
}

module.exports = InlineSVG;
module.exports.default = InlineSVG;
module.exports.__esModule = true;
