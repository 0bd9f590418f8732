import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

type Json = any;

export interface ExampleProblem {
  where: string;
  errors: string;
}

/** Validates an OpenAPI document with the official schema of its version (in a Node process of its own). */
export function validateOpenApi(doc: Json): { valid: boolean; version: string; errors: unknown } {
  const out = spawnSync(process.execPath, [path.join(__dirname, 'validate-openapi.mjs')], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`validator failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/**
 * OpenAPI 3.0 schema -> JSON Schema for Ajv: `nullable: true` admits null, component refs point into the
 * document registered under the id `oas`.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace(/^#\//, 'oas#/');
    else if (k === 'nullable' || k === 'example' || k === 'discriminator') continue;
    else out[k] = toJsonSchema(v);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string' && !out.allOf && !out.oneOf && !out.anyOf) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/**
 * Checks every example the document shows against its schema: parameter, request body and response examples
 * (media `example` and each of `examples`), and the `example` of every property of the component schemas.
 */
export function checkExamples(doc: Json): { checked: number; problems: ExampleProblem[] } {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'oas', components: toJsonSchema(doc.components ?? {}) });
  const problems: ExampleProblem[] = [];
  let checked = 0;
  const check = (where: string, schema: Json, value: unknown) => {
    if (!schema || value === undefined) return;
    checked++;
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(toJsonSchema(schema));
    } catch (err) {
      problems.push({ where, errors: `schema does not compile: ${(err as Error).message}` });
      return;
    }
    if (!validate(value)) problems.push({ where, errors: ajv.errorsText(validate.errors) });
  };
  const checkMedia = (where: string, content: Json) => {
    for (const [type, media] of Object.entries<Json>(content ?? {})) {
      check(`${where} ${type} example`, media.schema, media.example);
      for (const [name, ex] of Object.entries<Json>(media.examples ?? {})) {
        check(`${where} ${type} examples.${name}`, media.schema, ex.value);
      }
    }
  };
  for (const [p, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const at = `${method.toUpperCase()} ${p}`;
      for (const param of op.parameters ?? [])
        check(`${at} parameter ${param.name}`, param.schema, param.example);
      if (op.requestBody) checkMedia(`${at} request`, op.requestBody.content);
      for (const [code, res] of Object.entries<Json>(op.responses ?? {}))
        checkMedia(`${at} ${code}`, res.content);
    }
  }
  const walk = (where: string, schema: Json) => {
    if (!schema || typeof schema !== 'object') return;
    for (const [name, prop] of Object.entries<Json>(schema.properties ?? {})) {
      if (prop.example !== undefined) check(`${where}.${name}`, prop, prop.example);
      walk(`${where}.${name}`, prop);
    }
    if (schema.items) walk(`${where}[]`, schema.items);
  };
  for (const [name, schema] of Object.entries<Json>(doc.components?.schemas ?? {})) {
    if (schema.example !== undefined) check(`schema ${name}`, schema, schema.example);
    walk(`schema ${name}`, schema);
  }
  return { checked, problems };
}

/** Every response with a 4xx or 5xx status, as `METHOD path status`. */
export function errorResponses(doc: Json): { at: string; code: string; response: Json }[] {
  const list: { at: string; code: string; response: Json }[] = [];
  for (const [p, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      for (const [code, response] of Object.entries<Json>(op.responses ?? {})) {
        if (/^[45]\d\d$/.test(code)) list.push({ at: `${method.toUpperCase()} ${p}`, code, response });
      }
    }
  }
  return list;
}
