// One bid's page: where it is and what it waits for, what you may do, what is missing or asked
// for, its answers, its score, the decisions on it, its place in a funding round, and its story.
import type { Child, FC } from 'hono/jsx';
import type { BidSubmission } from '../../domain/bid.js';
import type { ScoreResult } from '../../rules/engine.js';
import { toApiError } from '../../api/errors.js';
import { allowedBidActions, getBidStatusFromWorkflow, getVisibleBid, type BidView } from '../../services/bids.js';
import { scoreResult } from '../../services/scores.js';
import { bidTrail } from '../../services/trail.js';
import { canSee, seesEverything } from '../../services/visibility.js';
import { lettersOf, type LetterListing } from '../../services/letters.js';
import { DecisionLetters } from './letters.js';
import type { AssemblyDecision, BidAction, BidStatus } from '../../shared.js';
import { BID_ROUTE, render, signedIn, type WebApp } from '../app.js';
import { Form, InsetText, StateTag, SummaryList, WarningCallout } from '../components.js';
import { OUTCOME_LABELS, date, dateTime, money, plainDates } from '../format.js';
import { ScoreBreakdown } from '../score.js';
import { BidAnswers, type OrganisationNames } from './bids-answers.js';
import { PageHeading, SubmitOnce, listOrganisations, namesOf, sentenceCase } from './bids-shared.js';
import { Timeline, actorNames } from './bids-timeline.js';
import { Reconsideration } from './bids-reconsideration.js';
import { ConditionItems } from './bids-conditions.js';
import { dayInWords } from '../../model/bid.js';

export interface BidPageProps {
  bid: BidView;
  status: BidStatus;
  actions: BidAction[];
  csrf: string;
  score: { result: ScoreResult; scoredAt: string } | null;
  events: Parameters<typeof Timeline>[0]['events'];
  people: Record<string, string>;
  names: OrganisationNames;
  /** Finance and the admin may download the trail. */
  canExport: boolean;
}

/** The deadline that applies in the bid's state, if any. */
function deadlineRows(status: BidStatus): { key: string; value: string }[] {
  const rows: { key: string; value: string }[] = [];
  if (status.state === 'HUB_REVIEW' && status.review?.deadline) rows.push({ key: 'Review due', value: date(status.review.deadline.dueAt) });
  if (status.state === 'RETURNED' && status.lapseDeadline) rows.push({ key: 'Resubmit by', value: `${date(status.lapseDeadline.dueAt)}, or the bid lapses` });
  if (status.state === 'AWAITING_REVISION' && status.revisionDeadline) rows.push({ key: 'Answer the revision request by', value: date(status.revisionDeadline.dueAt) });
  return rows;
}

/** The conditions the decision in force set: the latest decision to support the bid, or the chair's action. */
export function conditionsInForce(status: BidStatus): { conditions: string[]; setBy: string; at: string } | null {
  if (status.conditions) return { conditions: status.conditions.items.map((c) => c.text), setBy: status.conditions.setBy, at: status.conditions.at };
  const supported = status.assembly.decisions.filter((d) => d.outcome === 'supported' || d.outcome === 'supported_with_conditions').at(-1);
  if (supported) return supported.conditions.length ? { conditions: supported.conditions, setBy: supported.meetingTitle, at: supported.decidedAt } : null;
  const chair = status.assembly.chairsAction;
  return chair?.conditions.length ? { conditions: chair.conditions, setBy: "The chair's action", at: chair.at } : null;
}

/** What happens next, in words: a closed bid says how it ended, not only that nothing waits. */
function nextStep(bid: BidView, status: BidStatus): string {
  const conditions = conditionsInForce(status);
  switch (bid.state) {
    case 'FUNDED':
      return conditions ? 'Funded. The programme team delivers it and meets the conditions of the decision (below).' : 'Funded. The programme team delivers it.';
    case 'WAITLISTED':
      return 'Waitlisted: supported, but below the funding line of its round. It is considered again when money is freed or a later round opens.';
    case 'CLOSED_NOT_SUPPORTED':
      return status.reconsideration?.window && !status.reconsideration.request ? 'Not supported. The programme team may ask for reconsideration (below).' : sentenceCase(plainDates(status.waitingFor));
    default:
      return sentenceCase(plainDates(status.waitingFor));
  }
}

