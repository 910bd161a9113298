// Before a meeting, on its page: a member's reply (attending, apologies, maybe), and for the chair
// and the admin the quorum forecast per item, items at risk flagged, and the proposed order that
// keeps each member's conflicted items together.
import type { FC } from 'hono/jsx';
import type { AgendaForecast, AttendanceReply, Outlook } from '../../model/agenda-forecast.js';
import { VOTING_ROLES } from '../../model/meeting.js';
import { attendanceReplies, attendanceReplySchema, meetingForecast, replyAttendance, type MeetingForecast } from '../../services/forecast.js';
import type { AuthUser } from '../../services/auth.js';
import { reorderAgendaUpdate, type MeetingStatus } from '../../shared.js';
import { runMeetingAction } from '../../services/meetings.js';
import { ApiError } from '../../api/errors.js';
import { act, formOf, many, one, signedIn, type WebApp, type WebContext } from '../app.js';
import { Button, Form, Radios, Table, Tag, WarningCallout } from '../components.js';
import { meetingHref } from './hub-shared.js';

const REPLY_OPTIONS: { value: AttendanceReply; label: string; replied: string }[] = [
  { value: 'attending', label: 'I will attend', replied: 'that you will attend' },
  { value: 'apologies', label: 'I send my apologies', replied: 'with your apologies' },
  { value: 'maybe', label: 'I may attend', replied: 'that you may attend' },
];
const OUTLOOK: Record<Outlook, { label: string; colour: string }> = {
  quorate: { label: 'Quorate', colour: 'green' },
  at_risk: { label: 'At risk', colour: 'orange' },
  not_quorate: { label: 'Not quorate', colour: 'red' },
};
const BEFORE_OPENING = ['SCHEDULED', 'AGENDA_CLOSED'];

export const mayReply = (user: AuthUser, meeting: MeetingStatus) => BEFORE_OPENING.includes(meeting.state) && user.roles.some((r) => VOTING_ROLES.includes(r));
export const maySeeForecast = (user: AuthUser, meeting: MeetingStatus) => BEFORE_OPENING.includes(meeting.state) && user.roles.some((r) => ['assembly_chair', 'hub_lead', 'admin'].includes(r));

/** What the meeting page needs: this person's reply and, for those who plan the meeting, the forecast. */
export async function forecastParts(c: WebContext, meeting: MeetingStatus): Promise<{ reply: AttendanceReply | null; forecast: MeetingForecast | null }> {
  const user = signedIn(c);
  const deps = c.get('deps');
  const [replies, forecast] = await Promise.all([
    mayReply(user, meeting) ? attendanceReplies(deps.db, meeting.meetingId) : Promise.resolve({} as Record<string, AttendanceReply>),
    maySeeForecast(user, meeting) ? meetingForecast(deps, user, meeting.meetingId) : Promise.resolve(null),
  ]);
  return { reply: replies[user.id] ?? null, forecast };
}

export const YourReply: FC<{ meetingId: string; reply: AttendanceReply | null; csrf: string }> = ({ meetingId, reply, csrf }) => (
  <>
    <h2>Will you attend?</h2>
    <p>{reply ? `You replied ${REPLY_OPTIONS.find((o) => o.value === reply)?.replied ?? reply}. You can change your reply until the meeting opens.` : 'Reply so the chair can see which items will be quorate.'}</p>
    <Form action={`${meetingHref(meetingId)}/replies`} csrf={csrf}>
      <Radios name="reply" legend="Your reply" legendSize="s" options={REPLY_OPTIONS.map(({ value, label }) => ({ value, label }))} value={reply} inline />
      <Button variant="secondary">Send your reply</Button>
    </Form>
  </>
);

const names = (list: { name: string }[]) => list.map((x) => x.name).join(', ');

/** For the chair and the admin once the agenda has closed: take the agenda in the proposed order. */
export interface ApplyOrder {
  meetingId: string;
  csrf: string;
}

