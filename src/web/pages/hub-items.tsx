// One agenda item at an Assembly meeting: the bid and its score, interests, attendance and
// quorum shown live, members' declarations and votes, and the chair's decision.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { ApiError } from '../../api/errors.js';
import { getVisibleBid, type BidView } from '../../services/bids.js';
import { runMeetingAction } from '../../services/meetings.js';
import { scoreResult } from '../../services/scores.js';
import { castVoteUpdate, declareMeetingInterestUpdate, recordDecisionUpdate, type AgendaItem, type AssemblyDecision, type BidStatus, type ChairsAction, type MeetingStatus } from '../../shared.js';
import { one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, Radios, SummaryList, Table, Tag, TextArea } from '../components.js';
import { OUTCOME_LABELS, dateTime, money } from '../format.js';
import { ScoreBreakdown } from '../score.js';
import { dayInWords } from '../../model/bid.js';
import { PURPOSE_LABELS } from './hub-meetings.js';
import {
  CONDITIONS_HINT,
  conditionLines,
  Heading,
  bidHref,
  errorOf,
  given,
  hasRole,
  itemHref,
  lines,
  meetingHref,
  organisationNames,
  orgName,
  professionLabel,
  recordedMeeting,
  shown,
  submitForm,
  type Failed,
  type OrganisationNames,
} from './hub-shared.js';

type Item = MeetingStatus['items'][number];

/** Where a supported bid goes next, by the scheme of delegation. */
const ROUTE_AFTER_SUPPORT: Record<string, string> = {
  assembly: "Within the Assembly's delegation: to allocation",
  finance_confirmation: 'To allocation, with finance confirmation',
  board: 'To the ICB Board, above the delegation limit',
};

const VOTE_LABELS = { support: 'Support', not_support: 'Do not support', abstain: 'Abstain' } as const;

const DECISION_OUTCOMES = {
  decision: ['supported', 'supported_with_conditions', 'deferred', 'not_supported'],
  ratification: ['ratified', 'not_ratified', 'deferred'],
} as const;

const NEEDS_REASON = ['deferred', 'not_supported', 'not_ratified'];

const decisionSchema = (purpose: AgendaItem['purpose']) =>
  z
    .object({
      outcome: z.enum(DECISION_OUTCOMES[purpose], { error: "Select the Assembly's decision" }),
      conditions: z.string().max(20_000, 'The conditions must be 20,000 characters or fewer'),
      reason: z.string().trim().max(5000, 'The reason must be 5,000 characters or fewer'),
    })
    .superRefine((v, ctx) => {
      if (v.outcome === 'supported_with_conditions' && !lines(v.conditions).length) ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'Enter the conditions, one on each line' });
      const problem = v.outcome === 'supported_with_conditions' ? conditionLines(v.conditions).problem : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['conditions'], message: problem });
      if (NEEDS_REASON.includes(v.outcome) && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter the reason for the record' });
    })
    .transform((v) => ({ outcome: v.outcome, ...(v.outcome === 'supported_with_conditions' ? conditionLines(v.conditions) : { conditions: [] }), reason: v.reason }));

const voteSchema = z.object({ vote: z.enum(['support', 'not_support', 'abstain'], { error: 'Select how you vote' }) });
const interestSchema = z.object({ nature: given('The description of your interest', 'Describe your interest in this bid', 1000) });

const VOTERS = ['assembly_member', 'assembly_chair'];

