/**
 * A zod error as `ValidationIssue`s (field, rule, sentence), the way every boundary reports bad
 * input: HTTP 400 bodies, the core's `invalid_arguments` errors. An unknown key becomes one issue
 * per key, so a screen can point at it.
 */
import type { z } from 'zod';
import type { ValidationIssue } from './issue.ts';

export function issuesFromZod(error: z.ZodError, prefix?: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: [...path, key].join('.'), rule: 'unknown_key', message: `unknown field "${key}"` });
      }
      continue;
    }
    let rule: string = issue.code;
    if (issue.code === 'invalid_format') rule = issue.format;
    else if (issue.code === 'invalid_type' && issue.input === undefined) rule = 'required';
    const field = path.join('.') || '(body)';
    out.push({ field, rule, message: rule === 'required' ? `${field} is required` : issue.message });
  }
  return out;
}