/** The decision's conditions at the top of the page, where the programme team looks first. */
const ConditionsInForce: FC<{ status: BidStatus }> = ({ status }) => {
  const found = conditionsInForce(status);
  if (!found) return null;
  return (
    <WarningCallout heading="Conditions of the decision" level={2}>
      <p>
        {found.setBy} supported the bid on {date(found.at)} with these conditions:
      </p>
      {status.conditions ? <ConditionItems items={status.conditions.items} /> : conditionList(found.conditions)}
    </WarningCallout>
  );
};

/** The page's sections, so a long bid page can be read in the order a person needs. */
const Contents: FC<{ sections: { id: string; title: string }[] }> = ({ sections }) => (
  <nav class="nhsuk-contents-list" aria-label="On this page">
    <h2 class="nhsuk-u-visually-hidden">On this page</h2>
    <ol class="nhsuk-contents-list__list">
      {sections.map((x) => (
        <li class="nhsuk-contents-list__item">
          <a class="nhsuk-contents-list__link" href={`#${x.id}`}>
            {x.title}
          </a>
        </li>
      ))}
    </ol>
  </nav>
);

const Where: FC<{ bid: BidView; status: BidStatus; names: OrganisationNames }> = ({ bid, status, names }) => (
  <SummaryList
    rows={[
      { key: 'State', value: <StateTag state={bid.state} /> },
      { key: 'Next step', value: nextStep(bid, status) },
      ...deadlineRows(status),
      { key: 'Lead organisation', value: names[bid.leadOrganisation] ?? bid.leadOrganisation },
      { key: 'Total asked for', value: `${money(bid.totals.totalPence)} over the life of the bid` },
      { key: 'Submitted', value: date(bid.submittedAt) },
      { key: 'Last change', value: dateTime(bid.updatedAt) },
    ]}
  />
);

/**
 * Where each action the workflow allows is done, other than resubmitting (a button here). The
 * review, moderation, chair's action, Board and re-score pages belong to the hub's and finance's
 * areas; several review actions share one page.
 */
const ACTION_LINKS: Partial<Record<BidAction, { path: string; text: string }>> = {
  withdraw: { path: 'withdraw', text: 'Withdraw this bid' },
  declareInterest: { path: 'interest', text: 'Declare an interest in this bid' },
  takeReview: { path: 'review', text: 'Review this bid' },
  assignReview: { path: 'review', text: 'Review this bid' },
  recordReviewStep: { path: 'review', text: 'Review this bid' },
  recordRating: { path: 'review', text: 'Review this bid' },
  completeReview: { path: 'review', text: 'Review this bid' },
  requestRevisions: { path: 'review', text: 'Review this bid' },
  moderate: { path: 'moderate', text: "Moderate the evaluators' ratings" },
  chairsAction: { path: 'chairs-action', text: "Take chair's action" },
  recordBoardDecision: { path: 'board-decision', text: "Record the ICB Board's decision" },
  rescore: { path: 'rescore', text: 'Re-score this bid' },
  requestReconsideration: { path: 'reconsideration', text: "Ask for reconsideration of the Assembly's decision" },
  reviewReconsideration: { path: 'reconsideration-review', text: 'Review the request for reconsideration' },
  recordConditionMet: { path: 'conditions', text: 'Record a condition as met' },
  waiveCondition: { path: 'conditions/waiver', text: 'Waive a condition' },
};

