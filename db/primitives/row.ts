/** A row in application form (what drizzle, the wire and the core's API see): column → value. */
export type Row = Record<string, unknown>;
