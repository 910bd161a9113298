// The register of interests and the quorum forecast without Temporal: a registered interest
// conflicts a person out of a bid's review, votes and quorum, in words that name it; the
// forecast per item from attendance replies; and the proposed order that groups conflicted items.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import { forecastAgenda, proposeOrder, runs, type AttendanceReply, type Outlook } from '../src/model/agenda-forecast.js';
import * as meeting from '../src/model/meeting.js';
import { currentOn, interestInWords, registeredConflict } from '../src/model/register.js';
import type { Member, RegisteredInterest } from '../src/shared.js';
import { actor, ASSEMBLY_MEMBERS as members, placement, QUORATE } from './helpers/lifecycle.js';

const policy = lifecyclePolicy(loadConfig({}));
const AT = '2026-12-02T10:00:00.000Z';

const director = (organisation: string, body = organisation): RegisteredInterest => ({ id: `int-${organisation.toLowerCase()}`, organisation, body, kind: 'directorship', description: 'Non-executive director', from: '2024-04-01', to: null });
const withInterest = (list: Member[], id: string, interest: RegisteredInterest): Member[] => list.map((m) => (m.id === id ? { ...m, interests: [interest] } : m));

function opened(list: Member[], present = QUORATE, placements = [placement('NW-2026-0001', { partnerOrganisations: ['QEH'] })]) {
  const m0 = meeting.newMeeting({ meetingId: 'm1', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
  const closed = meeting.agendaClosed(m0, list, placements).model;
  const open = meeting.opened(closed, actor('sarah.collins'), AT).model;
  return meeting.attendanceRecorded(open, actor('sarah.collins'), { present }).model;
}

describe('a registered interest', () => {
  it('is current from its first day to its last', () => {
    expect(currentOn({ from: '2024-04-01', to: null }, '2024-04-01')).toBe(true);
    expect(currentOn({ from: '2024-04-01', to: null }, '2024-03-31')).toBe(false);
    expect(currentOn({ from: '2024-04-01', to: '2025-03-31' }, '2025-03-31')).toBe(true);
    expect(currentOn({ from: '2024-04-01', to: '2025-03-31' }, '2025-04-01')).toBe(false);
  });

  it('conflicts the person out of a bid its organisation leads or partners, and says which interest and since when', () => {
    expect(registeredConflict([director('NNUH', 'Norfolk and Norwich University Hospitals')], 'NNUH', [])).toBe(
      "has a registered interest in Norfolk and Norwich University Hospitals, the bid's lead organisation (director, since 2024-04-01)",
    );
    expect(registeredConflict([director('QEH')], 'NNUH', ['QEH'])).toContain('a partner organisation of the bid');
    expect(registeredConflict([director('ECCH')], 'NNUH', ['QEH'])).toBeNull();
    expect(registeredConflict([{ ...director('X'), organisation: null, body: 'A private clinic' }], 'NNUH', [])).toBeNull();
    expect(registeredConflict(undefined, 'NNUH', [])).toBeNull();
    expect(interestInWords({ kind: 'employment', from: '2023-01-01', to: '2025-03-31' })).toBe('employment, 2023-01-01 to 2025-03-31');
  });

  it('lowers quorum: the member no longer counts, and the report says who was conflicted and why', () => {
    const plain = opened(members);
    const before = meeting.quorum(plain, plain.items['item-1']!);
    expect(before.eligiblePresent).toBe(7);
    expect(before.conflicted?.map((c) => c.id).sort()).toEqual(['fiona.walsh', 'james.lee']);

    const m = opened(withInterest(members, 'peter.novak', director('NNUH')));
    const q = meeting.quorum(m, m.items['item-1']!);
    expect(q.eligiblePresent).toBe(6);
    expect(q.conflicted).toContainEqual({ id: 'peter.novak', name: 'Peter Novak', reason: expect.stringContaining('has a registered interest in NNUH') });
    expect(q.conflicted).toContainEqual({ id: 'james.lee', name: 'Dr James Lee', reason: "belongs to NNUH, the bid's lead organisation" });
  });

  it('counts an interest registered since the agenda closed once attendance is recorded, and never takes back one the meeting holds', () => {
    const m0 = meeting.newMeeting({ meetingId: 'm1', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
    const closed = meeting.agendaClosed(m0, withInterest(members, 'laura.king', director('NNUH')), [placement('NW-2026-0001')]).model;
    const open = meeting.opened(closed, actor('sarah.collins'), AT).model;
    // Peter Novak's is new; Laura King's, held since the agenda closed, is absent (withdrawn on the day): it stays held.
    const register = { 'peter.novak': [director('NNUH')], 'laura.king': [] };
    const s = meeting.attendanceRecorded(open, actor('sarah.collins'), { present: QUORATE, registered: register });
    const q = meeting.quorum(s.model, s.model.items['item-1']!);
    expect(q.conflicted?.map((c) => c.id).sort()).toEqual(['james.lee', 'laura.king', 'peter.novak']);
    expect(q.eligiblePresent).toBe(5);
    expect(s.events[0]!.payload).toMatchObject({ registerChanged: ['peter.novak'] });
    expect(meeting.checkMeetingAction(s.model, 'castVote', actor('peter.novak'), { itemId: 'item-1', vote: 'support' })).toMatchObject({ rule: 'conflict_of_interest' });

    // The same register again changes nothing, and says nothing; a meeting without it is as it was.
    const again = meeting.attendanceRecorded(s.model, actor('sarah.collins'), { present: QUORATE, registered: register });
    expect(again.model.members).toEqual(s.model.members);
    expect(again.events[0]!.payload).not.toHaveProperty('registerChanged');
    const without = meeting.attendanceRecorded(open, actor('sarah.collins'), { present: QUORATE });
    expect(without.model.members).toBe(open.members);
    expect(without.events[0]!.payload).not.toHaveProperty('registerChanged');
  });

  it('stops the member voting, whether the agenda loaded it or the member carries it now', () => {
    const m = opened(withInterest(members, 'peter.novak', director('NNUH')));
    const refusal = meeting.checkMeetingAction(m, 'castVote', actor('peter.novak'), { itemId: 'item-1', vote: 'support' });
    expect(refusal).toMatchObject({ rule: 'conflict_of_interest' });
    expect(refusal?.message).toContain('Peter Novak may not vote on NW-2026-0001: has a registered interest in NNUH');

    const late = opened(members);
    expect(meeting.checkMeetingAction(late, 'castVote', actor('laura.king'), { itemId: 'item-1', vote: 'support' })).toBeNull();
    expect(meeting.checkMeetingAction(late, 'castVote', { ...actor('laura.king'), interests: [director('QEH')] }, { itemId: 'item-1', vote: 'support' })?.message).toContain('a partner organisation of the bid');
  });

  it('changes nothing for members and actors without the field, as in meetings from before the register', () => {
    const m = opened(members);
    expect(meeting.checkMeetingAction(m, 'castVote', actor('peter.novak'), { itemId: 'item-1', vote: 'support' })).toBeNull();
    expect(meeting.quorum(m, m.items['item-1']!)).toMatchObject({ quorate: true, required: 5, eligiblePresent: 7 });
  });

  it('names a declared interest and where it was declared', () => {
    const m = opened(members, QUORATE, [placement('NW-2026-0001', { interests: [{ person: { id: 'omar.farouk', name: 'Omar Farouk', organisation: 'VCSE' }, nature: 'Trustee of a partner charity', at: AT, where: 'bid' }] })]);
    expect(meeting.quorum(m, m.items['item-1']!).conflicted).toContainEqual({ id: 'omar.farouk', name: 'Omar Farouk', reason: 'has declared an interest in the bid on the bid: Trustee of a partner charity' });
  });
});

describe('the quorum forecast', () => {
  const rule = policy.quorum;
  const item = (reference: string, leadOrganisation = 'NWICB_OTHER', partnerOrganisations: string[] = []) => ({ reference, title: reference, leadOrganisation, partnerOrganisations, interests: [] });
  const all = (reply: AttendanceReply, ids: string[]) => Object.fromEntries(ids.map((id) => [id, reply]));

  it('is quorate when those attending make quorum, at risk when it needs the maybes or those not replied, not quorate otherwise', () => {
    const replies = { ...all('attending', ['sarah.collins', 'mark.osei', 'aisha.begum', 'peter.novak', 'laura.king']), ...all('maybe', ['omar.farouk']) };
    const f = forecastAgenda({ members, replies, rule, items: [item('A'), item('B', 'LMC'), item('C', 'NWICB', ['NCHC'])] });
    expect(f.items.map((i) => i.outlook)).toEqual<Outlook[]>(['quorate', 'at_risk', 'not_quorate']);
    expect(f.items[0]!.words).toBe('Quorate with those attending: 5 voting members without a conflict, 5 needed');
    expect(f.items[1]!.words).toBe('At risk: with those attending, 4 of the 5 voting members needed are present without a conflict; quorate only if members who said maybe or have not replied come');
    // C: the chair and the vice-chair are both conflicted (NWICB leads, NCHC partners).
    expect(f.items[2]!.words).toContain('Not quorate even if everyone who has not sent apologies comes: neither the chair nor the vice-chair is present without a conflict');
    expect(f.items[1]!.conflicted).toEqual([{ id: 'peter.novak', name: 'Peter Novak', reason: "belongs to LMC, the bid's lead organisation", reply: 'attending' }]);
    expect([...f.replies.noReply].sort()).toEqual(['ben.carter', 'fiona.walsh', 'james.lee', 'susan.reid']);
    expect(f).toMatchObject({ atRisk: 1, notQuorate: 1 });
  });

  it('moves with the replies: apologies make an item not quorate', () => {
    const items = [item('A')];
    const attending = all('attending', QUORATE.slice(0, 5));
    expect(forecastAgenda({ members, replies: attending, rule, items }).items[0]!.outlook).toBe('quorate');
    const sorry = { ...attending, ...all('apologies', ['sarah.collins', 'mark.osei']) };
    expect(forecastAgenda({ members, replies: sorry, rule, items }).items[0]!.outlook).toBe('not_quorate');
  });

  it("keeps each member's conflicted items together, so each leaves the room once, after the items nobody leaves for", () => {
    const replies = all('attending', members.map((m) => m.id));
    const items = [item('N1', 'NNUH'), item('F1'), item('E1', 'ECCH'), item('N2', 'NNUH'), item('F2'), item('E2', 'ECCH', ['NNUH'])];
    const f = forecastAgenda({ members, replies, rule, items });
    expect(f.proposedOrder.slice(0, 2)).toEqual(['F1', 'F2']);
    expect(f.reordered).toBe(true);
    const james = f.leaving.find((l) => l.id === 'james.lee')!;
    expect(james.references).toEqual(['N1', 'N2', 'E2']);
    expect(james.timesOutNow).toBe(3);
    expect(james.timesOutProposed).toBe(1);
    expect(f.leaving.every((l) => l.timesOutProposed === 1)).toBe(true);
  });

  it('never makes anyone leave more often in total than the agenda order does, and keeps every item', () => {
    // A seeded walk over small agendas with overlapping conflicts.
    let seed = 17;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const people = ['a', 'b', 'c', 'd'];
    for (let trial = 0; trial < 300; trial += 1) {
      const items: { id: number; outlook: Outlook; who: string[] }[] = Array.from({ length: 1 + Math.floor(next() * 8) }, (_, i) => ({ id: i, outlook: 'quorate', who: people.filter(() => next() < 0.3) }));
      const order = proposeOrder(items, (i) => i.who);
      expect([...order].map((i) => i.id).sort((x, y) => x - y)).toEqual(items.map((i) => i.id));
      const total = (list: typeof items) => people.reduce((s, p) => s + runs(list.map((i) => i.who.includes(p))), 0);
      expect(total(order)).toBeLessThanOrEqual(total(items));
      // Items nobody leaves for keep their order, first.
      const free = items.filter((i) => i.who.length === 0);
      expect(order.slice(0, free.length)).toEqual(free);
    }
  });

  it('puts items that cannot be quorate last: they will be deferred', () => {
    const order = proposeOrder<{ id: number; outlook: Outlook }>([{ id: 1, outlook: 'not_quorate' }, { id: 2, outlook: 'quorate' }], () => []);
    expect(order.map((i) => i.id)).toEqual([2, 1]);
  });
});
