/** One problem with an input: the field at fault (`''` for the whole input), the rule, a sentence. */
export interface ValidationIssue {
  /** The column or argument at fault, or `''` for the input as a whole. */
  field: string;
  /** A stable machine name of the rule that failed (`required`, `positive`, `enum`, `uuid`, …). */
  rule: string;
  /** A sentence naming the field and the rule, fit for a 400 body, a screen or a quarantine reason. */
  message: string;
}

/** One line per issue, e.g. `quantity: quantity must be greater than 0 (positive)`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.field || '(row)'}: ${i.message} (${i.rule})`).join('; ');
}
