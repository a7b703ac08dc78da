import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import schemaJson from '../../../schemas/train.schema.json';
import type { SchemaNode } from './describe';

/** `schemas/train.schema.json`, the source of truth of the config format. */
export const trainSchema: SchemaNode = schemaJson as SchemaNode;

/** The model families the schema knows, in its order. */
export const MODEL_TYPES: readonly string[] = (schemaJson.definitions.model.properties.type.enum as string[]).slice();

/** Keywords the schema carries for VS Code and the YAML extension, not for validation. */
const EDITOR_KEYWORDS = [
  'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'errorMessage',
  'defaultSnippets', 'deprecationMessage', 'doNotSuggest', 'patternErrorMessage',
];

let ajv: Ajv | undefined;
let validator: ValidateFunction | undefined;
const subValidators = new WeakMap<object, ValidateFunction>();

/** The Ajv instance every RunLens schema compiles in (the same options and editor keywords). */
export function schemaAjv(): Ajv {
  return instance();
}

function instance(): Ajv {
  // allErrors: report every problem at once, as an editor does. verbose: keep
  // each error's schema and data, which the messages are built from.
  // strictNumbers: YAML's .nan and .inf are not numbers a setting can take.
  // strictTypes/strictRequired off: if/then branches deliberately name
  // properties without repeating `type: object`.
  ajv ??= new Ajv({
    allErrors: true, verbose: true, strict: true, strictNumbers: true, strictTypes: false, strictRequired: false,
  }).addVocabulary(EDITOR_KEYWORDS);
  return ajv;
}

/** The compiled validator of the whole config (compiled once, on first use). */
export function trainValidator(): ValidateFunction {
  validator ??= instance().compile(trainSchema);
  return validator;
}

/**
 * Whether `value` satisfies a fragment of the train schema (used to evaluate
 * `if` branches when walking the schema). Fragments must not hold `$ref`.
 */
export function matchesFragment(fragment: SchemaNode, value: unknown): boolean {
  let validate = subValidators.get(fragment);
  if (!validate) {
    validate = instance().compile(fragment);
    subValidators.set(fragment, validate);
  }
  return validate(value) as boolean;
}

/** Follows a local `#/definitions/...` reference. */
export function deref(node: SchemaNode): SchemaNode {
  let s = node;
  for (let hops = 0; s.$ref !== undefined && hops < 10; hops++) {
    const path = s.$ref.replace(/^#\//, '').split('/');
    let target: unknown = trainSchema;
    for (const seg of path) target = (target as Record<string, unknown>)[seg];
    if (!target) throw new Error(`train schema: unresolved $ref ${s.$ref}`);
    s = target as SchemaNode;
  }
  return s;
}
