import { abort } from './abort.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import type { Properties } from './values.js';
import { isPropertyValue } from './values.js';

/** Small readers for command parameters; a wrong type aborts the transaction with a clear message. */
export function optionalString(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') abort(`"${key}" must be a string`);
  return value;
}

export function requiredString(params: JsonObject, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined || value === '') abort(`"${key}" is required`);
  return value;
}

export function optionalBoolean(params: JsonObject, key: string): boolean {
  const value = params[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') abort(`"${key}" must be a boolean`);
  return value;
}

export function optionalCount(value: JsonValue | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    abort(`"${name}" must be a non-negative integer`);
  }
  return value;
}

export function optionalObject(params: JsonObject, key: string): JsonObject | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) abort(`"${key}" must be an object`);
  return value;
}

export function readProperties(params: JsonObject, key = 'properties'): Properties {
  const value = optionalObject(params, key) ?? {};
  for (const [name, property] of Object.entries(value)) {
    if (!isPropertyValue(property)) abort(`property "${name}" has an unsupported value`);
    if (name.startsWith('_')) abort(`property "${name}": names starting with "_" are reserved`);
  }
  return value as Properties;
}

export function readStringList(params: JsonObject, key: string): string[] {
  const value = params[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    abort(`"${key}" must be a list of strings`);
  }
  return value as string[];
}
