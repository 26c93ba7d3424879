/**
 * Closed lists of values that the contract (main/common, which runs in the renderer) and the wire
 * contract need as well as the tables: kept here, free of drizzle, and imported by the table files.
 */
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', 'unknown'] as const;
export const WORKSTATION_KINDS = ['ward', 'pharmacy', 'reception', 'lab', 'admin'] as const;
export type WorkstationKind = (typeof WORKSTATION_KINDS)[number];