export const Forecast: FC<{ forecast: AgendaForecast & { basis: string }; memberName: (id: string) => string; apply?: ApplyOrder | null }> = ({ forecast, memberName, apply }) => {
  const r = forecast.replies;
  const byRef = new Map(forecast.items.map((i) => [i.reference, i]));
  return (
    <section aria-labelledby="forecast-heading">
      <h2 id="forecast-heading">Quorum forecast</h2>
      <p>
        From the members' replies: {r.attending.length} attending, {r.maybe.length} may attend, {r.apologies.length} sent apologies, {r.noReply.length} not replied.
        {forecast.basis === 'agenda' ? ' Over the items on the agenda.' : ' The agenda is still open: over the bids that would be placed on it now.'}
      </p>
      {forecast.atRisk || forecast.notQuorate ? (
        <WarningCallout heading={`${forecast.atRisk + forecast.notQuorate} ${forecast.atRisk + forecast.notQuorate === 1 ? 'item is' : 'items are'} not sure to be quorate`} level={3}>
          <p>
            {forecast.atRisk} at risk, {forecast.notQuorate} not quorate. An item that is not quorate at the meeting can only be deferred.
          </p>
        </WarningCallout>
      ) : null}
      {forecast.items.length ? (
        <Table
          caption="Forecast per item"
          captionSize="s"
          head={['Item', 'Bid', 'Forecast', 'Conflicted']}
          rows={forecast.items.map((i) => [
            String(i.position),
            `${i.reference}: ${i.title}`,
            <>
              <Tag colour={OUTLOOK[i.outlook].colour}>{OUTLOOK[i.outlook].label}</Tag>
              <br />
              {i.words}
            </>,
            i.conflicted.length ? (
              <ul class="nhsuk-list">
                {i.conflicted.map((x) => (
                  <li>
                    {x.name} {x.reply ? `(${x.reply})` : '(no reply)'}: {x.reason}
                  </li>
                ))}
              </ul>
            ) : (
              'No one'
            ),
          ])}
        />
      ) : (
        <p>No bids are waiting for the Assembly.</p>
      )}
      {forecast.items.length > 1 ? (
        <>
          <h3>Proposed order</h3>
          <p>
            {forecast.reordered
              ? 'Items no one leaves the room for come first, in agenda order; then each member’s conflicted items together, so they leave the room once; items that cannot be quorate last. Take them in this order at the meeting.'
              : 'The agenda order already keeps each member’s conflicted items together.'}
          </p>
          <ol>
            {forecast.proposedOrder.map((ref) => (
              <li>
                {ref}: {byRef.get(ref)?.title} ({OUTLOOK[byRef.get(ref)!.outlook].label.toLowerCase()})
              </li>
            ))}
          </ol>
          {apply && forecast.reordered && forecast.basis === 'agenda' ? (
            <Form action={`${meetingHref(apply.meetingId)}/agenda/order`} csrf={apply.csrf}>
              {forecast.proposedOrder.map((ref) => (
                <input type="hidden" name="order" value={byRef.get(ref)?.itemId ?? ''} />
              ))}
              <Button variant="secondary">Take the agenda in this order</Button>
            </Form>
          ) : null}
          {forecast.leaving.length ? (
            <Table
              caption="Who leaves the room, and how often"
              captionSize="s"
              head={['Member', 'For', 'In agenda order', 'In the proposed order']}
              numeric={[2, 3]}
              rows={forecast.leaving.map((l) => [memberName(l.id), l.references.join(', '), String(l.timesOutNow), String(l.timesOutProposed)])}
            />
          ) : null}
        </>
      ) : null}
      {forecast.replies.noReply.length ? <p>Not replied yet: {names(forecast.replies.noReply.map((id) => ({ name: memberName(id) })))}.</p> : null}
    </section>
  );
};

export function registerForecastPages(web: WebApp): void {
  web.post('/app/meetings/:meetingId/agenda/order', (c) => {
    const meetingId = c.req.param('meetingId');
    const order = many(formOf(c), 'order');
    return act(c, meetingHref(meetingId), { kind: 'success', title: 'The agenda is in the proposed order', text: 'Its items are numbered by their new places.' }, () =>
      runMeetingAction(c.get('deps'), meetingId, reorderAgendaUpdate, { actor: signedIn(c), order }),
    );
  });

  web.post('/app/meetings/:meetingId/replies', (c) => {
    const meetingId = c.req.param('meetingId');
    const reply = one(formOf(c), 'reply');
    return act(c, meetingHref(meetingId), { kind: 'success', title: 'Reply sent', text: REPLY_OPTIONS.find((o) => o.value === reply)?.label ?? '' }, async () => {
      const parsed = attendanceReplySchema.safeParse({ reply });
      if (!parsed.success) throw new ApiError(400, 'validation_failed', 'Select whether you will attend', [{ field: 'reply', rule: 'enum', message: 'Select whether you will attend' }]);
      return replyAttendance(c.get('deps'), signedIn(c), meetingId, parsed.data);
    });
  });
}
