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
