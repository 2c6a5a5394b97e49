/** Schema descriptions of the closing profile (definitions.md §10), by schema coordinate. */
export const CLOSING_PROFILE_TEXT: Record<string, string> = {
  ClosingProfile:
    'Which deals close (or which MQLs sales accepts) by property value, with intervals, exact tests and ' +
    'false-discovery control, so a budget is not moved on noise.',
  'ClosingProfile.population': 'The population the report counts.',
  'ClosingProfile.successes': 'Units that succeeded: deals WON, or MQLs accepted.',
  'ClosingProfile.failures': 'Units that failed: deals LOST, or MQLs returned.',
  'ClosingProfile.baseRate': 'successes / (successes + failures) over the whole population.',
  ClosingProfileInput: 'What to profile: a population over [from, to), as of asOf.',
  'ClosingProfileInput.population': 'DEALS (default) or MQLS.',
  'ClosingProfileInput.from': 'Start of the period (inclusive).',
  'ClosingProfileInput.to': 'End of the period (exclusive).',
  'ClosingProfileInput.asOf': 'Count as of this instant (default: now).',
  ProfilePopulation: 'The units of a closing profile.',
  'ProfilePopulation.DEALS': 'Deals closed in the period (outcome WON or LOST as of asOf); success = WON.',
  'ProfilePopulation.MQLS':
    'Leads whose reach_MQL lies in the period and that sales accepted or returned by asOf; success = accepted.',
  'ProfileDimension.INDUSTRY': "The account's industry.",
  'ProfileDimension.REGION': "The account's region.",
  'ProfileDimension.EMPLOYEES_BAND': "The account's employees: 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+.",
  'ProfileDimension.TITLE_SENIORITY':
    "The lead's title (a deal's earliest-created linked lead): VP, C_LEVEL, DIRECTOR, MANAGER, INDIVIDUAL.",
  'ProfileDimension.SOURCE': "The lead's source (a deal's earliest-created linked lead).",
  'ProfileDimension.FIRST_TOUCH_CHANNEL':
    "The channel of the first touch: a deal's first eligible touch (365-day lookback), an MQL's first touch up to " +
    'its reach_MQL; NONE without one.',
  'ProfileDimension.FIRST_TOUCH_CAMPAIGN': 'The campaign of that first touch (key: its external id); NONE without one.',
  'ProfileDimension.OWNER': "The deal's (or lead's) owner by email; UNASSIGNED without one.",
  'ProfileDimension.AMOUNT_BAND': "The deal's amount: <5k, 5k-25k, 25k-100k, 100k+ (DEALS only).",
  'ProfileDimension.SCORE_BAND': "The lead's score: <25, 25-49, 50-74, 75+ (a deal's earliest-created linked lead).",
  ProfileSignal: 'One value of one dimension against the rest of the population.',
  'ProfileSignal.dimension': 'The dimension.',
  'ProfileSignal.label': 'How to show the value (a campaign by its name).',
  'ProfileSignal.successes': 'Units with this value that succeeded.',
  'ProfileSignal.failures': 'Units with this value that failed.',
  'ProfileSignal.rate': 'successes / (successes + failures) with this value.',
  'ProfileSignal.rateHigh': 'Upper end of the Wilson interval of the rate.',
  'ProfileSignal.oddsRatioLow': 'Lower end of the odds ratio interval, exp(ln OR − z·SE).',
  'ProfileSignal.oddsRatioHigh': 'Upper end of the odds ratio interval, exp(ln OR + z·SE).',
};
