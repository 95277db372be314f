/** How big each scenario runs: the full run, or the quick smoke run of CI. */
export interface Settings {
  quick: boolean;
  /** Seconds each load phase lasts, and its warm-up before. */
  seconds: number;
  warmupSeconds: number;
  /** Load phases compared with each other are cut into this many rounds, taken in turn. */
  rounds: number;
  fanoutSubscribers: number;
  fanoutChanges: number;
  bigFanoutSubscribers: number;
  bigFanoutChanges: number;
  memorySubscribers: number;
  growthSmall: number;
  growthLarge: number;
  /** Events per agreement in the growth databases. */
  eventsPerAgreement: number;
}

export const FULL: Settings = {
  quick: false,
  seconds: 10,
  warmupSeconds: 3,
  rounds: 5,
  fanoutSubscribers: 2000,
  fanoutChanges: 20,
  bigFanoutSubscribers: 10000,
  bigFanoutChanges: 3,
  memorySubscribers: 2000,
  growthSmall: 1000,
  growthLarge: 100_000,
  eventsPerAgreement: 10,
};

export const QUICK: Settings = {
  quick: true,
  seconds: 2,
  warmupSeconds: 1,
  rounds: 1,
  fanoutSubscribers: 200,
  fanoutChanges: 5,
  bigFanoutSubscribers: 500,
  bigFanoutChanges: 2,
  memorySubscribers: 200,
  growthSmall: 100,
  growthLarge: 2000,
  eventsPerAgreement: 10,
};
