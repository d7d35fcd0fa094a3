// Error classes that decide exit codes and how a message is shown. Anything thrown that is not
// one of these is a bug in tsflow and is shown with its stack.

/** Bad input from the user (file, parameter, pathspec, lint error...): exit code 2, no stack. */
export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode = 2;
}

/** A stored value cannot be trusted: its bytes do not match their hash. */
export class CorruptDataError extends Error {
  override name = 'CorruptDataError';
}

/**
 * The datastore could not be reached or refused a request (an S3 endpoint down, access denied...).
 * The message names the operation, the object and the endpoint, never a credential: exit code 1.
 */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** An artifact value that cannot be serialized; names the artifact and the step. */
export class ArtifactSerializationError extends Error {
  override name = 'ArtifactSerializationError';
}

/** Something the user asked for does not exist (run, step, task, artifact): exit code 2. */
export class NotFoundError extends UserError {
  override name = 'NotFoundError';
}
