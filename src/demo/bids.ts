// The dozen bids `npm run demo:seed` takes through the whole process: between them every one of
// the Joint Forward Plan's eight ambitions and all five places, each with how the hub rates it and
// what the Assembly decides, so that the round they reach has more asked than it can fund.
import type { BidSubmission } from '../domain/bid.js';
import type { Rating, RatingCriterion, ReviewStep, StepAssessment } from '../shared.js';

const pounds = (n: number) => n * 100;

/** What the Assembly decides on the bid, with the conditions or the reason for the record. */
export type DemoDecision =
  | { outcome: 'supported'; reason: string }
  | { outcome: 'supported_with_conditions'; conditions: string[]; reason: string }
  | { outcome: 'deferred'; reason: string }
  | { outcome: 'not_supported'; reason: string };

export interface DemoBid {
  /** The demo programme team member who submits it (of the lead organisation). */
  applicant: string;
  bid: Omit<BidSubmission, 'reference'>;
  /** The hub's view: each review step's assessment and comment, and the three ratings. */
  review: {
    steps: Record<ReviewStep, [StepAssessment, string]>;
    ratings: Record<RatingCriterion, Rating>;
    rationale: string;
    comments: string;
  };
  decision: DemoDecision;
}

const plan = (outcomeMeasures: string[], baselineData: string, method: string) => ({ outcomeMeasures, baselineData, method });

