// Publication packs as pages: a round's and a meeting's decisions with their reasons, the money,
// and the interests declared, with a link to the same as CSV for the ICB's publication scheme.
import type { FC } from 'hono/jsx';
import { meetingPublication, meetingPublicationCsv, roundPublication, roundPublicationCsv, type PublishedInterest } from '../../services/publication.js';
import { render, signedIn, type WebApp } from '../app.js';
import { BackLink, Table } from '../components.js';
import { date, money } from '../format.js';
import { conditionsWithDueDays } from '../../domain/trail-words.js';
import { dayInWords } from '../../model/bid.js';

const Interests: FC<{ list: PublishedInterest[] }> = ({ list }) =>
  list.length === 0 ? (
    <>None declared</>
  ) : (
    <ul class="nhsuk-list">
      {list.map((i) => (
        <li>
          {i.name} ({i.organisation}), {i.declared}: {i.nature}
        </li>
      ))}
    </ul>
  );

const csv = (body: string, filename: string) => new Response(body, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` } });

export function registerPublicationPages(web: WebApp): void {
  // Before the pages: the CSV paths would not match them, but keep the downloads together.
  web.get('/app/rounds/:roundId/publication.csv', async (c) => {
    const roundId = c.req.param('roundId');
    return csv(roundPublicationCsv(await roundPublication(c.get('deps'), signedIn(c), roundId)), `round-${roundId}-publication.csv`);
  });
  web.get('/app/meetings/:meetingId/publication.csv', async (c) => {
    const meetingId = c.req.param('meetingId');
    return csv(meetingPublicationCsv(await meetingPublication(c.get('deps'), signedIn(c), meetingId)), `meeting-${meetingId}-publication.csv`);
  });
  web.get('/app/rounds/:roundId/publication', async (c) => {
    const user = signedIn(c);
    const roundId = c.req.param('roundId');
    const pack = await roundPublication(c.get('deps'), user, roundId);
    return render(
      c,
      { title: `Publication: ${pack.round.title}`, current: '/app/rounds', beforeContent: <BackLink href={`/app/rounds/${encodeURIComponent(roundId)}`} text={`Back to ${pack.round.title}`} /> },
      <>
        <span class="nhsuk-caption-l">Publication pack, {pack.round.financialYear}</span>
        <h1>{pack.round.title}</h1>
        <p>
          {pack.confirmed ? `Version ${pack.confirmed.version}, confirmed by ${pack.confirmed.by} on ${date(pack.confirmed.at)}: ${money(pack.moneyCommittedPence)} committed of an envelope of ${money(pack.round.envelopePence)}.` : `Not confirmed yet: version ${pack.version ?? 'none'} is a proposal.`}{' '}
          Personal data of applicants' staff is left out.
        </p>
        <p>
          <a href={`/app/rounds/${encodeURIComponent(roundId)}/publication.csv`} download>
            Download as CSV
          </a>
        </p>
        <Table
          caption="Decisions with their reasons"
          head={['Rank', 'Bid', 'Lead organisation', 'Outcome', 'Reason', 'This year', 'Interests declared']}
          numeric={[0, 5]}
          rows={pack.decisions.map((d) => [d.rank, `${d.reference}: ${d.title}`, d.leadOrganisation, d.outcome, d.reason, d.roundCostPence === null ? '' : money(d.roundCostPence), <Interests list={d.interests} />])}
        />
      </>,
    );
  });

  web.get('/app/meetings/:meetingId/publication', async (c) => {
    const user = signedIn(c);
    const meetingId = c.req.param('meetingId');
    const pack = await meetingPublication(c.get('deps'), user, meetingId);
    return render(
      c,
      { title: `Publication: ${pack.meeting.title}`, current: '/app/meetings' },
      <>
        <span class="nhsuk-caption-l">Publication pack, {date(pack.meeting.scheduledFor)}</span>
        <h1>{pack.meeting.title}</h1>
        <p>
          Present: {pack.present.length ? pack.present.map((p) => `${p.name} (${p.organisation})`).join(', ') : 'nobody recorded'}. Supported: {money(pack.moneySupportedPence)}. Personal data of
          applicants' staff is left out.
        </p>
        <p>
          <a href={`/app/meetings/${encodeURIComponent(meetingId)}/publication.csv`} download>
            Download as CSV
          </a>
        </p>
        <Table
          caption="Decisions with their reasons, and interests declared per item"
          head={['Item', 'Bid', 'Lead organisation', 'Asked', 'Decision', 'Reason', 'Votes (for, against, abstaining)', 'Interests declared', 'Members conflicted']}
          numeric={[0, 3]}
          rows={pack.items.map((i) => [
            i.position,
            `${i.reference}: ${i.title}`,
            i.leadOrganisation,
            money(i.totalPence),
            i.withdrawn ? 'withdrawn' : (i.outcome ?? 'not decided'),
            [i.reason ?? '', ...conditionsWithDueDays(i.conditions, i.conditionsDueBy, dayInWords).map((x) => `Condition: ${x}`)].filter(Boolean).join('. '),
            `${i.votes.support}, ${i.votes.notSupport}, ${i.votes.abstain}`,
            <Interests list={i.interests} />,
            i.conflicted.length ? (
              <ul class="nhsuk-list">
                {i.conflicted.map((x) => (
                  <li>
                    {x.name}: {x.reason}
                  </li>
                ))}
              </ul>
            ) : (
              'None'
            ),
          ])}
        />
      </>,
    );
  });
}
