// The fixed vocabularies of the domain: the Joint Forward Plan's eight ambitions, places,
// levels, kinds of bid, evidence, mandates, roles and professions.

export const AMBITIONS = [
  'population_health_and_prevention',
  'primary_care',
  'babies_children_young_people_and_maternity',
  'mental_health',
  'later_life',
  'urgent_and_emergency_care',
  'elective_recovery',
  'productivity_and_efficiency',
] as const;
export type Ambition = (typeof AMBITIONS)[number];

export const AMBITION_LABELS: Record<Ambition, string> = {
  population_health_and_prevention: 'Population health, reducing inequalities and prevention',
  primary_care: 'Primary care resilience and transformation',
  babies_children_young_people_and_maternity: 'Babies, children, young people and maternity',
  mental_health: 'Transforming mental health services',
  later_life: 'Transforming care in later life',
  urgent_and_emergency_care: 'Improving urgent and emergency care',
  elective_recovery: 'Elective recovery and improvement',
  productivity_and_efficiency: 'Improving productivity and efficiency',
};

export const PLACES = ['norwich', 'north_norfolk', 'south_norfolk', 'west_norfolk', 'great_yarmouth_and_waveney'] as const;
export type Place = (typeof PLACES)[number];
export const PLACE_LABELS: Record<Place, string> = {
  norwich: 'Norwich',
  north_norfolk: 'North Norfolk',
  south_norfolk: 'South Norfolk',
  west_norfolk: 'West Norfolk',
  great_yarmouth_and_waveney: 'Great Yarmouth and Waveney',
};

export const LEVELS = ['neighbourhood', 'place', 'system'] as const;
export const BID_KINDS = ['new_service', 'expansion', 'pilot', 'disinvestment'] as const;
export const EVIDENCE_LEVELS = ['nice_guidance', 'systematic_review', 'rct', 'observational', 'expert_opinion', 'none'] as const;
export const STATUTORY_MANDATES = ['none', 'nice_technology_appraisal', 'legal_duty', 'national_mandate'] as const;

/** Core20PLUS5's five clinical areas for adults and five for children and young people. */
export const CORE20PLUS5_AREAS = [
  'maternity',
  'severe_mental_illness',
  'chronic_respiratory_disease',
  'early_cancer_diagnosis',
  'hypertension_case_finding',
  'cyp_asthma',
  'cyp_diabetes',
  'cyp_epilepsy',
  'cyp_oral_health',
  'cyp_mental_health',
] as const;

export const ROLES = ['applicant', 'evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PROFESSIONS = ['medical', 'nursing', 'ahp', 'pharmacy', 'social_care', 'public_health', 'other'] as const;
export type Profession = (typeof PROFESSIONS)[number];