export const DEMO_BIDS: DemoBid[] = [
  {
    applicant: 'amira.hassan',
    bid: {
      title: 'Tirzepatide for weight management in primary care (NICE TA1026)',
      summary:
        'Delivers the NICE technology appraisal for tirzepatide through a GP-led weight management pathway with wraparound dietetic support, prioritising people with a BMI of 40 or more and at least four weight-related conditions, as the phased roll-out requires.',
      leadOrganisation: 'NNUH',
      partnerOrganisations: ['LMC'],
      primaryAmbition: 'primary_care',
      secondaryAmbitions: ['population_health_and_prevention'],
      level: 'system',
      places: ['norwich', 'south_norfolk'],
      kind: 'new_service',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(160_000), nonRecurrentPence: pounds(25_000) },
        { financialYear: '2027/28', recurrentPence: pounds(210_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 900,
      core20Percent: 31,
      plusGroups: ['people with a learning disability'],
      core20plus5Areas: ['hypertension_case_finding'],
      evidenceLevel: 'nice_guidance',
      costPerQalyPence: pounds(14_500),
      statutoryMandate: { type: 'nice_technology_appraisal', reference: 'NICE TA1026 (December 2024), funding variation for phased roll-out' },
      riskOfNotFunding: { likelihood: 4, impact: 3 },
      evaluationPlan: plan(
        ['weight change at 12 months', 'HbA1c in people with type 2 diabetes', 'uptake by Core20 neighbourhood'],
        'Practice registers of people eligible under the first cohort, 2025/26',
        'Audit against the NICE TA criteria, with uptake reported by deprivation quintile',
      ),
      workforceWte: 4.5,
      startDate: '2027-01-04',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'An audit against the TA criteria is proportionate for a mandated technology.'],
        outcome_measures: ['adequate', 'Weight and HbA1c are the right measures; uptake by deprivation is welcome.'],
        data_availability: ['adequate', 'Practice registers and the prescribing data are available monthly.'],
      },
      ratings: { evidence_quality: 5, deliverability: 4, quality_and_safety: 4 },
      rationale: 'NICE-appraised, with a workable primary care model',
      comments: 'Mandated; ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'A NICE technology appraisal the ICB must fund within 90 days' },
  },
  {
    applicant: 'tom.fletcher',
    bid: {
      title: 'Frailty same day emergency care at the Queen Elizabeth Hospital',
      summary:
        'Extends the acute frailty unit into a same day emergency care service seven days a week, with a geriatrician, therapists and a pharmacist at the front door, so frail older people are assessed and sent home the same day rather than admitted.',
      leadOrganisation: 'QEH',
      partnerOrganisations: ['NCHC'],
      primaryAmbition: 'urgent_and_emergency_care',
      secondaryAmbitions: ['later_life'],
      level: 'place',
      places: ['west_norfolk'],
      kind: 'expansion',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(145_000), nonRecurrentPence: pounds(30_000) },
        { financialYear: '2027/28', recurrentPence: pounds(150_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 2_600,
      core20Percent: 27,
      plusGroups: ['people living alone', 'carers'],
      core20plus5Areas: [],
      evidenceLevel: 'systematic_review',
      costPerQalyPence: pounds(11_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 4, impact: 3 },
      evaluationPlan: plan(
        ['admissions avoided for people over 75', 'length of stay', 'readmission within 30 days'],
        'Frailty admissions and length of stay at QEH, 2024/25, from SUS',
        'Before and after comparison with statistical process control charts',
      ),
      workforceWte: 7,
      startDate: '2027-02-01',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'SPC charts suit a service change of this kind.'],
        outcome_measures: ['adequate', 'Admissions avoided and readmissions together guard against shifting the problem.'],
        data_availability: ['adequate', 'SUS data are available at the trust each month.'],
      },
      ratings: { evidence_quality: 4, deliverability: 4, quality_and_safety: 5 },
      rationale: 'Strong evidence for comprehensive geriatric assessment at the front door',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Relieves the pressure on beds at QEH this winter and next' },
  },
  {
    applicant: 'grace.okafor',
    bid: {
      title: "Intensive community treatment for children and young people's eating disorders",
      summary:
        'A home treatment team for children and young people with eating disorders, offering intensive daily support at home as an alternative to paediatric and specialist inpatient admission, across central and north Norfolk.',
      leadOrganisation: 'NSFT',
      partnerOrganisations: ['NNUH'],
      primaryAmbition: 'babies_children_young_people_and_maternity',
      secondaryAmbitions: ['mental_health'],
      level: 'system',
      places: ['norwich', 'north_norfolk', 'south_norfolk'],
      kind: 'new_service',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(120_000), nonRecurrentPence: 0 },
        { financialYear: '2027/28', recurrentPence: pounds(125_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 140,
      core20Percent: 22,
      plusGroups: ['looked-after children'],
      core20plus5Areas: ['cyp_mental_health'],
      evidenceLevel: 'observational',
      costPerQalyPence: pounds(24_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 4 },
      evaluationPlan: plan(
        ['inpatient bed days avoided', 'weight restoration at 6 months', 'family-reported experience'],
        'Paediatric and tier 4 admissions for eating disorders, 2023/24 to 2025/26',
        'Service evaluation with a matched historical comparison',
      ),
      workforceWte: 5.6,
      startDate: '2027-03-01',
    },
    review: {
      steps: {
        evaluation_design: ['needs_work', 'The historical comparison needs a named analyst and a protocol before launch.'],
        outcome_measures: ['adequate', 'Bed days and weight restoration are the right measures.'],
        data_availability: ['adequate', 'Admissions data are held by NSFT and NNUH.'],
      },
      ratings: { evidence_quality: 3, deliverability: 3, quality_and_safety: 4 },
      rationale: 'Observational evidence only, but a clear need',
      comments: 'Ready for scoring; the evaluation protocol should be a condition.',
    },
    decision: {
      outcome: 'supported_with_conditions',
      conditions: ['An evaluation protocol agreed with the evaluation hub before the service starts', 'Bed days avoided reported to the Assembly every six months'],
      reason: 'Inpatient admissions for eating disorders have doubled since 2019',
    },
  },
  {
    applicant: 'grace.okafor',
    bid: {
      title: 'Mental health crisis café in Great Yarmouth',
      summary:
        'An evening and weekend crisis café run with the voluntary sector, where people in mental health crisis can walk in without a referral, as an alternative to the emergency department at the James Paget.',
      leadOrganisation: 'NSFT',
      partnerOrganisations: ['VCSE'],
      primaryAmbition: 'mental_health',
      secondaryAmbitions: ['urgent_and_emergency_care'],
      level: 'neighbourhood',
      places: ['great_yarmouth_and_waveney'],
      kind: 'pilot',
      costs: [{ financialYear: '2026/27', recurrentPence: pounds(68_000), nonRecurrentPence: pounds(12_000) }],
      peopleReachedPerYear: 1_100,
      core20Percent: 58,
      plusGroups: ['people experiencing homelessness', 'people who misuse drugs or alcohol'],
      core20plus5Areas: ['severe_mental_illness'],
      evidenceLevel: 'observational',
      costPerQalyPence: null,
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 3 },
      evaluationPlan: plan(
        ['mental health attendances at the emergency department out of hours', 'repeat visits', 'visitor-reported wellbeing (SWEMWBS)'],
        'Out-of-hours mental health attendances at the James Paget, 2025/26',
        'Interrupted time series over twelve months',
      ),
      workforceWte: 3,
      startDate: '2027-01-11',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'A pilot with a clear question and a twelve-month series.'],
        outcome_measures: ['adequate', 'SWEMWBS is a validated short measure.'],
        data_availability: ['adequate', 'ED attendance data are shared by the James Paget weekly.'],
      },
      ratings: { evidence_quality: 3, deliverability: 5, quality_and_safety: 4 },
      rationale: 'Cafés elsewhere in the region show fewer out-of-hours attendances',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Serves the most deprived neighbourhoods in the system at a small cost' },
  },
  {
    applicant: 'amira.hassan',
    bid: {
      title: 'A second robotic surgery console for elective recovery',
      summary:
        'Buys and staffs a second robotic-assisted surgery console at NNUH to move colorectal, urology and gynaecology lists from open to robotic surgery and shorten waits for elective operations.',
      leadOrganisation: 'NNUH',
      partnerOrganisations: [],
      primaryAmbition: 'elective_recovery',
      secondaryAmbitions: ['productivity_and_efficiency'],
      level: 'system',
      places: ['norwich'],
      kind: 'expansion',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(60_000), nonRecurrentPence: pounds(480_000) },
        { financialYear: '2027/28', recurrentPence: pounds(60_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 420,
      core20Percent: 14,
      plusGroups: [],
      core20plus5Areas: ['early_cancer_diagnosis'],
      evidenceLevel: 'observational',
      costPerQalyPence: pounds(38_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 2, impact: 3 },
      evaluationPlan: plan(
        ['length of stay after surgery', 'conversion to open surgery', 'patients treated within 18 weeks'],
        'Elective activity by specialty at NNUH, 2025/26',
        'Before and after audit of the specialties moved to the second console',
      ),
      workforceWte: 2,
      startDate: '2027-03-15',
    },
    review: {
      steps: {
        evaluation_design: ['needs_work', 'A before and after audit cannot separate the console from other elective recovery work.'],
        outcome_measures: ['adequate', 'Length of stay and conversion rates are standard.'],
        data_availability: ['adequate', 'Theatre systems record all three.'],
      },
      ratings: { evidence_quality: 2, deliverability: 3, quality_and_safety: 3 },
      rationale: 'Limited evidence of benefit over laparoscopic surgery; cost per QALY above £30,000',
      comments: 'Ready for scoring; the value case is weak.',
    },
    decision: {
      outcome: 'not_supported',
      reason: 'Above £30,000 per QALY without a written value justification, and the benefit over laparoscopic surgery is not shown; a resubmission with the theatre productivity case is welcome',
    },
  },
  {
    applicant: 'tom.fletcher',
    bid: {
      title: 'Heart failure virtual ward for West Norfolk',
      summary:
        'Remote monitoring and daily clinical review at home for people with decompensated heart failure, led by the heart failure nurses with community teams, so that people are treated at home rather than admitted.',
      leadOrganisation: 'QEH',
      partnerOrganisations: ['NCHC'],
      primaryAmbition: 'later_life',
      secondaryAmbitions: ['urgent_and_emergency_care'],
      level: 'place',
      places: ['west_norfolk'],
      kind: 'expansion',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(175_000), nonRecurrentPence: pounds(20_000) },
        { financialYear: '2027/28', recurrentPence: pounds(180_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 650,
      core20Percent: 24,
      plusGroups: ['people living in rural areas'],
      core20plus5Areas: [],
      evidenceLevel: 'rct',
      costPerQalyPence: pounds(9_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 4 },
      evaluationPlan: plan(
        ['heart failure admissions', 'bed days', 'deaths at home rather than in hospital, where preferred'],
        'Heart failure admissions for West Norfolk residents, 2024/25',
        "Comparison with the virtual ward's first six months and a matched cohort",
      ),
      workforceWte: 6,
      startDate: '2027-01-18',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'A matched cohort is the right comparison.'],
        outcome_measures: ['adequate', 'Including place of death is thoughtful.'],
        data_availability: ['adequate', 'The virtual ward platform reports monthly.'],
      },
      ratings: { evidence_quality: 4, deliverability: 4, quality_and_safety: 4 },
      rationale: 'Randomised evidence for telemonitoring in heart failure',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Good evidence and the scale to reduce admissions in West Norfolk' },
  },
  {
    applicant: 'amira.hassan',
    bid: {
      title: 'Targeted lung health checks in Norwich and Great Yarmouth',
      summary:
        'Invites people aged 55 to 74 who have ever smoked, in the most deprived neighbourhoods first, to a lung health check with low-dose CT, to find lung cancer and chronic respiratory disease earlier.',
      leadOrganisation: 'NNUH',
      partnerOrganisations: ['JPUH'],
      primaryAmbition: 'population_health_and_prevention',
      secondaryAmbitions: ['elective_recovery'],
      level: 'system',
      places: ['norwich', 'great_yarmouth_and_waveney'],
      kind: 'expansion',
      costs: [{ financialYear: '2026/27', recurrentPence: pounds(110_000), nonRecurrentPence: pounds(40_000) }],
      peopleReachedPerYear: 4_800,
      core20Percent: 46,
      plusGroups: ['people who smoke', 'people in routine and manual work'],
      core20plus5Areas: ['early_cancer_diagnosis', 'chronic_respiratory_disease'],
      evidenceLevel: 'rct',
      costPerQalyPence: pounds(8_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 4 },
      evaluationPlan: plan(
        ['share of lung cancers found at stage 1 or 2', 'uptake by deprivation quintile', 'referrals to stop smoking services'],
        'Lung cancer stage at diagnosis for Norwich and Great Yarmouth, 2022 to 2025, from the cancer registry',
        'Comparison with the national targeted lung health check programme',
      ),
      workforceWte: 3.8,
      startDate: '2027-02-15',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'Follows the national programme standard.'],
        outcome_measures: ['adequate', 'Stage shift and uptake by deprivation are the right pair.'],
        data_availability: ['needs_work', 'Registry data lag by eighteen months; the trust should report its own staging meanwhile.'],
      },
      ratings: { evidence_quality: 5, deliverability: 4, quality_and_safety: 4 },
      rationale: 'NELSON and UKLS trials; a national programme to follow',
      comments: 'Ready for scoring.',
    },
    decision: {
      outcome: 'supported_with_conditions',
      conditions: ['Uptake in Core20 neighbourhoods reported every quarter', 'Stage at diagnosis reported from trust data until registry data arrive'],
      reason: 'Finds cancers earlier where late diagnosis is most common',
    },
  },
  {
    applicant: 'tom.fletcher',
    bid: {
      title: 'Patient-initiated follow-up in place of routine outpatient reviews',
      summary:
        'Stops routine follow-up appointments in dermatology, rheumatology and ENT for patients who are stable, replacing them with patient-initiated follow-up, and releases clinic time to see new patients sooner.',
      leadOrganisation: 'QEH',
      partnerOrganisations: [],
      primaryAmbition: 'productivity_and_efficiency',
      secondaryAmbitions: ['elective_recovery'],
      level: 'place',
      places: ['west_norfolk'],
      kind: 'disinvestment',
      costs: [{ financialYear: '2026/27', recurrentPence: 0, nonRecurrentPence: pounds(38_000) }],
      peopleReachedPerYear: 3_200,
      core20Percent: 21,
      plusGroups: [],
      core20plus5Areas: [],
      evidenceLevel: 'observational',
      costPerQalyPence: null,
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 2, impact: 2 },
      evaluationPlan: plan(
        ['follow-up appointments released', 'waiting time for a first appointment', 'patients who return through PIFU within the period'],
        'Outpatient follow-up activity by specialty at QEH, 2025/26',
        'Monthly tracking against the baseline by specialty',
      ),
      workforceWte: 0.5,
      startDate: '2027-01-04',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'Simple and sufficient for a disinvestment.'],
        outcome_measures: ['adequate', 'Returns through PIFU are a good safety check.'],
        data_availability: ['adequate', 'From the patient administration system.'],
      },
      ratings: { evidence_quality: 3, deliverability: 5, quality_and_safety: 3 },
      rationale: 'Low cost and releases capacity; safety depends on clear patient information',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Releases outpatient capacity for a one-off cost' },
  },
  {
    applicant: 'grace.okafor',
    bid: {
      title: 'Dementia intensive support for care homes in North Norfolk',
      summary:
        "A specialist team supporting care home staff to care for residents with dementia whose distress puts them at risk of admission or moving home, with in-reach from the older people's mental health service.",
      leadOrganisation: 'NSFT',
      partnerOrganisations: ['NCC'],
      primaryAmbition: 'later_life',
      secondaryAmbitions: ['mental_health'],
      level: 'place',
      places: ['north_norfolk'],
      kind: 'new_service',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(95_000), nonRecurrentPence: 0 },
        { financialYear: '2027/28', recurrentPence: pounds(98_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 380,
      core20Percent: 12,
      plusGroups: ['people with dementia', 'care home residents'],
      core20plus5Areas: [],
      evidenceLevel: 'expert_opinion',
      costPerQalyPence: null,
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 3 },
      evaluationPlan: plan(
        ['admissions of care home residents with dementia', 'antipsychotic prescribing', 'placement breakdowns'],
        'Admissions from North Norfolk care homes, 2025/26',
        'Before and after comparison with neighbouring places as controls',
      ),
      workforceWte: 4,
      startDate: '2027-03-01',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'Neighbouring places make a reasonable control.'],
        outcome_measures: ['adequate', 'Antipsychotic prescribing is a useful quality measure.'],
        data_availability: ['needs_work', 'Placement breakdowns are held by the county council; a data sharing agreement is needed.'],
      },
      ratings: { evidence_quality: 2, deliverability: 3, quality_and_safety: 4 },
      rationale: 'Expert opinion only; deliverability depends on the council',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'deferred', reason: "Awaits Norfolk County Council's confirmation of its share of the cost and the data sharing agreement" },
  },
  {
    applicant: 'tom.fletcher',
    bid: {
      title: 'Midwifery continuity of carer for West Norfolk',
      summary:
        "Two continuity of carer teams for women from the most deprived neighbourhoods of King's Lynn and from Black, Asian and minority ethnic groups, as the maternity and neonatal plan prioritises.",
      leadOrganisation: 'QEH',
      partnerOrganisations: [],
      primaryAmbition: 'babies_children_young_people_and_maternity',
      secondaryAmbitions: ['population_health_and_prevention'],
      level: 'place',
      places: ['west_norfolk'],
      kind: 'expansion',
      costs: [{ financialYear: '2026/27', recurrentPence: pounds(132_000), nonRecurrentPence: 0 }],
      peopleReachedPerYear: 420,
      core20Percent: 52,
      plusGroups: ['Black, Asian and minority ethnic women', 'women under 20'],
      core20plus5Areas: ['maternity'],
      evidenceLevel: 'systematic_review',
      costPerQalyPence: null,
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 4 },
      evaluationPlan: plan(
        ['preterm births', 'women seen by a known midwife in labour', 'experience by ethnicity'],
        'Maternity services data set for QEH, 2024/25, by ethnicity and deprivation',
        'Comparison of women in the teams with those receiving standard care',
      ),
      workforceWte: 8,
      startDate: '2027-02-01',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'The comparison should adjust for risk at booking.'],
        outcome_measures: ['adequate', 'Preterm birth is the key outcome in the Cochrane review.'],
        data_availability: ['adequate', 'From the maternity services data set.'],
      },
      ratings: { evidence_quality: 4, deliverability: 3, quality_and_safety: 5 },
      rationale: 'Cochrane review evidence; recruitment of midwives is the risk',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Addresses the widest maternal outcome gap in the system' },
  },
  {
    applicant: 'amira.hassan',
    bid: {
      title: 'Blood pressure checks in community pharmacies',
      summary:
        'Hypertension case finding in community pharmacies in North Norfolk and Great Yarmouth, with ambulatory monitoring and direct booking into practice for those found with high blood pressure.',
      leadOrganisation: 'NNUH',
      partnerOrganisations: ['LMC'],
      primaryAmbition: 'population_health_and_prevention',
      secondaryAmbitions: ['primary_care'],
      level: 'neighbourhood',
      places: ['north_norfolk', 'great_yarmouth_and_waveney'],
      kind: 'pilot',
      costs: [{ financialYear: '2026/27', recurrentPence: pounds(42_000), nonRecurrentPence: pounds(8_000) }],
      peopleReachedPerYear: 6_000,
      core20Percent: 35,
      plusGroups: ['men over 40', 'people in coastal communities'],
      core20plus5Areas: ['hypertension_case_finding'],
      evidenceLevel: 'nice_guidance',
      costPerQalyPence: pounds(4_000),
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 2, impact: 4 },
      evaluationPlan: plan(
        ['people found with hypertension', 'people treated to target at 6 months', 'checks by deprivation quintile'],
        'Recorded hypertension prevalence against expected, by practice, 2025/26',
        'Pharmacy and practice data linked by NHS number',
      ),
      workforceWte: 1,
      startDate: '2027-01-11',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'Linking pharmacy and practice data is the right method.'],
        outcome_measures: ['adequate', 'Treated to target matters more than found.'],
        data_availability: ['adequate', 'The pharmacy service already records checks.'],
      },
      ratings: { evidence_quality: 4, deliverability: 5, quality_and_safety: 4 },
      rationale: 'NICE-recommended case finding at low cost',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Cheap, well evidenced and aimed at the gap between recorded and expected prevalence' },
  },
  {
    applicant: 'grace.okafor',
    bid: {
      title: 'Mental health liaison in the emergency department at the James Paget',
      summary:
        'Extends the mental health liaison service in the emergency department at the James Paget to 24 hours, so that people in crisis are assessed within an hour and fewer wait more than twelve hours.',
      leadOrganisation: 'NSFT',
      partnerOrganisations: ['JPUH'],
      primaryAmbition: 'urgent_and_emergency_care',
      secondaryAmbitions: ['mental_health'],
      level: 'place',
      places: ['great_yarmouth_and_waveney'],
      kind: 'expansion',
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(158_000), nonRecurrentPence: 0 },
        { financialYear: '2027/28', recurrentPence: pounds(162_000), nonRecurrentPence: 0 },
      ],
      peopleReachedPerYear: 1_900,
      core20Percent: 41,
      plusGroups: ['people experiencing homelessness'],
      core20plus5Areas: ['severe_mental_illness'],
      evidenceLevel: 'observational',
      costPerQalyPence: null,
      statutoryMandate: { type: 'none' },
      riskOfNotFunding: { likelihood: 3, impact: 4 },
      evaluationPlan: plan(
        ['assessments within one hour', 'mental health patients waiting over twelve hours', 'admissions avoided'],
        'Mental health liaison activity and twelve-hour waits at the James Paget, 2025/26',
        'Monthly comparison against the baseline and the core 24 standard',
      ),
      workforceWte: 6.4,
      startDate: '2027-01-04',
    },
    review: {
      steps: {
        evaluation_design: ['adequate', 'Measured against the core 24 standard.'],
        outcome_measures: ['adequate', 'Twelve-hour waits are the safety measure that matters.'],
        data_availability: ['adequate', 'From the emergency care data set.'],
      },
      ratings: { evidence_quality: 3, deliverability: 4, quality_and_safety: 5 },
      rationale: 'Meets a national standard; the night-time gap is a safety risk',
      comments: 'Ready for scoring.',
    },
    decision: { outcome: 'supported', reason: 'Closes the night-time gap in liaison cover at the James Paget' },
  },
];
