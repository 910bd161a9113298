// The domain's words for a bid as programme teams read them: kinds, levels, evidence, mandates
// and Core20PLUS5 areas (the ambitions and places are in format.ts), and the choices made of them.
import { londonDay } from '../../domain/calendar.js';
import { AMBITIONS, BID_KINDS, CORE20PLUS5_AREAS, EVIDENCE_LEVELS, LEVELS, PLACES, STATUTORY_MANDATES } from '../../domain/vocabulary.js';
import type { Option } from '../components.js';
import { ambition, place } from '../format.js';

type Labels<K extends string> = Record<K, string>;

export const KIND_LABELS: Labels<(typeof BID_KINDS)[number]> = {
  new_service: 'New service',
  expansion: 'Expansion of an existing service',
  pilot: 'Pilot',
  disinvestment: 'Disinvestment',
};
const KIND_HINTS: Labels<(typeof BID_KINDS)[number]> = {
  new_service: 'A service that does not exist yet',
  expansion: 'More of a service that already runs',
  pilot: 'A trial for a fixed time, to find out whether it works',
  disinvestment: 'Stopping or reducing a service, to release money',
};

export const LEVEL_LABELS: Labels<(typeof LEVELS)[number]> = {
  neighbourhood: 'Neighbourhood',
  place: 'Place',
  system: 'System',
};
const LEVEL_HINTS: Labels<(typeof LEVELS)[number]> = {
  neighbourhood: 'A primary care network or a few practices',
  place: 'One or more of the five places',
  system: 'The whole of Norfolk and Waveney',
};

export const EVIDENCE_LABELS: Labels<(typeof EVIDENCE_LEVELS)[number]> = {
  nice_guidance: 'NICE guidance',
  systematic_review: 'Systematic review',
  rct: 'Randomised controlled trial',
  observational: 'Observational study',
  expert_opinion: 'Expert opinion',
  none: 'No evidence yet',
};

export const MANDATE_LABELS: Labels<(typeof STATUTORY_MANDATES)[number]> = {
  none: 'No statutory mandate',
  nice_technology_appraisal: 'NICE technology appraisal',
  legal_duty: 'Legal duty',
  national_mandate: 'National mandate',
};

export const CORE20PLUS5_LABELS: Labels<(typeof CORE20PLUS5_AREAS)[number]> = {
  maternity: 'Maternity',
  severe_mental_illness: 'Severe mental illness',
  chronic_respiratory_disease: 'Chronic respiratory disease',
  early_cancer_diagnosis: 'Early cancer diagnosis',
  hypertension_case_finding: 'Hypertension case-finding',
  cyp_asthma: 'Children and young people: asthma',
  cyp_diabetes: 'Children and young people: diabetes',
  cyp_epilepsy: 'Children and young people: epilepsy',
  cyp_oral_health: 'Children and young people: oral health',
  cyp_mental_health: 'Children and young people: mental health',
};

/** A word from one of these lists, or the code itself if a newer version added one. */
export const label = <K extends string>(labels: Labels<K>, code: string | null | undefined): string => (code ? (labels[code as K] ?? code) : '');

function choices<K extends string>(codes: readonly K[], text: (code: K) => string, hints?: Labels<K>): Option[] {
  return codes.map((code) => ({ value: code, label: text(code), hint: hints?.[code] }));
}

export const KIND_OPTIONS = choices(BID_KINDS, (k) => KIND_LABELS[k], KIND_HINTS);
export const LEVEL_OPTIONS = choices(LEVELS, (k) => LEVEL_LABELS[k], LEVEL_HINTS);
export const EVIDENCE_OPTIONS = choices(EVIDENCE_LEVELS, (k) => EVIDENCE_LABELS[k]);
export const MANDATE_OPTIONS = choices(STATUTORY_MANDATES, (k) => MANDATE_LABELS[k]);
export const CORE20PLUS5_OPTIONS = choices(CORE20PLUS5_AREAS, (k) => CORE20PLUS5_LABELS[k]);
export const AMBITION_OPTIONS = choices(AMBITIONS, ambition);
export const PLACE_OPTIONS = choices(PLACES, place);

/**
 * Financial years a bid may ask money for: from the current one (April to March) to five
 * ahead, with any others a draft already names so that a resubmission keeps its years.
 */
export function financialYears(now: Date, alsoKeep: readonly string[] = []): string[] {
  // The year turns on 1 April in England, not in UTC (an hour apart in British Summer Time).
  const [year, month] = londonDay(now).split('-').map(Number) as [number, number];
  const first = month >= 4 ? year : year - 1;
  const years = Array.from({ length: 6 }, (_, i) => `${first + i}/${String((first + i + 1) % 100).padStart(2, '0')}`);
  return [...new Set([...alsoKeep, ...years])].sort();
}
