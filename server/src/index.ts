// The language server as a library: start it on any connection (tests use in-memory streams),
// and the custom protocol the client shares.

export * from './protocol.js';
export { type RunningServer, SERVER_VERSION, type ServerOptions, startServer } from './server.js';
