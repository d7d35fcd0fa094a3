// Kept for importers of the client's bounded parallelism; it lives in util/ (the runtime uses it too).
export { LOAD_CONCURRENCY, mapLimit } from '../util/limit.js';