/** The actions the bid's workflow says this person may take now, each as a button or link. */
const WhatYouCanDo: FC<{ reference: string; actions: BidAction[]; csrf: string }> = ({ reference, actions, csrf }) => {
  // One link per page, however many of its actions are allowed.
  const links = [...new Map(actions.flatMap((a) => ACTION_LINKS[a] ?? []).map((link) => [link.path, link])).values()];
  return (
    <>
      <h2>What you can do</h2>
      {actions.includes('resubmit') ? (
        <Form action={`/app/bids/${reference}/resubmit`} csrf={csrf}>
          <p>Change what is needed and send the bid again. The form starts with the bid as you last submitted it.</p>
          <SubmitOnce>Resubmit the bid</SubmitOnce>
        </Form>
      ) : null}
      {links.length ? (
        <ul class="nhsuk-list">
          {links.map((l) => (
            <li>
              <a href={`/app/bids/${reference}/${l.path}`}>{l.text}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {!links.length && !actions.includes('resubmit') ? <p>There is nothing for you to do on this bid at the moment.</p> : null}
    </>
  );
};

const Missing: FC<{ status: BidStatus }> = ({ status }) =>
  status.state === 'RETURNED' && status.missing.length ? (
    <WarningCallout heading="What is missing" level={2}>
      <p>Intake returned the bid because:</p>
      <ul>
        {status.missing.map((m) => (
          <li>{sentenceCase(m.message)}</li>
        ))}
      </ul>
      <p>Resubmit it with these{status.lapseDeadline ? ` by ${date(status.lapseDeadline.dueAt)}` : ''}, or it lapses.</p>
    </WarningCallout>
  ) : null;

const RevisionRequests: FC<{ status: BidStatus }> = ({ status }) => {
  const requests = status.review?.revisionRequests ?? [];
  return requests.length ? (
    <>
      <h2>Revision requests</h2>
      {requests.map((r) => (
        <InsetText>
          <p>{r.comments}</p>
          <p class="nhsuk-body-s">
            {r.by.name}, {dateTime(r.at)}
          </p>
        </InsetText>
      ))}
    </>
  ) : null;
};

const conditionList = (conditions: string[], dueBy?: (string | null)[]): Child =>
  conditions.length ? (
    <ul class="nhsuk-list nhsuk-list--bullet">
      {conditions.map((c, i) => (
        <li>{dueBy?.[i] ? `${c} (to be met by ${dayInWords(dueBy[i])})` : c}</li>
      ))}
    </ul>
  ) : (
    'None'
  );

const Decision: FC<{ decision: AssemblyDecision }> = ({ decision }) => (
  <>
    <h3>{decision.meetingTitle}</h3>
    <SummaryList
      rows={[
        { key: 'Decision', value: OUTCOME_LABELS[decision.outcome] ?? decision.outcome },
        { key: 'Conditions', value: conditionList(decision.conditions, decision.conditionsDueBy) },
        { key: 'Reason', value: decision.reason || 'None given' },
        { key: 'Votes', value: `${decision.votes.support} support, ${decision.votes.notSupport} do not support, ${decision.votes.abstain} abstain` },
        { key: 'Recorded by', value: `${decision.decidedBy.name}, ${dateTime(decision.decidedAt)}` },
      ]}
    />
  </>
);

const Decisions: FC<{ status: BidStatus }> = ({ status }) => {
  const { decisions, chairsAction } = status.assembly;
  const board = status.board;
  if (!decisions.length && !chairsAction && !board) return null;
  return (
    <>
      <h2 id="decisions">Decisions</h2>
      {chairsAction ? (
        <>
          <h3>Chair's action</h3>
          <SummaryList
            rows={[
              { key: 'Decision', value: OUTCOME_LABELS[chairsAction.outcome] ?? chairsAction.outcome },
              { key: 'Conditions', value: conditionList(chairsAction.conditions, chairsAction.conditionsDueBy) },
              { key: 'Reason', value: chairsAction.reason },
              { key: 'Taken by', value: `${chairsAction.by.name}, ${dateTime(chairsAction.at)}` },
            ]}
          />
        </>
      ) : null}
      {decisions.map((d) => (
        <Decision decision={d} />
      ))}
      {board ? (
        <>
          <h3>ICB Board</h3>
          <SummaryList
            rows={[
              { key: 'Decision', value: board.approved ? 'Approved' : 'Not approved' },
              { key: 'Minute', value: board.minuteReference },
              { key: 'Reason', value: board.reason || 'None given' },
              { key: 'Recorded by', value: `${board.by.name}, ${dateTime(board.at)}` },
            ]}
          />
        </>
      ) : null}
    </>
  );
};

/** Only the round's own year counts against its envelope: say so beside the whole-life total. */
function yearFigure(bid: BidView, financialYear: string): string {
  const year = bid.costs.find((c) => c.financialYear === financialYear);
  const pence = year ? year.recurrentPence + year.nonRecurrentPence : 0;
  return `${money(pence)}: the bid's cost in ${financialYear}, the round's year. The ${money(bid.totals.totalPence)} asked covers every year of the bid; each year's cost is allocated in that year's round.`;
}

const Allocation: FC<{ bid: BidView; status: BidStatus }> = ({ bid, status }) => {
  const allocation = status.allocation;
  const place = allocation?.confirmed ?? allocation?.provisional;
  if (!allocation || !place) return null;
  return (
    <>
      <h2 id="allocation">Allocation</h2>
      <SummaryList
        rows={[
          { key: 'Funding round', value: `${allocation.roundTitle} (${allocation.financialYear})` },
          { key: 'Outcome', value: `${place.outcome === 'funded' ? 'Funded' : 'Waitlisted'}${allocation.confirmed ? '' : ' (proposed, not yet confirmed by finance)'}` },
          { key: 'Counted against the round', value: yearFigure(bid, allocation.financialYear) },
          { key: 'Rank', value: String(place.rank) },
          { key: 'Why', value: place.reason },
          ...(allocation.confirmed ? [{ key: 'Confirmed by', value: `${allocation.confirmed.by.name}, ${dateTime(allocation.confirmed.at)}` }] : []),
        ]}
      />
    </>
  );
};

export const BidPage: FC<BidPageProps & { letters?: LetterListing[] }> = ({ bid, status, actions, csrf, score, events, people, names, canExport, letters = [] }) => {
  const hasDecisions = Boolean(status.assembly.decisions.length || status.assembly.chairsAction || status.board);
  const hasAllocation = Boolean(status.allocation?.confirmed ?? status.allocation?.provisional);
  const sections = [
    { id: 'next', title: 'What happens next' },
    ...(score ? [{ id: 'score', title: 'Score' }] : []),
    ...(hasDecisions ? [{ id: 'decisions', title: 'Decisions' }] : []),
    ...(hasAllocation ? [{ id: 'allocation', title: 'Allocation' }] : []),
    { id: 'bid', title: 'The bid' },
    { id: 'timeline', title: 'What has happened' },
  ];
  return (
    <>
      <PageHeading caption={`Bid ${bid.reference}`}>{bid.title}</PageHeading>
      <Contents sections={sections} />
      <h2 id="next">What happens next</h2>
      <Where bid={bid} status={status} names={names} />
      {inIntake(bid.state) ? <IntakeProgress reference={bid.reference} /> : null}
      <ConditionsInForce status={status} />
      <Missing status={status} />
      {status.withdrawn ? (
        <InsetText>
          <p>
            Withdrawn by {status.withdrawn.by.name} on {date(status.withdrawn.at)}: {status.withdrawn.reason}
          </p>
        </InsetText>
      ) : null}
      <WhatYouCanDo reference={bid.reference} actions={actions} csrf={csrf} />
      <RevisionRequests status={status} />
      {score ? (
        <div id="score">
          <ScoreBreakdown result={score.result} scoredAt={score.scoredAt} />
        </div>
      ) : null}
      <Decisions status={status} />
      <Reconsideration status={status} />
      <Allocation bid={bid} status={status} />
      <DecisionLetters letters={letters} />
      <h2 id="bid">The bid</h2>
      <BidAnswers bid={bid.submission as BidSubmission} names={names} headingLevel={3} />
      <h2 id="timeline">What has happened</h2>
      <Timeline events={events} names={people} />
      {canExport ? (
        <p>
          <a href={`/app/trail/export.csv?reference=${encodeURIComponent(bid.reference)}`}>Download this bid's trail (CSV)</a>
        </p>
      ) : null}
    </>
  );
};

const inIntake = (state: string): boolean => state === 'SUBMITTED' || state === 'INTAKE';

const INTAKE_RUNNING = 'Intake is checking the bid now. This page shows where it went when the checks finish.';
const INTAKE_DONE = "Intake's checks have finished: this page is showing where the bid went.";

/**
 * While intake runs, the page asks every two seconds whether it has finished (static/app.js,
 * data-live-reload) and loads itself again when it has; without JavaScript the words say to reload.
 */
const IntakeProgress: FC<{ reference: string }> = ({ reference }) => (
  <>
    <div id="intake-progress" aria-live="polite" data-live={`/app/bids/${encodeURIComponent(reference)}/progress`} data-live-every="2" data-live-reload="">
      <p>{INTAKE_RUNNING}</p>
    </div>
    <noscript>
      <p>Reload this page in a moment to see it.</p>
    </noscript>
  </>
);

/** A bid whose intake is still running has no record yet; its workflow says where it is. */
const InIntake: FC<{ reference: string; title: string }> = ({ reference, title }) => (
  <>
    <PageHeading caption={`Bid ${reference}`}>{title}</PageHeading>
    <SummaryList rows={[{ key: 'State', value: <StateTag state="INTAKE" /> }]} />
    <IntakeProgress reference={reference} />
  </>
);

/** Where intake is, for the page's live region: running, or finished (and the page reloads). */
type Deps = Parameters<typeof getVisibleBid>[0];
type User = Parameters<typeof getVisibleBid>[1];

/**
 * The bid as its page shows it: from the read model, or, while intake has not yet written it
 * there, the running workflow's own status, if this person may see that bid. Otherwise the read
 * model's 404 (or whatever else it refused with) stands.
 */
async function visibleOrInIntake(deps: Deps, user: User, reference: string): Promise<{ bid: BidView; running?: never } | { bid?: never; running: BidStatus }> {
  try {
    return { bid: await getVisibleBid(deps, user, reference) };
  } catch (error) {
    const running = toApiError(error).status === 404 ? await getBidStatusFromWorkflow(deps, reference) : null;
    if (!running || !canSee(user, { ...running, status: running })) throw error;
    return { running };
  }
}

export function registerBidPage(web: WebApp): void {
  web.get(`${BID_ROUTE}/progress`, async (c) => {
    const user = c.get('user');
    // A fragment has no page to send a signed-out person to; the region keeps what it showed.
    if (!user) return c.body(null, 401);
    const { bid, running } = await visibleOrInIntake(c.get('deps'), user, c.req.param('reference'));
    c.header('Cache-Control', 'no-store');
    return c.html(<p>{inIntake((bid ?? running).state) ? INTAKE_RUNNING : INTAKE_DONE}</p>);
  });

  web.get(`${BID_ROUTE}`, async (c) => {
    const user = signedIn(c);
    const deps = c.get('deps');
    const reference = c.req.param('reference');
    const { bid, running } = await visibleOrInIntake(deps, user, reference);
    if (running) return render(c, { title: `${running.title} (${reference})`, current: '/app/bids' }, <InIntake reference={reference} title={running.title} />);
    const status = bid.status as unknown as BidStatus;
    const [actions, events, score, organisations, letters] = await Promise.all([
      allowedBidActions(deps, user, reference),
      bidTrail(deps.db, reference),
      status.score ? scoreResult(deps.db, status.score.eventId) : Promise.resolve(null),
      listOrganisations(deps.db),
      lettersOf(deps.db, reference),
    ]);
    return render(
      c,
      { title: `${bid.title} (${reference})`, current: '/app/bids' },
      <BidPage
        bid={bid}
        status={status}
        actions={actions}
        csrf={c.get('csrf')}
        score={score}
        events={events}
        people={await actorNames(deps.db, events)}
        names={namesOf(organisations)}
        canExport={seesEverything(user)}
        letters={letters}
      />,
    );
  });
}
