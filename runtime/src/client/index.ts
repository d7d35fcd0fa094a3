// `tsflow/client`: read what runs left behind (notebooks, `tsflow runs` / `dump`, the VS Code extension).
//
//   const run = await Flow.get(PetsFlow).then((f) => f.latestSuccessfulRun());
//   const task = await Task.get<PetsFlow>('PetsFlow/123/join/4');
//   const pets = await task.data.pets; // string[], only this artifact is read
//
// Everything is async (the same API reads S3 later) and reads through `FlowStore`; nothing here
// loads the flow API or the graph extractor.

export { DataArtifact } from './artifact.js';
export { ClientContext, type ClientOptions } from './context.js';
export { Flow, listFlows, type RunsFilter } from './flow.js';
export { type ClientObject, get } from './get.js';
export {
  type ArtifactJSON,
  type ArtifactToJSONOptions,
  artifactToJSON,
  CLIENT_JSON_SCHEMA,
  type FlowJSON,
  type JsonValue,
  type LogLineJSON,
  logLineToJSON,
  type RunJSON,
  type StepJSON,
  type TaskJSON,
} from './json.js';
export { PARAMETERS_STEP } from './lookup.js';
export { type Pathspec, type PathspecKind, parsePathspec } from './pathspec.js';
export { effectiveRunState, HEARTBEAT_TIMEOUT_MS, Run } from './run.js';
export { Step } from './step.js';
export { Task, type TaskOptions } from './task.js';
export type { ArtifactName, ArtifactValue, FlowClass, TaskData } from './types.js';
export type { ForeachFrame, LogLine, LogStream, RunState, SerializedError } from '../datastore/types.js';
