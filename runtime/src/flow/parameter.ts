// `Parameter(...)`: a run-time input given on the command line (`--alpha 0.7`). A field
// initialised with `Parameter(...)` holds a marker until the runtime binds the field to the run's
// value as a read-only property, so assigning to a parameter in a step fails loudly.

import { UserError } from '../errors.js';
import { PARAMETER } from './symbols.js';

export type ParameterType = 'string' | 'number' | 'boolean' | 'json';

export interface ParameterOptions {
  default?: unknown;
  type?: ParameterType;
  /** A value must be given (ignored when there is a default). */
  required?: boolean;
  help?: string;
}

/** A parameter as the runtime knows it once the flow class is instantiated. */
export interface ParameterDef {
  /** The field (artifact) name. */
  field: string;
  /** The command-line name (`--name`). */
  name: string;
  type: ParameterType;
  default?: unknown;
  required: boolean;
  help?: string;
}

interface ParameterMarker {
  [PARAMETER]: true;
  name: string;
  options: ParameterOptions;
}

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

export function Parameter(
  name: string,
  options: { type: 'number'; default?: number; required?: boolean; help?: string },
): number;
export function Parameter(
  name: string,
  options: { type: 'string'; default?: string; required?: boolean; help?: string },
): string;
export function Parameter(
  name: string,
  options: { type: 'boolean'; default?: boolean; required?: boolean; help?: string },
): boolean;
export function Parameter<T>(
  name: string,
  options: { type: 'json'; default?: T; required?: boolean; help?: string },
): T;
export function Parameter<T extends string | number | boolean>(
  name: string,
  options: { default: T; required?: boolean; help?: string },
): Widen<T>;
export function Parameter(name: string, options?: { required?: boolean; help?: string }): string;
export function Parameter(name: string, options: ParameterOptions = {}): unknown {
  const marker: ParameterMarker = { [PARAMETER]: true, name, options };
  return marker;
}

function isMarker(v: unknown): v is ParameterMarker {
  return typeof v === 'object' && v !== null && (v as Partial<ParameterMarker>)[PARAMETER] === true;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function inferType(options: ParameterOptions, where: string): ParameterType {
  if (options.type) {
    if (!['string', 'number', 'boolean', 'json'].includes(options.type)) {
      throw new UserError(
        `${where}: type must be 'string', 'number', 'boolean' or 'json', not '${options.type}'`,
      );
    }
    return options.type;
  }
  const d = options.default;
  if (d === undefined || typeof d === 'string') return 'string';
  if (typeof d === 'number') return 'number';
  if (typeof d === 'boolean') return 'boolean';
  return 'json';
}

/**
 * Finds the parameters of a freshly constructed flow instance (fields still holding markers).
 * Throws UserError for a bad name or a duplicate (names are compared case-insensitively because
 * they become command-line options).
 */
export function collectParameters(instance: object): ParameterDef[] {
  const defs: ParameterDef[] = [];
  const seen = new Map<string, string>();
  for (const field of Object.keys(instance)) {
    const v = (instance as Record<string, unknown>)[field];
    if (!isMarker(v)) continue;
    const where = `Parameter '${v.name}' (field ${field})`;
    if (!NAME.test(v.name)) {
      throw new UserError(
        `${where}: a parameter name must start with a letter and use letters, digits, _ or -`,
      );
    }
    const key = v.name.toLowerCase();
    const other = seen.get(key);
    if (other) throw new UserError(`${where}: another parameter is already named '${other}'`);
    seen.set(key, v.name);
    const def: ParameterDef = {
      field,
      name: v.name,
      type: inferType(v.options, where),
      required: v.options.default === undefined && v.options.required === true,
    };
    if (v.options.default !== undefined) def.default = v.options.default;
    if (v.options.help !== undefined) def.help = v.options.help;
    defs.push(def);
  }
  return defs;
}

/** Makes a parameter field read-only with the run's value (read lazily through `load`). */
export function bindParameter(instance: object, def: ParameterDef, load: () => unknown): void {
  let cached: { v: unknown } | undefined;
  Object.defineProperty(instance, def.field, {
    configurable: true,
    enumerable: false,
    get() {
      cached ??= { v: load() };
      return cached.v;
    },
    set() {
      throw new TypeError(`Parameter '${def.name}' is read-only: its value comes from the command line`);
    },
  });
}

/** Parses a command-line string for a parameter; throws UserError naming the parameter. */
export function parseParameterValue(def: ParameterDef, raw: string): unknown {
  switch (def.type) {
    case 'string':
      return raw;
    case 'number': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) throw new UserError(`parameter --${def.name} must be a number, got '${raw}'`);
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw new UserError(`parameter --${def.name} must be true or false, got '${raw}'`);
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch (e) {
        throw new UserError(`parameter --${def.name} must be JSON: ${(e as Error).message}`);
      }
  }
}
