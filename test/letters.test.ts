// Decision letters on the real parts (Temporal dev server, PostgreSQL, Mailpit): the Assembly
// decides, and the programme team receives a letter by e-mail, as a PDF whose SHA-256 the bid's
// trail records, and the same PDF downloads from the bid's page.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../src/db/demo.js';
import { openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { actor, APPLICANT_OF, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, submit, trail, waitForBid } from './helpers/lifecycle.js';
import { attachment, mailpitEnv, waitForMail } from './helpers/mailpit.js';
import { PageClient } from './helpers/pages.js';
import { letterContent, letterText, reconsiderationParagraph } from '../src/letters/letter.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { ...mailpitEnv(), PUBLIC_URL: 'http://prioritisation.nw-icb.example' } });
});
afterAll(async () => ctx?.close());

describe('the decision letter', () => {
  it('reaches the programme team when the Assembly decides, with its hash on the trail, and downloads from the bid page', async () => {
    const bid = smallBid();
    const reference = await submit(ctx, bid);
    await reviewToAssembly(ctx, reference);
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-letters`;
    const agenda = await meetingWithAgenda(ctx, meetingId);
    const item = agenda.items.find((i) => i.reference === reference)!;
    await meetingHandle(ctx, meetingId).executeUpdate(openMeetingUpdate, { args: [{ actor: actor('sarah.collins') }] });
    await meetingAct(ctx, meetingId, recordAttendanceUpdate, { actor: actor('sarah.collins'), present: QUORATE });
    await meetingHandle(ctx, meetingId).executeUpdate(recordDecisionUpdate, {
      args: [{ actor: actor('sarah.collins'), itemId: item.itemId, outcome: 'supported_with_conditions', conditions: ['Report outcomes quarterly'], reason: 'Strong evidence of benefit' }],
    });
    await waitForBid(ctx, reference, (b) => b.state !== 'AWAITING_ASSEMBLY', 'the decision applied');

    const applicant = APPLICANT_OF[bid.leadOrganisation]!;
    const mail = await waitForMail(`CCP Assembly decision on ${reference}`, demoEmail(applicant));
    expect(mail.Text).toContain('The decision letter is attached.');
    expect(mail.Attachments).toHaveLength(1);
    const file = mail.Attachments[0]!;
    expect(file).toMatchObject({ FileName: `${reference}-decision-letter.pdf`, ContentType: 'application/pdf' });
    const pdf = await attachment(mail.ID, file.PartID);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const sha256 = createHash('sha256').update(pdf).digest('hex');

    // One paragraph on reconsideration: the bid's configured window (1h in tests) and its date; the old 20-day words are gone.
    const content = await letterContent(ctx.db, reference, 'assembly');
    expect(content.reconsideration).toMatch(/^If you believe this decision rests on a factual error.* Ask within 1h of the date of this letter, by \d+ \w+ \d{4}: write to the CCP Assembly secretariat, quoting the bid reference/);
    expect(letterText(content)).not.toContain('20 working days');
    expect(mail.Text).not.toContain('20 working days');
    expect(content.conditions).toEqual(['Report outcomes quarterly']);

    const issued = (await trail(ctx, reference)).filter((e) => e.action === 'letter.issued');
    expect(issued).toHaveLength(1);
    const payload = issued[0]!.payload as { sha256: string; letterId: string; kind: string };
    expect(payload).toMatchObject({ sha256, kind: 'assembly' });

    const browser = new PageClient(ctx.app);
    await browser.signIn(ctx.tokens[applicant]!);
    const page = await (await browser.get(`/app/bids/${reference}`)).text();
    expect(page).toContain('Decision letters');
    const href = /href="(\/app\/bids\/[^"]+\/letters\/[^"]+\.pdf)"/.exec(page)?.[1];
    expect(href).toBeDefined();
    const download = await browser.get(href!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex')).toBe(sha256);

    // Someone who may not see the bid may not have its letter.
    const other = new PageClient(ctx.app);
    // A programme team neither leading nor partnering the bid.
    const stranger = Object.entries(APPLICANT_OF).find(([org]) => org !== bid.leadOrganisation && !bid.partnerOrganisations.includes(org))![1];
    await other.signIn(ctx.tokens[stranger]!);
    expect((await other.get(href!)).status).not.toBe(200);
  }, 300_000);
});

describe("the letter's paragraph on reconsideration", () => {
  const window = { dueAt: '2027-01-22T23:59:59.999Z', spec: '30wd' };

  it('for a decision not to support the bid, says to ask in the service within the configured working days, by the date', () => {
    const words = reconsiderationParagraph('NW-2026-0042', window, true);
    expect(words).toContain('Ask within 30 working days of the date of this letter, by 22 January 2027');
    expect(words).toContain('POST /bids/NW-2026-0042/reconsideration');
    expect(words).not.toContain('20 working days');
  });

  it('for any other decision, says to write to the secretariat within the same window, by the date', () => {
    const words = reconsiderationParagraph('NW-2026-0042', window, false);
    expect(words).toContain('Ask within 30 working days of the date of this letter, by 22 January 2027: write to the CCP Assembly secretariat');
    expect(words).toContain('NW-2026-0042');
    expect(words).not.toContain('20 working days');
  });

  it('names an allowance in elapsed time as configured', () => {
    expect(reconsiderationParagraph('NW-2026-0042', { dueAt: window.dueAt, spec: '1h' }, false)).toContain('Ask within 1h of the date of this letter');
  });
});
