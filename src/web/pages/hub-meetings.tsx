// CCP Assembly meetings: the list, scheduling one (the admin), and a meeting's page with its
// agenda, attendance and the chair's controls, each through the meeting's workflow.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { toApiError } from '../../api/errors.js';
import { londonDay } from '../../domain/calendar.js';
import { getMeeting, listMeetings, recordAttendance, runMeetingAction, scheduleMeeting } from '../../services/meetings.js';
import {
  cancelMeetingUpdate,
  closeAgendaUpdate,
  closeMeetingUpdate,
  openMeetingUpdate,
  type MeetingAction,
  type MeetingStatus,
} from '../../shared.js';
import { act, formErrors, formOf, many, needRole, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, ButtonLink, Checkboxes, DateInput, Form, SummaryList, Table, TextArea, TextInput } from '../components.js';
import { BAND_LABELS, OUTCOME_LABELS, dateTime } from '../format.js';
import { setFlash } from '../session.js';
import {
  DeadlineText,
  Heading,
  MeetingStateTag,
  awaitingChairsAction,
  chairsActionHref,
  errorOf,
  given,
  hasRole,
  itemHref,
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
import { Forecast, forecastParts, mayReply, registerForecastPages, YourReply } from './hub-forecast.js';

export const PURPOSE_LABELS = { decision: 'Decision', ratification: "Ratification of chair's action" } as const;

/** Band and benefit score as the agenda orders them. */
const bandAndScore = (band: string | null, score: number | null) => (band && score !== null ? `${BAND_LABELS[band] ?? band}, ${score.toFixed(2)}` : 'Not scored');

const LONDON_CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A London date and wall-clock time as an instant, in GMT or BST; null for a time the clocks skip. */
function londonInstant(day: string, time: string): Date | null {
  for (const offsetHours of [0, 1]) {
    const at = new Date(Date.parse(`${day}T${time}:00Z`) - offsetHours * 3_600_000);
    if (!Number.isNaN(at.getTime()) && londonDay(at) === day && LONDON_CLOCK.format(at) === time) return at;
  }
  return null;
}

const newMeetingSchema = z
  .object({ day: z.string(), month: z.string(), year: z.string(), time: z.string(), title: z.string().trim().max(200, 'The title must be 200 characters or fewer') })
  .transform((v, ctx) => {
    const problem = (path: 'when' | 'time', message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const parts = [v.year, v.month, v.day].map((p) => p.trim());
    const day = parts.every((p) => /^\d+$/.test(p)) ? `${parts[0]!.padStart(4, '0')}-${parts[1]!.padStart(2, '0')}-${parts[2]!.padStart(2, '0')}` : null;
    // Noon UTC of a day that does not exist (the 13th month, the 32nd) is an invalid date, not a throw.
    const noon = day ? new Date(`${day}T12:00:00Z`) : null;
    const realDay = day && noon && !Number.isNaN(noon.getTime()) && noon.toISOString().slice(0, 10) === day ? day : null;
    if (parts.some((p) => !p)) problem('when', 'Enter the date of the meeting');
    else if (!realDay) problem('when', 'The date of the meeting must be a real date, for example 8 12 2026');
    const clock = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(v.time.trim());
    const time = clock ? `${clock[1]!.padStart(2, '0')}:${clock[2]}` : null;
    if (!v.time.trim()) problem('time', 'Enter the time the meeting starts, for example 14:00');
    else if (!time) problem('time', 'Enter the time as hours and minutes on the 24-hour clock, for example 14:00');
    if (!realDay || !time) return z.NEVER;
    const at = londonInstant(realDay, time);
    if (!at) return (problem('time', 'That time does not exist on that day: the clocks go forward'), z.NEVER);
    if (at.getTime() <= Date.now()) return (problem('when', 'The meeting must be in the future'), z.NEVER);
    return { scheduledFor: at.toISOString(), title: v.title || undefined };
  });

const cancelSchema = z.object({ reason: given('The reason', 'Enter why the meeting is cancelled', 1000) });

/** The chair's and the admin's controls on a whole meeting, in the order a meeting goes through them. */
const CONTROLS: { action: MeetingAction; update: typeof closeAgendaUpdate; path: string; heading: string; about: string; button: string; success: string; variant?: 'secondary' }[] = [
  {
    action: 'closeAgenda',
    update: closeAgendaUpdate,
    path: 'agenda/close',
    heading: 'Close the agenda',
    about: 'Close it now to place every bid waiting for the Assembly on the agenda, ratifications first, then highest band and score.',
    button: 'Close the agenda now',
    success: 'Agenda closed',
  },
  { action: 'openMeeting', update: openMeetingUpdate, path: 'open', heading: 'Open the meeting', about: 'Open the meeting when it starts; then record who is present.', button: 'Open the meeting', success: 'Meeting opened' },
  {
    action: 'closeMeeting',
    update: closeMeetingUpdate,
    path: 'close',
    heading: 'Close the meeting',
    about: 'Items without a decision are deferred to the next meeting; inquorate ones say so on the record.',
    button: 'Close the meeting',
    success: 'Meeting closed',
    variant: 'secondary',
  },
];

export function registerMeetingPages(web: WebApp): void {
  web.get('/app/meetings', async (c) => {
    const user = signedIn(c);
    const deps = c.get('deps');
    const [meetings, escalations] = await Promise.all([listMeetings(deps, user), hasRole(user, 'assembly_chair') ? awaitingChairsAction(deps.db) : []]);
    return render(
      c,
      { title: 'Assembly meetings', current: '/app/meetings' },
      <>
        <h1>CCP Assembly meetings</h1>
        {hasRole(user, 'admin') ? <ButtonLink href="/app/meetings/new">Schedule a meeting</ButtonLink> : null}
        {escalations.length ? (
          <>
            <h2>Safety escalations waiting for chair's action</h2>
            <ul>
              {escalations.map((b) => (
                <li>
                  <a href={chairsActionHref(b.reference)}>
                    {b.reference}: {b.title}
                  </a>{' '}
                  (<DeadlineText dueAt={(b.status as { assembly?: { chairsActionDeadline?: { dueAt: string } } }).assembly?.chairsActionDeadline?.dueAt} />)
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {meetings.length ? (
          <Table
            caption="Meetings, in date order"
            captionSize="s"
            head={['Date', 'Meeting', 'State', 'Agenda items']}
            numeric={[3]}
            rows={meetings.map((m) => [dateTime(m.scheduledFor), <a href={meetingHref(m.meetingId)}>{m.title}</a>, <MeetingStateTag state={m.state} />, String(m.items)])}
          />
        ) : (
          <p>No meetings have been scheduled yet.</p>
        )}
      </>,
    );
  });

  web.get('/app/meetings/new', (c) => newMeetingPage(c));

  web.post('/app/meetings/new', async (c) => {
    const user = signedIn(c);
    needRole(user, 'schedule Assembly meetings', 'admin');
    const form = formOf(c);
    const parsed = newMeetingSchema.safeParse({ day: one(form, 'when.day'), month: one(form, 'when.month'), year: one(form, 'when.year'), time: one(form, 'time'), title: one(form, 'title') });
    // An error on the date takes the reader to its first box, the day.
    const invalid = (byField: Record<string, string>) =>
      newMeetingPage(c, { form: 'new', values: form, byField, list: Object.entries(byField).map(([name, message]) => ({ field: name === 'when' ? 'when-day' : name, message })) });
    if (!parsed.success) return invalid(formErrors(parsed.error).byField);
    try {
      const meeting = await scheduleMeeting(c.get('deps'), user, parsed.data);
      await setFlash(c, c.get('deps').sessionSecret, { kind: 'success', title: 'Meeting scheduled', text: `${meeting.title}, ${dateTime(meeting.scheduledFor)}.` });
      return c.redirect(meetingHref(meeting.meetingId), 303);
    } catch (error) {
      // One meeting a day: a second on the same day is a mistake in the date, so it is said there.
      if (toApiError(error).code === 'meeting_exists') return invalid({ when: 'There is already a meeting on that day: choose another date' });
      throw error;
    }
  });

  web.get('/app/meetings/:meetingId', (c) => meetingPage(c, c.req.param('meetingId')));

  for (const control of CONTROLS) {
    web.post(`/app/meetings/:meetingId/${control.path}`, (c) => {
      const meetingId = c.req.param('meetingId');
      return act(c, meetingHref(meetingId), { kind: 'success', title: control.success }, async () => {
        await runMeetingAction(c.get('deps'), meetingId, control.update, { actor: signedIn(c) });
        if (control.action === 'closeAgenda') await agendaRecorded(c, meetingId);
      });
    });
  }

  registerForecastPages(web);

  web.post('/app/meetings/:meetingId/attendance', (c) => {
    const meetingId = c.req.param('meetingId');
    const present = many(formOf(c), 'present');
    return act(c, meetingHref(meetingId), { kind: 'success', title: 'Attendance recorded', text: `${present.length} ${present.length === 1 ? 'member' : 'members'} present.` }, () =>
      recordAttendance(c.get('deps'), meetingId, signedIn(c), present),
    );
  });

  web.post('/app/meetings/:meetingId/cancel', (c) => {
    const meetingId = c.req.param('meetingId');
    return submitForm(c, {
      form: 'cancel',
      read: (form) => ({ reason: one(form, 'reason') }),
      schema: cancelSchema,
      invalid: (failed) => meetingPage(c, meetingId, failed),
      then: meetingHref(meetingId),
      success: { kind: 'success', title: 'Meeting cancelled', text: 'Its bids go to the next meeting.' },
      run: (data) => runMeetingAction(c.get('deps'), meetingId, cancelMeetingUpdate, { actor: signedIn(c), ...data }),
    });
  });
}

/**
 * Closing the agenda answers once the workflow has closed it, a moment before its record is
 * written; the page that follows reads the record, so wait for it (briefly) to catch up.
 */
async function agendaRecorded(c: WebContext, meetingId: string): Promise<void> {
  const user = signedIn(c);
  for (let waited = 0; waited < 10_000; waited += 100) {
    if ((await recordedMeeting(c.get('deps'), user, meetingId)).state !== 'SCHEDULED') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function newMeetingPage(c: WebContext, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, 'schedule Assembly meetings', 'admin');
  const value = (name: string) => shown(failed, 'new', name, null);
  return render(
    c,
    { title: 'Schedule a meeting', current: '/app/meetings', errors: failed?.list, beforeContent: <BackLink href="/app/meetings" text="Back to Assembly meetings" /> },
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <h1>Schedule a CCP Assembly meeting</h1>
        <p>The agenda closes automatically before the meeting; the chair can close it sooner. It lists every bid waiting for the Assembly at that moment.</p>
        <Form action="/app/meetings/new" csrf={c.get('csrf')}>
          <DateInput
            name="when"
            legend="Date of the meeting"
            hint="For example, 8 12 2026"
            value={{ day: value('when.day'), month: value('when.month'), year: value('when.year') }}
            error={errorOf(failed, 'new', 'when')}
          />
          <TextInput name="time" label="Start time" hint="UK time, on the 24-hour clock, for example 14:00" width={5} value={value('time')} error={errorOf(failed, 'new', 'time')} />
          <TextInput name="title" label="Title (optional)" hint="If you leave it empty: CCP Assembly, and the date" value={value('title')} error={errorOf(failed, 'new', 'title')} />
          <Button>Schedule the meeting</Button>
        </Form>
      </div>
    </div>,
    failed ? 400 : 200,
  );
}

async function meetingPage(c: WebContext, meetingId: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  const deps = c.get('deps');
  const [{ meeting, allowedActions }, names] = await Promise.all([getMeeting(deps, user, meetingId), organisationNames(deps.db)]);
  const { reply, forecast } = await forecastParts(c, meeting);
  const memberName = (id: string) => meeting.members.find((m) => m.id === id)?.name ?? id;
  const csrf = c.get('csrf');
  const may = (action: MeetingAction) => allowedActions.includes(action);
  return render(
    c,
    { title: meeting.title, current: '/app/meetings', errors: failed?.list, beforeContent: <BackLink href="/app/meetings" text="Back to Assembly meetings" /> },
    <>
      <Heading caption="CCP Assembly meeting" title={meeting.title} />
      <MeetingSummary meeting={meeting} />
      <Agenda meeting={meeting} />
      {mayReply(user, meeting) ? <YourReply meetingId={meetingId} reply={reply} csrf={csrf} /> : null}
      {forecast ? (
        <Forecast forecast={forecast} memberName={(id) => forecast.members.find((x) => x.id === id)?.name ?? memberName(id)} apply={may('reorderAgenda') ? { meetingId, csrf } : null} />
      ) : null}
      {meeting.state === 'OPEN' || meeting.state === 'CLOSED' ? <Attendance meeting={meeting} names={names} csrf={csrf} mayRecord={may('recordAttendance')} /> : null}
      {CONTROLS.filter((control) => may(control.action)).map((control) => (
        <>
          <h2>{control.heading}</h2>
          <p>{control.about}</p>
          <Form action={`${meetingHref(meetingId)}/${control.path}`} csrf={csrf}>
            <Button variant={control.variant}>{control.button}</Button>
          </Form>
        </>
      ))}
      {may('cancelMeeting') ? (
        <>
          <h2>Cancel the meeting</h2>
          <p>The bids on its agenda go to the next meeting, without counting as deferred.</p>
          <Form action={`${meetingHref(meetingId)}/cancel`} csrf={csrf}>
            <TextArea name="reason" label="Why is the meeting cancelled?" rows={2} value={shown(failed, 'cancel', 'reason', null)} error={errorOf(failed, 'cancel', 'reason')} />
            <Button variant="warning">Cancel the meeting</Button>
          </Form>
        </>
      ) : null}
    </>,
    failed ? 400 : 200,
  );
}

const MeetingSummary: FC<{ meeting: MeetingStatus }> = ({ meeting }) => (
  <SummaryList
    rows={[
      { key: 'State', value: <MeetingStateTag state={meeting.state} /> },
      { key: 'Date and time', value: dateTime(meeting.scheduledFor) },
      { key: meeting.state === 'SCHEDULED' ? 'Agenda closes' : 'Agenda', value: meeting.state === 'SCHEDULED' ? dateTime(meeting.agendaClosesAt) : 'Closed' },
      ...(meeting.openedAt ? [{ key: 'Opened', value: dateTime(meeting.openedAt) }] : []),
      ...(meeting.closedAt ? [{ key: 'Closed', value: dateTime(meeting.closedAt) }] : []),
      ...(meeting.cancelled ? [{ key: 'Cancelled', value: `${dateTime(meeting.cancelled.at)} by ${meeting.cancelled.by.name}: ${meeting.cancelled.reason}` }] : []),
    ]}
  />
);

const decisionText = (item: MeetingStatus['items'][number]) =>
  item.withdrawn ? 'Withdrawn by the programme team' : item.decision ? OUTCOME_LABELS[item.decision.outcome] ?? item.decision.outcome : 'Not decided yet';

const Agenda: FC<{ meeting: MeetingStatus }> = ({ meeting }) => (
  <>
    <h2>Agenda</h2>
    {meeting.items.length ? (
      <Table
        caption="Items in agenda order"
        captionSize="s"
        head={['Item', 'Bid', 'For', 'Band and score', ...(meeting.state === 'OPEN' ? ['Quorum'] : []), 'Decision']}
        rows={meeting.items.map((item) => [
          String(item.position),
          <>
            <a href={itemHref(meeting.meetingId, item.itemId)}>{item.reference}</a>
            <br />
            {item.title}
          </>,
          PURPOSE_LABELS[item.purpose],
          bandAndScore(item.band, item.benefitScore),
          ...(meeting.state === 'OPEN' ? [item.quorum.quorate ? 'Quorate' : 'Not quorate'] : []),
          decisionText(item),
        ])}
      />
    ) : (
      <p>{meeting.state === 'SCHEDULED' ? 'The agenda is open: when it closes, every bid waiting for the Assembly is placed on it.' : 'There are no items on the agenda.'}</p>
    )}
  </>
);

const memberLabel = (m: MeetingStatus['members'][number], names: OrganisationNames) =>
  `${m.name} (${professionLabel(m.profession)}, ${orgName(names, m.organisation)})`;

const Attendance: FC<{ meeting: MeetingStatus; names: OrganisationNames; csrf: string; mayRecord: boolean }> = ({ meeting, names, csrf, mayRecord }) => {
  const present = meeting.members.filter((m) => meeting.present.includes(m.id));
  return (
    <>
      <h2>Attendance</h2>
      <p>
        {present.length} of the {meeting.members.length} voting members {present.length === 1 ? 'is' : 'are'} recorded as present
        {present.length ? `: ${present.map((m) => m.name).join(', ')}.` : '.'}
      </p>
      {mayRecord ? (
        <Form action={`${meetingHref(meeting.meetingId)}/attendance`} csrf={csrf}>
          <Checkboxes
            name="present"
            legend="Who is present"
            legendSize="s"
            hint="Record everyone present now; record it again as people arrive or leave. Quorum is worked out for each item."
            options={meeting.members.map((m) => ({ value: m.id, label: memberLabel(m, names) }))}
            values={meeting.present}
          />
          <Button variant="secondary">Record attendance</Button>
        </Form>
      ) : null}
    </>
  );
};
