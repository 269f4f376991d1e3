export { type ApertureDBSchema, ApertureDBUtils, type QueryRunner, type SchemaClass } from './utils.js';
