/** Public entry of the simulator (tests, demo scripts). */
export { startSimulator, type StartSimulatorOptions, type RunningSimulator } from './server.ts';
export {
  startAzurite,
  connectAzurite,
  freePort,
  AZURITE_ACCOUNT_NAME,
  AZURITE_ACCOUNT_KEY,
  type AzuriteHandle,
  type StartAzuriteOptions,
} from './azurite.ts';
export type { SimControl, SimBlob, SimSettings, SimFirmSummary } from './control.ts';
export type { SimFaults, ImportReport, DepositReport, RejectedLine, RejectReason, RequestLogEntry } from './state.ts';
export {
  defaultFixture,
  fiscalYears,
  DEMO_FIRM,
  DEMO_DOSSIERS,
  NO_CONTAINER_FIRM,
  NO_PORTAL_FIRM,
  type SimFixture,
  type SimFirmSpec,
  type SimDossierSpec,
  type SimAccountSpec,
  type SimJournalSpec,
  type SimPeriodSpec,
} from './fixture.ts';
