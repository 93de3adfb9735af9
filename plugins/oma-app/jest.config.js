module.exports = require('./.config/jest.config')(__dirname);