export function registerItemPages(web: WebApp): void {
  web.get('/app/meetings/:meetingId/items/:itemId', (c) => itemPage(c, c.req.param('meetingId'), c.req.param('itemId')));

  // The live part of the item page: refreshed every few seconds by static/app.js.
  web.get('/app/meetings/:meetingId/items/:itemId/quorum', async (c) => {
    const user = c.get('user');
    // A fragment has no page to send a signed-out person to; the region keeps what it showed.
    if (!user) return c.body(null, 401);
    const { meetingId, itemId } = c.req.param();
    const meeting = await recordedMeeting(c.get('deps'), user, meetingId);
    c.header('Cache-Control', 'no-store');
    return c.html(<QuorumPanel meeting={meeting} item={itemOf(meeting, itemId)} />);
  });

  web.post('/app/meetings/:meetingId/items/:itemId/interests', (c) => {
    const { meetingId, itemId } = c.req.param();
    return submitForm(c, {
      form: 'interest',
      read: (form) => ({ nature: one(form, 'nature') }),
      schema: interestSchema,
      invalid: (failed) => itemPage(c, meetingId, itemId, failed),
      then: itemHref(meetingId, itemId),
      success: { kind: 'success', title: 'Interest declared', text: 'You will neither vote on this item nor count towards its quorum.' },
      run: (data) => runMeetingAction(c.get('deps'), meetingId, declareMeetingInterestUpdate, { actor: signedIn(c), itemId, ...data }),
    });
  });

  web.post('/app/meetings/:meetingId/items/:itemId/votes', (c) => {
    const { meetingId, itemId } = c.req.param();
    return submitForm(c, {
      form: 'vote',
      read: (form) => ({ vote: one(form, 'vote') }),
      schema: voteSchema,
      invalid: (failed) => itemPage(c, meetingId, itemId, failed),
      then: itemHref(meetingId, itemId),
      success: { kind: 'success', title: 'Your vote is recorded' },
      run: (data) => runMeetingAction(c.get('deps'), meetingId, castVoteUpdate, { actor: signedIn(c), itemId, ...data }),
    });
  });

  web.post('/app/meetings/:meetingId/items/:itemId/decision', async (c) => {
    const { meetingId, itemId } = c.req.param();
    const item = itemOf(await recordedMeeting(c.get('deps'), signedIn(c), meetingId), itemId);
    return submitForm(c, {
      form: 'decision',
      read: (form) => ({ outcome: one(form, 'outcome'), conditions: one(form, 'conditions'), reason: one(form, 'reason') }),
      schema: decisionSchema(item.purpose),
      invalid: (failed) => itemPage(c, meetingId, itemId, failed),
      then: itemHref(meetingId, itemId),
      success: { kind: 'success', title: 'Decision recorded' },
      run: (data) => runMeetingAction(c.get('deps'), meetingId, recordDecisionUpdate, { actor: signedIn(c), itemId, ...data }),
    });
  });
}

function itemOf(meeting: MeetingStatus, itemId: string): Item {
  const item = meeting.items.find((i) => i.itemId === itemId);
  if (!item) throw new ApiError(404, 'not_found', `There is no item ${itemId} on the agenda of ${meeting.title}`);
  return item;
}

async function itemPage(c: WebContext, meetingId: string, itemId: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  const deps = c.get('deps');
  const meeting = await recordedMeeting(deps, user, meetingId);
  const item = itemOf(meeting, itemId);
  const bid = await getVisibleBid(deps, user, item.reference);
  const status = bid.status as unknown as BidStatus;
  const [score, names] = await Promise.all([status.score ? scoreResult(deps.db, status.score.eventId) : null, organisationNames(deps.db)]);
  // Forms are offered by role and the item's state, not the person's conflicts: a conflicted
  // member who tries is told why by the meeting's workflow, in its own words.
  const undecided = !item.decision && !item.withdrawn;
  const voter = hasRole(user, ...VOTERS);
  const declared = [...item.interests, ...item.meetingInterests].some((i) => i.person.id === user.id);
  const props = { meetingId, item, csrf: c.get('csrf'), failed };
  const live = meeting.state === 'AGENDA_CLOSED' || meeting.state === 'OPEN';
  return render(
    c,
    { title: `Item ${item.position}: ${item.reference}`, current: '/app/meetings', errors: failed?.list, beforeContent: <BackLink href={meetingHref(meetingId)} text={`Back to ${meeting.title}`} /> },
    <>
      <Heading caption={`${meeting.title}, item ${item.position}`} title={item.title} />
      {item.decision ? <Decision decision={item.decision} /> : null}
      <TheBid item={item} bid={bid} names={names} />
      {item.chairsAction ? <ChairsActionTaken action={item.chairsAction} /> : null}
      <section aria-labelledby="quorum-heading">
        <h2 id="quorum-heading">Attendance and quorum</h2>
        <div id="quorum" aria-live="polite" data-live={live ? `${itemHref(meetingId, itemId)}/quorum` : undefined} data-live-every={live ? '3' : undefined}>
          <QuorumPanel meeting={meeting} item={item} />
        </div>
      </section>
      <Interests meeting={meeting} item={item} names={names} />
      {voter && undecided && live && !declared ? <DeclareInterest {...props} /> : null}
      {voter && undecided && meeting.state === 'OPEN' ? <VoteForm {...props} current={item.votes[user.id]} /> : null}
      {hasRole(user, 'assembly_chair') && undecided && meeting.state === 'OPEN' ? <DecisionForm {...props} /> : null}
      {/* The score last: members read it before the meeting; at the meeting they act on the rest. */}
      {score ? <ScoreBreakdown result={score.result} scoredAt={score.scoredAt} /> : null}
    </>,
    failed ? 400 : 200,
  );
}

interface ItemFormProps {
  meetingId: string;
  item: Item;
  csrf: string;
  failed?: Failed;
}

