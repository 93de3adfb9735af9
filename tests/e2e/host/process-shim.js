// Some browser builds of Grafana's dependencies still read `process.env`.
module.exports = { env: { NODE_ENV: 'production' }, browser: true };
