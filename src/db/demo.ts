// The demo people of every role in domain.md: programme teams of three organisations, an
// evaluation hub, a CCP Assembly of ten across professions, finance and an admin. Seeded on an
// embedded start so a newcomer can use every part of the product; the tests use them too.
import { sql } from 'drizzle-orm';
import type { Profession, Role } from '../domain/vocabulary.js';
import type { Db } from './client.js';
import { users } from './schema.js';

export interface DemoUser {
  id: string;
  name: string;
  organisation: string;
  roles: Role[];
  profession: Profession | null;
  /** What the person is in the demo, for the README and the sign-in page. */
  description: string;
}

export const DEMO_USERS: DemoUser[] = [
  { id: 'amira.hassan', name: 'Amira Hassan', organisation: 'NNUH', roles: ['applicant'], profession: null, description: 'Programme team, Norfolk and Norwich University Hospitals' },
  { id: 'tom.fletcher', name: 'Tom Fletcher', organisation: 'QEH', roles: ['applicant'], profession: null, description: "Programme team, Queen Elizabeth Hospital King's Lynn" },
  { id: 'grace.okafor', name: 'Grace Okafor', organisation: 'NSFT', roles: ['applicant'], profession: null, description: 'Programme team, Norfolk and Suffolk NHS Foundation Trust' },

  { id: 'rachel.green', name: 'Rachel Green', organisation: 'NWICB', roles: ['hub_lead', 'evaluator'], profession: null, description: 'Evaluation hub lead, ICB' },
  { id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB', roles: ['evaluator'], profession: null, description: 'Evaluator, ICB evaluation hub' },
  { id: 'daniel.price', name: 'Daniel Price', organisation: 'NWICB', roles: ['evaluator'], profession: null, description: 'Evaluator, ICB evaluation hub' },
  { id: 'helen.wright', name: 'Helen Wright', organisation: 'NCHC', roles: ['evaluator'], profession: null, description: 'Evaluator seconded from Norfolk Community Health and Care' },
  { id: 'joseph.mensah', name: 'Joseph Mensah', organisation: 'NNUH', roles: ['evaluator'], profession: null, description: 'Evaluator seconded from NNUH (conflicted on NNUH bids)' },

  { id: 'sarah.collins', name: 'Dr Sarah Collins', organisation: 'NWICB', roles: ['assembly_chair', 'assembly_member'], profession: 'medical', description: 'Chair of the CCP Assembly, GP' },
  { id: 'mark.osei', name: 'Mark Osei', organisation: 'NCHC', roles: ['assembly_chair', 'assembly_member'], profession: 'nursing', description: 'Vice-chair of the CCP Assembly, community nurse' },
  { id: 'james.lee', name: 'Dr James Lee', organisation: 'NNUH', roles: ['assembly_member'], profession: 'medical', description: 'Assembly member, consultant (NNUH)' },
  { id: 'fiona.walsh', name: 'Fiona Walsh', organisation: 'QEH', roles: ['assembly_member'], profession: 'nursing', description: 'Assembly member, midwife (QEH)' },
  { id: 'aisha.begum', name: 'Aisha Begum', organisation: 'NSFT', roles: ['assembly_member'], profession: 'ahp', description: 'Assembly member, occupational therapist (NSFT)' },
  { id: 'peter.novak', name: 'Peter Novak', organisation: 'LMC', roles: ['assembly_member'], profession: 'pharmacy', description: 'Assembly member, community pharmacist' },
  { id: 'laura.king', name: 'Laura King', organisation: 'NCC', roles: ['assembly_member'], profession: 'social_care', description: 'Assembly member, social worker (Norfolk County Council)' },
  { id: 'ben.carter', name: 'Ben Carter', organisation: 'NCC', roles: ['assembly_member'], profession: 'public_health', description: 'Assembly member, public health consultant' },
  { id: 'susan.reid', name: 'Susan Reid', organisation: 'ECCH', roles: ['assembly_member'], profession: 'ahp', description: 'Assembly member, physiotherapist (ECCH)' },
  { id: 'omar.farouk', name: 'Omar Farouk', organisation: 'VCSE', roles: ['assembly_member'], profession: 'other', description: 'Assembly member, VCSE sector' },

  { id: 'claire.dawson', name: 'Claire Dawson', organisation: 'NWICB', roles: ['finance'], profession: null, description: 'ICB finance' },
  { id: 'owen.hughes', name: 'Owen Hughes', organisation: 'NWICB', roles: ['finance'], profession: null, description: 'ICB finance (confirms allocations Claire ran, under ALLOCATION_SECOND_CONFIRMER)' },
  { id: 'ian.thompson', name: 'Ian Thompson', organisation: 'NWICB', roles: ['admin'], profession: null, description: 'ICB programme management office (admin)' },
];

export const demoEmail = (id: string) => `${id}@nw-icb.example`;

/** Inserts the demo users that are not there yet; says how many were new. */
export async function seedDemoUsers(db: Db): Promise<number> {
  const inserted = await db
    .insert(users)
    .values(DEMO_USERS.map(({ description: _d, ...u }) => ({ ...u, email: demoEmail(u.id) })))
    .onConflictDoNothing()
    .returning({ id: users.id });
  return inserted.length;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(users);
  return row?.n ?? 0;
}
