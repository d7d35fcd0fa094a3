// The runtime's version, recorded in every run's system tags. Kept in step with package.json by a unit test.
export const VERSION = '0.1.0';
