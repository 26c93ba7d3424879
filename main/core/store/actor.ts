/** The logged-in user as the store sees them: who writes a unit of work, who a read is made for. */
export interface Actor {
  id: string;
  role: string;
}