const Decision: FC<{ decision: AssemblyDecision }> = ({ decision }) => (
  <section aria-labelledby="decision-heading">
    <h2 id="decision-heading">Decision: {OUTCOME_LABELS[decision.outcome] ?? decision.outcome}</h2>
    <SummaryList
      rows={[
        ...(decision.conditions.length
          ? [
              {
                key: 'Conditions',
                value: (
                  <ol class="nhsuk-list nhsuk-list--number">
                    {decision.conditions.map((condition, i) => {
                      const due = decision.conditionsDueBy?.[i];
                      return <li>{due ? `${condition} (to be met by ${dayInWords(due)})` : condition}</li>;
                    })}
                  </ol>
                ),
              },
            ]
          : []),
        ...(decision.reason ? [{ key: 'Reason', value: decision.reason }] : []),
        { key: 'Recorded by', value: `${decision.decidedBy.name}, ${dateTime(decision.decidedAt)}` },
        { key: 'Votes', value: tallyText(decision.votes) },
        { key: 'Quorum when decided', value: decision.quorum.quorate ? 'Quorate' : `Not quorate: ${decision.quorum.shortfalls.join('; ')}` },
      ]}
    />
  </section>
);

const TheBid: FC<{ item: Item; bid: BidView; names: OrganisationNames }> = ({ item, bid, names }) => (
  <>
    <h2>The bid</h2>
    <SummaryList
      rows={[
        { key: 'Reference', value: <a href={bidHref(item.reference)}>{item.reference}<span class="nhsuk-u-visually-hidden">: the full bid</span></a> },
        { key: 'On the agenda for', value: PURPOSE_LABELS[item.purpose] },
        { key: 'Lead organisation', value: orgName(names, item.leadOrganisation) },
        { key: 'Partner organisations', value: item.partnerOrganisations.length ? item.partnerOrganisations.map((o) => orgName(names, o)).join(', ') : 'None' },
        { key: 'Total cost', value: money(item.totalPence) },
        { key: 'If supported', value: item.delegation ? ROUTE_AFTER_SUPPORT[item.delegation] ?? item.delegation : 'Not scored' },
        { key: 'Deferrals so far', value: item.deferrals === 0 ? 'None' : `${item.deferrals} (at most 2)` },
        ...(item.mustFund ? [{ key: 'Must-fund', value: 'Yes: a statutory mandate; it is funded first' }] : []),
        { key: 'Summary', value: (bid.submission as { summary?: string } | null)?.summary ?? '' },
      ]}
    />
  </>
);

const ChairsActionTaken: FC<{ action: ChairsAction }> = ({ action }) => (
  <>
    <h2>Chair's action to ratify</h2>
    <SummaryList
      rows={[
        { key: 'Outcome', value: OUTCOME_LABELS[action.outcome] ?? action.outcome },
        ...(action.conditions.length ? [{ key: 'Conditions', value: action.conditions.join('; ') }] : []),
        { key: 'Reason', value: action.reason },
        { key: 'Taken by', value: `${action.by.name}, ${dateTime(action.at)}` },
      ]}
    />
  </>
);

const Interests: FC<{ meeting: MeetingStatus; item: Item; names: OrganisationNames }> = ({ meeting, item, names }) => {
  const declarations = [...item.interests, ...item.meetingInterests];
  // The workflow names who is conflicted and why; those who did not declare are conflicted by
  // organisation or by a standing interest in the register.
  const undeclared = (id: string) => item.conflicted.includes(id) && !declarations.some((d) => d.person.id === id);
  const role = (organisation: string) => (organisation === item.leadOrganisation ? 'the lead organisation' : 'a partner organisation');
  const ofBid = (organisation: string) => organisation === item.leadOrganisation || item.partnerOrganisations.includes(organisation);
  const registered = new Map((item.quorum.conflicted ?? []).map((c) => [c.id, c.reason]));
  const standing = meeting.members
    .filter((m) => undeclared(m.id))
    .map((m) => ({ id: m.id, text: ofBid(m.organisation) ? `${m.name}: ${orgName(names, m.organisation)}, ${role(m.organisation)}` : `${m.name}: ${registered.get(m.id) ?? 'conflicted'}` }));
  return (
    <>
      <h2>Interests</h2>
      <h3>Conflicts by organisation and the register of interests</h3>
      {standing.length ? (
        <ul>
          {standing.map((m) => (
            <li>{m.text}</li>
          ))}
        </ul>
      ) : (
        <p>{meeting.members.length ? 'No member belongs to the lead or a partner organisation or has a registered interest in one.' : 'Worked out when the agenda closes.'}</p>
      )}
      <h3>Declared interests</h3>
      {declarations.length ? (
        <Table
          caption="Interests declared in this bid"
          captionSize="s"
          head={['Who', 'Interest', 'Declared']}
          rows={declarations.map((d) => [d.person.name, d.nature, `${d.where === 'meeting' ? 'At the meeting' : 'On the bid'}, ${dateTime(d.at)}`])}
        />
      ) : (
        <p>No one has declared an interest.</p>
      )}
    </>
  );
};

