import type { FieldErrors } from '../errors.js';

export interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

function fieldOf(issue: SchemaIssue, context: string): string {
  const name = (key: unknown): string => (typeof key === 'string' ? key : context);
  if (issue.keyword === 'required') return name(issue.params.missingProperty);
  if (issue.keyword === 'additionalProperties') return name(issue.params.additionalProperty);
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return path === '' ? context : path;
}

function messageOf(issue: SchemaIssue): string {
  const { params } = issue;
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'minLength':
      return `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
    case 'format':
      return 'has an invalid format';
    default:
      return 'is invalid';
  }
}

function combinedMessage(issues: SchemaIssue[]): string {
  const specific = issues.find((issue) => issue.keyword !== 'type' && issue.keyword !== 'anyOf');
  if (specific) return messageOf(specific);
  const types = issues
    .filter((issue) => issue.keyword === 'type')
    .flatMap((issue) => String(issue.params.type).split(','))
    .map((type) => TYPE_NAMES[type] ?? type);
  return types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : 'is invalid';
}

export function validationErrorsOf(issues: SchemaIssue[], context: string): FieldErrors {
  const byField = new Map<string, SchemaIssue[]>();
  for (const issue of issues) {
    const field = fieldOf(issue, context);
    byField.set(field, [...(byField.get(field) ?? []), issue]);
  }
  const errors: FieldErrors = {};
  for (const [field, fieldIssues] of byField) errors[field] = combinedMessage(fieldIssues);
  return errors;
}
