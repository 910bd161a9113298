// Reference data every installation needs: the organisations of Norfolk and Waveney. Inserted
// once; an admin's later changes are kept.
import type { Db } from './client.js';
import { organisations } from './schema.js';

export const ORGANISATIONS = [
  { code: 'NWICB', name: 'NHS Norfolk and Waveney Integrated Care Board', kind: 'commissioner' },
  { code: 'NNUH', name: 'Norfolk and Norwich University Hospitals NHS Foundation Trust', kind: 'acute' },
  { code: 'QEH', name: "The Queen Elizabeth Hospital King's Lynn NHS Foundation Trust", kind: 'acute' },
  { code: 'JPUH', name: 'James Paget University Hospitals NHS Foundation Trust', kind: 'acute' },
  { code: 'NSFT', name: 'Norfolk and Suffolk NHS Foundation Trust', kind: 'mental_health' },
  { code: 'NCHC', name: 'Norfolk Community Health and Care NHS Trust', kind: 'community' },
  { code: 'ECCH', name: 'East Coast Community Healthcare', kind: 'community' },
  { code: 'EEAST', name: 'East of England Ambulance Service NHS Trust', kind: 'ambulance' },
  { code: 'NCC', name: 'Norfolk County Council', kind: 'local_authority' },
  { code: 'SCC', name: 'Suffolk County Council', kind: 'local_authority' },
  { code: 'LMC', name: 'Norfolk and Waveney Local Medical Committee', kind: 'primary_care' },
  { code: 'NIC', name: 'Norfolk Independent Care', kind: 'social_care' },
  { code: 'VCSE', name: 'Norfolk and Waveney VCSE Assembly', kind: 'voluntary_sector' },
] as const;

export async function seedReferenceData(db: Db): Promise<void> {
  await db.insert(organisations).values([...ORGANISATIONS]).onConflictDoNothing();
}