const tallyText = (t: { support: number; notSupport: number; abstain: number }) => `${t.support} support, ${t.notSupport} do not support, ${t.abstain} abstain`;

/** Attendance and quorum as they stand: the item page's live region and its fragment. */
export const QuorumPanel: FC<{ meeting: MeetingStatus; item: Item }> = ({ meeting, item }) => {
  const q = item.quorum;
  const nameOf = (id: string) => meeting.members.find((m) => m.id === id)?.name ?? id;
  return (
    <>
      <p>
        <Tag colour={q.quorate ? 'green' : 'red'}>{q.quorate ? 'Quorate' : 'Not quorate'}</Tag>
      </p>
      {q.shortfalls.length ? (
        <>
          <p class="nhsuk-u-margin-bottom-2">It is not quorate because:</p>
          <ul>
            {q.shortfalls.map((s) => (
              <li>{s}</li>
            ))}
          </ul>
        </>
      ) : null}
      <SummaryList
        rows={[
          { key: 'Voting members present without a conflict', value: `${q.eligiblePresent} (${q.required} needed, of a membership of ${q.votingMembership})` },
          { key: 'Chair or vice-chair present', value: q.chairPresent ? 'Yes' : 'No' },
          { key: 'Professions present', value: q.professions.length ? q.professions.map(professionLabel).join(', ') : 'None' },
          { key: 'Present', value: meeting.present.length ? meeting.present.map(nameOf).join(', ') : 'No one recorded yet' },
          { key: 'Conflicted', value: item.conflicted.length ? item.conflicted.map(nameOf).join(', ') : 'No one' },
          { key: 'Votes', value: tallyText(item.tally) },
        ]}
      />
    </>
  );
};

const DeclareInterest: FC<ItemFormProps> = ({ meetingId, item, csrf, failed }) => (
  <>
    <h2>Declare an interest</h2>
    <Form action={`${itemHref(meetingId, item.itemId)}/interests`} csrf={csrf}>
      <TextArea
        name="nature"
        label="Describe your interest in this bid"
        hint="For example, a close relative works for a partner organisation. You will then neither vote on this item nor count towards its quorum."
        rows={3}
        value={shown(failed, 'interest', 'nature', null)}
        error={errorOf(failed, 'interest', 'nature')}
      />
      <Button variant="secondary">Declare an interest</Button>
    </Form>
  </>
);

const VoteForm: FC<ItemFormProps & { current?: keyof typeof VOTE_LABELS }> = ({ meetingId, item, csrf, failed, current }) => (
  <>
    <h2>Your vote</h2>
    {current ? <p>You voted: {VOTE_LABELS[current].toLowerCase()}. You can change your vote until the chair records the decision.</p> : null}
    <Form action={`${itemHref(meetingId, item.itemId)}/votes`} csrf={csrf}>
      <Radios
        name="vote"
        legend={`How do you vote on ${item.reference}?`}
        legendSize="s"
        inline
        options={(Object.keys(VOTE_LABELS) as (keyof typeof VOTE_LABELS)[]).map((v) => ({ value: v, label: VOTE_LABELS[v] }))}
        value={shown(failed, 'vote', 'vote', current)}
        error={errorOf(failed, 'vote', 'vote')}
      />
      <Button variant="secondary">Cast your vote</Button>
    </Form>
  </>
);

const DecisionForm: FC<ItemFormProps> = ({ meetingId, item, csrf, failed }) => (
  <>
    <h2>Record the decision</h2>
    <p>Anything but a deferral needs the item to be quorate. An item without a decision when the meeting closes is deferred.</p>
    <Form action={`${itemHref(meetingId, item.itemId)}/decision`} csrf={csrf}>
      <Radios
        name="outcome"
        legend="The Assembly's decision"
        legendSize="s"
        options={DECISION_OUTCOMES[item.purpose].map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
        value={shown(failed, 'decision', 'outcome', null)}
        error={errorOf(failed, 'decision', 'outcome')}
      />
      <TextArea
        name="conditions"
        label="Conditions"
        hint={CONDITIONS_HINT}
        rows={4}
        value={shown(failed, 'decision', 'conditions', null)}
        error={errorOf(failed, 'decision', 'conditions')}
      />
      <TextArea
        name="reason"
        label="Reason"
        hint="For the record. Needed when the item is deferred, not supported or not ratified."
        rows={3}
        value={shown(failed, 'decision', 'reason', null)}
        error={errorOf(failed, 'decision', 'reason')}
      />
      <Button>Record the decision</Button>
    </Form>
  </>
);

