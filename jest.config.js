/** One jest run for the whole repository; each workspace is a project. */
module.exports = {
  projects: ['<rootDir>/datasource-server'],
};
