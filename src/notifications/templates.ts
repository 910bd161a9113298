// What each notice says by e-mail and in the service: plain English, what it means for the
// person, and a link to the page where they act on it. Every kind of notice the workflows send
// belongs to one category, the unit of each person's e-mail preferences.

export const CATEGORIES = {
  reminder: 'Reminders before a deadline',
  escalation: 'Escalations when a deadline is missed',
  assignment: 'Work assigned to you',
  agenda: 'Assembly agendas published',
  decision: 'Decisions on bids, with the decision letter',
  allocation: 'Funding allocations',
  condition: 'Conditions of funding falling due',
  update: 'Other changes to bids you work on',
} as const;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_IDS = Object.keys(CATEGORIES) as Category[];

/** What a template needs of a stored notice. */
export interface NoticeForTemplate {
  id: string;
  kind: string;
  subject: string;
  body: string;
  reference: string | null;
  meetingId: string | null;
}

interface KindTemplate {
  category: Category;
  /** The first paragraph: what happened, for this person. */
  intro: string;
  /** The link's words: what to do there. */
  action: string;
  /** The page that acts on it. */
  page: (n: NoticeForTemplate) => string;
}

const bidPage = (n: NoticeForTemplate) => (n.reference ? `/app/bids/${encodeURIComponent(n.reference)}` : '/app/bids');
const meetingPage = (n: NoticeForTemplate) => (n.meetingId ? `/app/meetings/${encodeURIComponent(n.meetingId)}` : '/app/meetings');

const KINDS: Record<string, KindTemplate> = {
  'review.reminder': { category: 'reminder', intro: 'A review you are doing is due soon.', action: 'Finish the review', page: bidPage },
  'bid.lapse_reminder': { category: 'reminder', intro: 'Your bid was returned because information is missing, and it lapses soon.', action: 'Add what is missing and resubmit', page: bidPage },
  'bid.revision_reminder': { category: 'reminder', intro: 'The evaluation hub asked for revisions to your bid, and they are due soon.', action: 'Answer the revision request', page: bidPage },
  'bid.chairs_action_reminder': { category: 'reminder', intro: "The window for chair's action on a bid with a safety escalation closes soon.", action: "Decide on chair's action", page: bidPage },
  'review.escalated': { category: 'escalation', intro: 'A review has missed its deadline and is escalated to you as hub lead.', action: 'See the review and who it waits for', page: bidPage },
  'bid.revision_overdue': { category: 'escalation', intro: 'A programme team has not answered a revision request by its deadline.', action: 'See the bid', page: bidPage },
  'bid.safety_escalation': { category: 'escalation', intro: 'A bid carries a high risk of harm if it is not funded, so the chair may act before the next meeting.', action: "Consider chair's action", page: bidPage },
  'review.unassigned': { category: 'escalation', intro: 'A bid needs evaluators and no one without a conflict of interest is free.', action: 'Assign an evaluator', page: bidPage },
  'review.assigned': { category: 'assignment', intro: 'You have been asked to review a bid.', action: 'Start the review', page: bidPage },
  'review.moderation_required': { category: 'assignment', intro: "The evaluators' ratings of a bid differ enough to need moderation.", action: 'Moderate the ratings', page: bidPage },
  'meeting.agenda': { category: 'agenda', intro: 'The agenda for a CCP Assembly meeting is published.', action: 'Read the agenda and declare any interests', page: meetingPage },
  'bid.assembly_decision': { category: 'decision', intro: 'The CCP Assembly has decided on your bid. The decision letter is attached.', action: 'See the decision and the letter', page: bidPage },
  'bid.board_decision': { category: 'decision', intro: 'The ICB Board has decided on your bid. The decision letter is attached.', action: 'See the decision and the letter', page: bidPage },
  'bid.chairs_action': { category: 'decision', intro: "The Assembly chair has taken chair's action on a bid; the next meeting ratifies it.", action: 'See the bid', page: bidPage },
  'bid.not_supported': { category: 'decision', intro: 'The evaluation hub did not support your bid.', action: 'See the reasons', page: bidPage },
  'bid.allocation': { category: 'allocation', intro: "Finance has confirmed the funding round's allocation, and your bid has its place. The decision letter is attached.", action: 'See the allocation and the letter', page: bidPage },
  'bid.condition_due': { category: 'condition', intro: 'A condition of the decision to support a bid falls due.', action: 'See the condition and record or report on it', page: bidPage },
  'bid.condition_met': { category: 'condition', intro: 'The evaluation hub recorded a condition of the decision on your bid as met.', action: 'See the conditions', page: bidPage },
  'bid.condition_overdue': { category: 'condition', intro: 'A condition of the decision to support a bid is overdue: its due day has passed and it is not recorded as met.', action: 'See the condition', page: bidPage },
  'bid.condition_waived': { category: 'condition', intro: 'The chair of the CCP Assembly waived a condition of the decision to support a bid.', action: 'See the conditions', page: bidPage },
  'bid.returned': { category: 'update', intro: 'Your bid was returned because information is missing.', action: 'Add what is missing and resubmit', page: bidPage },
  'bid.revisions_requested': { category: 'update', intro: 'The evaluation hub asks for revisions to your bid.', action: 'Answer the revision request', page: bidPage },
};

const FALLBACK: KindTemplate = { category: 'update', intro: 'There is news about work you are part of.', action: 'See the details', page: (n) => (n.reference ? bidPage(n) : n.meetingId ? meetingPage(n) : '/app') };

export const templateOf = (kind: string): KindTemplate => KINDS[kind] ?? FALLBACK;
export const categoryOf = (kind: string): Category => templateOf(kind).category;
export const KNOWN_KINDS = Object.keys(KINDS);

/** The path in the service where the person acts on the notice. */
export const pageOf = (n: NoticeForTemplate): string => templateOf(n.kind).page(n);

export interface RenderedEmail {
  subject: string;
  text: string;
  /** The absolute link in it. */
  link: string;
}

/** The e-mail for one person: greeting, what happened, the notice's details, the link, and why they get it. */
export function renderEmail(n: NoticeForTemplate, recipient: { name: string }, baseUrl: string): RenderedEmail {
  const t = templateOf(n.kind);
  const base = baseUrl.replace(/\/+$/, '');
  const link = `${base}${t.page(n)}`;
  const text = [
    `Dear ${recipient.name},`,
    '',
    t.intro,
    '',
    n.body.trim(),
    '',
    `${t.action}: ${link}`,
    '',
    `You get this e-mail because of your role in the clinical prioritisation service (${CATEGORIES[t.category].toLowerCase()}).`,
    `Choose which e-mails you get at ${base}/app/notifications`,
    '',
    'Clinical prioritisation, NHS Norfolk and Waveney Integrated Care Board',
  ].join('\n');
  return { subject: n.subject, text, link };
}
